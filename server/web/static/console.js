// Vigil console: the little that pages do in the browser. No inline scripts (the CSP forbids them).
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  for (const box of document.querySelectorAll(all.dataset.selectAll)) box.checked = all.checked;
});

// The language switch returns to the page as it is now, filters htmx pushed into the URL included;
// after a form's POST the address may take POST only, so the server's choice of page stands.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".langs[data-follow-address] a");
  if (!link) return;
  const url = new URL(link.href);
  url.searchParams.set("next", location.pathname + location.search);
  link.href = url.toString();
});
