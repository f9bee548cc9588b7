// Clusters per school (a bureau's view): late, to report, reported on time, as stacked bars
// drawn by Chart.js (served locally) from the figures in <script id="cluster-chart-data">.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("cluster-chart-data");
  const canvas = document.getElementById("cluster-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((s) => ({ label: s.label, data: s.values,
                                          backgroundColor: s.color })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
                y: { stacked: true } },
      ...(still ? { animation: false } : {}),
    },
  });
});
