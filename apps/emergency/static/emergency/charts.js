// The alert page's chart of response times, drawn by Chart.js (served locally) from the
// figures the server rendered into <script id="chart-data">.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  const canvas = document.getElementById("chart-response");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const series = JSON.parse(source.textContent).response;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  new Chart(canvas, {
    type: "bar",
    data: { labels: series.labels, datasets: [{ label: series.title, data: series.values }] },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      ...(still ? { animation: false } : {}),
    },
  });
});
