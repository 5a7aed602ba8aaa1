// Inspection setup: move and remove items of the template editor in place, show the fields
// each kind of item has, and the fields of the calendar chosen. Without it the buttons post
// the form and the server sends it back changed (not saved).
(() => {
  const editor = document.querySelector("form.editor");
  const unsaved = () => { const note = document.querySelector("[data-unsaved]"); if (note) note.hidden = false; };

  const showKind = (item) => {
    const kind = item.querySelector("select[data-kind]").value;
    item.dataset.type = kind;
    for (const part of item.querySelectorAll("[data-kinds]")) {
      part.hidden = !part.dataset.kinds.split(" ").includes(kind);
    }
  };

  if (editor) {
    editor.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-move]");
      if (!button) return;
      event.preventDefault();
      const item = button.closest("li.item");
      const move = button.dataset.move;
      if (move === "up" && item.previousElementSibling) {
        item.parentNode.insertBefore(item, item.previousElementSibling);
      } else if (move === "down" && item.nextElementSibling) {
        item.parentNode.insertBefore(item.nextElementSibling, item);
      } else if (move === "remove") {
        const next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        unsaved();
        const focus = next ? next.querySelector("button[data-move=remove]") : editor.querySelector("button[value=save]");
        if (focus) focus.focus();
        return;
      } else {
        return;
      }
      unsaved();
      button.focus();
    });
    // On input, not change: a change fires as the pointer leaves a box for Save, and a notice
    // appearing then would move Save from under the pointer.
    editor.addEventListener("input", unsaved);
    editor.addEventListener("change", (event) => {
      const item = event.target.closest("li.item");
      if (!item) return;
      if (event.target.matches("select[data-kind]")) showKind(item);
      if (event.target.matches("select[data-section-choice]")) {
        const list = editor.querySelector(`ol.items[data-section="${CSS.escape(event.target.value)}"]`);
        if (list) { list.appendChild(item); event.target.focus(); }
      }
    });
  }

  // The schedule form: only the fields of the calendar chosen.
  for (const when of document.querySelectorAll("[data-repeat-fields]")) {
    const choice = when.querySelector("select[name=repeat]");
    const show = () => {
      for (const part of when.querySelectorAll("[data-repeat]")) part.hidden = part.dataset.repeat !== choice.value;
    };
    choice.addEventListener("change", show);
    show();
  }
})();
