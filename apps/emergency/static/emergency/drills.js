// The drills page's line chart: minutes to acknowledge, to first action and to trace-back
// done, one point per drill, with the 30-minute deadline drawn as a dashed line.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("drill-chart-data");
  const canvas = document.getElementById("chart-drills");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const colours = ["#0d6efd", "#198754", "#fd7e14"];
  const datasets = data.series.map((s, i) => ({
    label: s.title, data: s.values, spanGaps: true, tension: 0.2,
    borderColor: colours[i], backgroundColor: colours[i],
  }));
  datasets.push({ label: data.deadline_title, data: data.labels.map(() => data.deadline),
                  borderDash: [6, 4], pointRadius: 0, borderColor: "#dc3545" });
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: data.unit } } },
      ...(still ? { animation: false } : {}),
    },
  });
});
