// The results pages' charts, drawn by Chart.js (served locally) from the figures the server
// rendered into <script id="chart-data">: coverage by class and by day, turnaround, advice.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const base = { maintainAspectRatio: false, ...(still ? { animation: false } : {}) };
  const bars = (id, series, extra = {}) => {
    const canvas = document.getElementById(id);
    if (!canvas || !series) return;
    new Chart(canvas, {
      type: "bar",
      data: { labels: series.labels, datasets: [{ label: series.title, data: series.values }] },
      options: { ...base, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ...extra } } },
    });
  };
  bars("chart-classes", data.classes, { max: 100 });
  bars("chart-days", data.days, { ticks: { precision: 0 } });
  bars("chart-turnaround", data.turnaround, { ticks: { precision: 0 } });

  // Expected tests per person against prevalence, one line per pool size; 1 is the line
  // above which pooling costs more than single tubes.
  const advice = document.getElementById("chart-advice");
  if (advice && data.advice) {
    const datasets = data.advice.series.map((s) => ({
      label: s.label, data: s.values, pointRadius: 0, borderWidth: 2, tension: 0.2,
    }));
    new Chart(advice, {
      type: "line",
      data: { labels: data.advice.labels, datasets },
      options: { ...base, interaction: { mode: "index", intersect: false },
                 scales: { x: { title: { display: true, text: "%" } },
                           y: { beginAtZero: true, suggestedMax: 1.2 } } },
    });
  }
});
