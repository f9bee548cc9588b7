// The home page's charts, drawn by Chart.js (served locally) from the figures the server
// rendered into <script id="chart-data">.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const draw = (id, series, type) => {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type,
      data: { labels: series.labels, datasets: [{ label: series.title, data: series.values }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: type !== "bar" } } },
    });
  };
  draw("chart-region", data.region, "bar");
  draw("chart-kind", data.kind, "doughnut");
});
