// Print labels: ticking a tag means "print the ticked ones". Runs in the capture phase, before
// htmx reads the form to refresh the preview. Without it, the radio button says the same.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches(".ticks input[type=checkbox]") || !box.checked) return;
  const ticked = document.getElementById("which-ticked");
  if (ticked) ticked.checked = true;
}, true);
