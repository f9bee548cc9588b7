// The home page's charts (and the supervision overview's), drawn by Chart.js (served locally) from the figures the server
// rendered into <script id="chart-data">.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  // Drawn at once for people (and screenshots) that ask for reduced motion.
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const draw = (id, series, type) => {
    const canvas = document.getElementById(id);
    if (!canvas || !series) return;
    new Chart(canvas, {
      type,
      data: {
        labels: series.labels,
        // A series may bring its own colours (status categories match their badges), or
        // several lines of its own (a trend).
        datasets: series.datasets
          ? series.datasets.map((d) => ({ label: d.label, data: d.values, tension: 0.2 }))
          : [{ label: series.title, data: series.values,
               ...(series.colors ? { backgroundColor: series.colors } : {}) }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: type !== "bar" } },
        ...(type !== "doughnut" ? { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } : {}),
        ...(still ? { animation: false } : {}),
      },
    });
  };
  draw("chart-region", data.region, "bar");
  draw("chart-kind", data.kind, "doughnut");
  draw("chart-status", data.status, "bar");
  draw("chart-trend", data.trend, "line");
  draw("chart-items", data.items, "bar");  // supervision overview: failed items
  draw("chart-cover", data.cover, "line");  // a school's supplies: days of cover
});
