// Vigil console: the little that pages do in the browser. No inline scripts (the CSP forbids them).
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  for (const box of document.querySelectorAll(all.dataset.selectAll)) box.checked = all.checked;
});
