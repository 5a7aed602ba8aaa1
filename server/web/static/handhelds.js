// Handhelds: the enrollment code's time left, counted down each second. It counts from what
// the server said was left when it made the page, so a wrong clock on this computer cannot
// make a live code look expired. Without this script the page shows when the code expires.
(() => {
  const left = document.querySelector("time[data-seconds-left]");
  if (!left) return;
  const box = left.closest("[data-code]");
  const countdown = left.closest(".countdown");
  const started = performance.now();
  const total = Number(left.dataset.secondsLeft);
  const two = (n) => String(n).padStart(2, "0");

  function tick() {
    const state = document.querySelector("[data-code-state]");
    if (state && state.dataset.codeState !== "open" && state.dataset.codeState !== "expired") {
      countdown.hidden = true; // used or revoked: the time left no longer matters
      return false;
    }
    const seconds = Math.max(0, Math.round(total - (performance.now() - started) / 1000));
    if (seconds === 0) {
      countdown.textContent = countdown.dataset.expired;
      box.classList.add("expired");
      return false;
    }
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    left.textContent = h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
    left.dateTime = `PT${h}H${m}M${s}S`;
    return true;
  }

  countdown.hidden = false;
  if (!tick()) return;
  const timer = setInterval(() => { if (!tick()) clearInterval(timer); }, 1000);
})();
