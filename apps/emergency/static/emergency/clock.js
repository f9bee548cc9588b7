// The 30-minute clock: every element with data-deadline counts down to it, then shows how
// late it is. Times come from the server in ISO 8601 with their offset.
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    document.querySelectorAll("[data-deadline]").forEach((el) => {
      if (el.dataset.stopped) return;
      const left = Math.round((Date.parse(el.dataset.deadline) - Date.now()) / 1000);
      const abs = Math.abs(left);
      const text = `${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
      el.textContent = left >= 0 ? `${el.dataset.leftLabel} ${text}` : `${el.dataset.lateLabel} ${text}`;
      el.classList.toggle("text-bg-danger", left < 0);
      el.classList.toggle("text-bg-warning", left >= 0 && left < 600);
    });
  };
  document.addEventListener("DOMContentLoaded", () => { tick(); setInterval(tick, 1000); });
})();
