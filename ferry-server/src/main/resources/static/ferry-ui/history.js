// History chart: duration (left axis) and rows (right axis) per run, drawn with uPlot from the page's JSON data block.
(function () {
  function draw() {
    var el = document.getElementById('history-chart');
    var data = JSON.parse(document.getElementById('history-data').textContent);
    if (!el || !window.uPlot || data[0].length === 0) {
      if (el) el.textContent = 'No finished runs to chart yet.';
      return;
    }
    var width = Math.max(280, Math.min(el.parentElement.clientWidth || 800, 1100));
    var xScale = { time: true };
    // one run: widen the time axis to an hour each side instead of uPlot's years
    if (data[0].length === 1) xScale.range = function (u, min, max) { return [min - 3600, max + 3600]; };
    var opts = {
      width: width, height: 260,
      scales: { x: xScale, s: { auto: true }, rows: { auto: true } },
      series: [
        {},
        { label: 'Duration (s)', scale: 's', stroke: '#0b57d0', width: 2, points: { show: true } },
        { label: 'Rows', scale: 'rows', stroke: '#8d6e00', width: 2, dash: [6, 4], points: { show: true } }
      ],
      axes: [
        {},
        { scale: 's', label: 'seconds' },
        { scale: 'rows', side: 1, label: 'rows', grid: { show: false } }
      ]
    };
    el.uplot = new uPlot(opts, data, el);
    el.setAttribute('data-drawn', 'true');
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw); else draw();
})();
