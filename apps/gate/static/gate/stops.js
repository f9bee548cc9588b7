// Gate stops by reason: a horizontal stacked bar chart (stops red, referrals amber).
(function () {
  "use strict";
  const canvas = document.getElementById("chart-stops");
  if (!canvas || !window.Chart) return;
  const data = JSON.parse(document.getElementById("stops-data").textContent);
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.stop_label, data: data.stop, backgroundColor: "#dc3545" },
        { label: data.refer_label, data: data.refer, backgroundColor: "#ffc107" },
      ],
    },
    options: {
      indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
    },
  });
})();
