// The route editor: move and remove stops in place, by button (mouse or keyboard) or by
// dragging a row's handle. Without this file the same buttons post the form and the server
// moves the row; either way nothing is saved until Save route.
(() => {
  const table = document.querySelector("table.stops");
  if (!table) return;
  const body = table.tBodies[0];
  const said = document.getElementById("said");
  const rows = () => Array.from(body.querySelectorAll("tr.stop"));

  function changed(text) {
    rows().forEach((row, i) => { row.querySelector(".pos").textContent = String(i + 1); });
    said.textContent = `${text} ${table.dataset.unsaved}`;
  }

  function moved(row) {
    const list = rows();
    return table.dataset.moved
      .replace("{n}", String(list.indexOf(row) + 1))
      .replace("{count}", String(list.length));
  }

  table.addEventListener("click", (event) => {
    const button = event.target.closest("button[name=move], button[name=remove]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest("tr.stop");
    if (button.name === "remove") {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      changed(table.dataset.removed);
      const focus = next ? next.querySelector("button[name=remove]") : null;
      (focus || document.getElementById("add-stop")).focus();
      return;
    }
    // The neighbour moves, not the row: the button keeps the focus, so pressing it again
    // moves the same stop one more place.
    if (button.value.endsWith(":up")) {
      const before = row.previousElementSibling;
      if (before) body.insertBefore(before, row.nextElementSibling);
    } else {
      const after = row.nextElementSibling;
      if (after) body.insertBefore(after, row);
    }
    button.focus();
    changed(moved(row));
  });

  let dragging = null;
  body.addEventListener("pointerdown", (event) => {
    const grip = event.target.closest(".grip");
    if (!grip || event.button !== 0) return;
    event.preventDefault();
    dragging = grip.closest("tr.stop");
    dragging.classList.add("dragging");
  });
  const EDGE = 48; // px from the window's top or bottom where a drag scrolls the page
  // Moving the row in the page would drop a pointer capture: the document follows the pointer.
  document.addEventListener("pointermove", (event) => {
    if (!dragging) return;
    if (event.clientY < EDGE) window.scrollBy(0, -EDGE / 2);
    else if (event.clientY > window.innerHeight - EDGE) window.scrollBy(0, EDGE / 2);
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const over = under ? under.closest("tr.stop") : null;
    if (!over || over === dragging || over.parentNode !== body) return;
    const box = over.getBoundingClientRect();
    const above = event.clientY < box.top + box.height / 2;
    body.insertBefore(dragging, above ? over : over.nextElementSibling);
  });
  function drop() {
    if (!dragging) return;
    dragging.classList.remove("dragging");
    changed(moved(dragging));
    dragging = null;
  }
  document.addEventListener("pointerup", drop);
  document.addEventListener("pointercancel", drop);
})();
