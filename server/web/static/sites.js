// The timezone field: a list that narrows as one types ("shang", "new york", "北京") and shows
// the chosen zone's offset now. Without this script the field is a plain datalist; the server
// checks what is sent either way.
(() => {
  const LIMIT = 12;
  const fold = (text) => text.toLowerCase().replace(/[_\s]+/g, " ");

  function enhance(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const output = document.getElementById(input.dataset.offset);
    if (!list) return;
    const zones = Array.from(list.options, (o) => ({
      name: o.value,
      label: o.label,
      offset: o.dataset.offset,
      words: fold(`${o.value} ${o.label}`),
      city: fold(o.value.slice(o.value.lastIndexOf("/") + 1)),
    }));
    const box = document.createElement("ul");
    box.id = `${input.id}-choices`;
    box.className = "tz-choices";
    box.hidden = true;
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", input.dataset.choicesLabel);
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", box.id);
    input.insertAdjacentElement("afterend", box);
    let shown = [];
    let active = -1;

    const showOffset = () => {
      const zone = zones.find((z) => z.name === input.value.trim());
      if (output) output.textContent = zone ? zone.offset : "–";
    };

    const close = () => {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };

    const mark = (index) => {
      active = index;
      box.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      if (index < 0) return input.removeAttribute("aria-activedescendant");
      const li = box.children[index];
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    };

    const choose = (zone) => {
      input.value = zone.name;
      showOffset();
      close();
    };

    const open = () => {
      const wanted = fold(input.value.trim());
      if (!wanted) return close();
      // A city that starts with what was typed first, then any zone whose words hold it.
      const starts = zones.filter((z) => z.city.startsWith(wanted));
      const holds = zones.filter((z) => !z.city.startsWith(wanted) && z.words.includes(wanted));
      shown = starts.concat(holds).slice(0, LIMIT);
      box.replaceChildren(
        ...shown.map((zone, i) => {
          const li = document.createElement("li");
          li.id = `${box.id}-${i}`;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          const name = document.createElement("span");
          name.textContent = zone.name;
          const note = document.createElement("span");
          note.className = "muted";
          note.textContent = zone.label;
          li.append(name, note);
          li.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
          li.addEventListener("click", () => choose(zone));
          return li;
        }),
      );
      box.hidden = shown.length === 0;
      input.setAttribute("aria-expanded", String(!box.hidden));
      active = -1;
    };

    input.addEventListener("input", () => {
      open();
      showOffset();
    });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      if (box.hidden) {
        if (event.key === "ArrowDown") open();
        return;
      }
      if (event.key === "ArrowDown") mark(Math.min(active + 1, shown.length - 1));
      else if (event.key === "ArrowUp") mark(Math.max(active - 1, 0));
      else if (event.key === "Enter" && active >= 0) choose(shown[active]);
      else if (event.key === "Escape") close();
      else return;
      event.preventDefault();
    });
  }

  document.querySelectorAll("input[data-timezones]").forEach(enhance);
})();
