// The abnormal page's trend: abnormal check-ins, fevers and each symptom by day (Chart.js,
// served locally), from the figures the server rendered into <script id="trend-data">.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("trend-data");
  const canvas = document.getElementById("chart-trend");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map((s, i) => ({
        label: s.label, data: s.values, tension: 0,
        borderWidth: i < 2 ? 3 : 1.5, borderDash: i < 2 ? [] : [4, 3],
      })),
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      ...(still ? { animation: false } : {}),
    },
  });
});
