// A round's rotation plan: people planned per day, drawn by Chart.js (served locally) from
// the figures the server rendered into <script id="plan-data">.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("plan-data");
  const canvas = document.getElementById("chart-plan");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const days = JSON.parse(source.textContent).days;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  new Chart(canvas, {
    type: "bar",
    data: { labels: days.labels, datasets: [{ label: days.title, data: days.values }] },
    options: { maintainAspectRatio: false, ...(still ? { animation: false } : {}),
               plugins: { legend: { display: false } },
               scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
});
