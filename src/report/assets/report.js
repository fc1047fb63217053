// descent report page: draws the charts of the runs in #descent-data with uPlot.
// One chart per metric (train_/val_/test_ of a metric together), per epoch (metrics.csv) and per
// step (steps.csv). Controls: a smoothing slider per section (TensorBoard's debiased EMA, the raw
// curve faint behind), linear/log y per chart, hover readout of the exact values (the legend),
// zoom (drag across a chart; double-click or "reset zoom" to undo), show/hide a series (click its
// legend entry). uPlot draws at most a few points per pixel column, so 200k steps stay fast, and
// the legend reads the exact values. Sets body[data-charts-drawn] once every chart has drawn.
(function () {
  'use strict';
  var payload = JSON.parse(document.getElementById('descent-data').textContent);
  var runs = payload.runs;
  var overlay = runs.length > 1;
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
                 '#7f7f7f', '#bcbd22', '#17becf'];
  var splitColor = {train: '#1f77b4', val: '#d62728', test: '#2ca02c'};
  var logByDefault = /(^|_)(loss|grad_norm|update_ratio)$/;
  var container = document.getElementById('charts');
  var announced = 0;
  var drawn = {};
  var drawnCount = 0;

  // TensorBoard's smoothing: last = w*last + (1-w)*y; shown = last / (1 - w^n) (debiased EMA over
  // the n finite values so far); a non-finite or missing value is shown as it is.
  function smooth(ys, w) {
    if (w <= 0) return ys;
    var out = new Array(ys.length);
    var last = 0, n = 0, constant = true;
    for (var i = 1; i < ys.length; i++) if (ys[i] !== ys[0]) { constant = false; break; }
    if (constant) return ys;
    for (var k = 0; k < ys.length; k++) {
      var y = ys[k];
      if (y === null || !isFinite(y)) { out[k] = y; continue; }
      last = last * w + (1 - w) * y;
      n++;
      out[k] = last / (w === 1 ? 1 : 1 - Math.pow(w, n));
    }
    return out;
  }

  function positive(ys) {
    var out = new Array(ys.length);
    for (var i = 0; i < ys.length; i++) out[i] = ys[i] > 0 ? ys[i] : null;
    return out;
  }

  function metricOf(name) { return name.replace(/^(train|val|test)_/, ''); }
  function splitOf(name) { var m = /^(train|val|test)_/.exec(name); return m ? m[1] : ''; }

  function column(table, name) {
    var j = table.names.indexOf(name);
    return j < 0 ? null : table.columns[j];
  }

  function hasValue(ys) {
    for (var i = 0; i < ys.length; i++) if (ys[i] !== null) return true;
    return false;
  }

  // Metrics of one table kind across runs, in order of first appearance:
  // [{metric, names: [column names]}].
  function metricGroups(kind, xName) {
    var groups = [], byMetric = {};
    runs.forEach(function (run) {
      var t = run[kind];
      t.names.forEach(function (name, j) {
        if (name === xName || name === 'epoch' || name === 'step' || !hasValue(t.columns[j])) return;
        var m = metricOf(name);
        if (!byMetric[m]) { byMetric[m] = {metric: m, names: []}; groups.push(byMetric[m]); }
        if (byMetric[m].names.indexOf(name) < 0) byMetric[m].names.push(name);
      });
    });
    return groups;
  }

  // The chart's series: [{label, color, dash, ys}] on one shared x (uPlot.join for overlays).
  function chartData(kind, xName, group) {
    var tables = [], series = [];
    runs.forEach(function (run, r) {
      var t = run[kind], x = column(t, xName);
      if (!x) return;
      var cols = [x];
      group.names.forEach(function (name) {
        var ys = column(t, name);
        if (!ys || !hasValue(ys)) return;
        cols.push(ys);
        var split = splitOf(name);
        series.push({
          label: overlay ? run.label + ' ' + (split || name) : name,
          color: overlay ? palette[r % palette.length]
                         : splitColor[split] || palette[series.length % palette.length],
          dash: split === 'val' ? [6, 4] : split === 'test' ? [2, 3] : undefined
        });
      });
      if (cols.length > 1) tables.push(cols);
    });
    var aligned = tables.length === 1 ? tables[0] : uPlot.join(tables);
    series.forEach(function (s, k) { s.ys = aligned[k + 1]; });
    return {x: aligned[0], series: series};
  }

  function fmt(v) { return v === null || v === undefined ? '\u2014' : String(v); }

  // Two charts a row on a wide window (16 px gap, 10 px of border and padding per chart).
  function chartWidth() {
    var cols = container.clientWidth >= 1000 ? 2 : 1;
    return Math.max(300, Math.floor((container.clientWidth - 16 * (cols - 1)) / cols) - 10);
  }

  // A log axis spanning the data (uPlot's default widens it to whole decades).
  function logRange(u, min, max) {
    if (min === null || max === null) return [0.1, 1];
    return min === max ? [min / 2, max * 2] : [min / 1.1, max * 1.1];
  }

  // Axis ticks with as many digits as they need (uPlot's default stops at 3 decimals).
  function ticks(u, splits) {
    return splits.map(function (v) { return v === null ? '' : String(+v.toPrecision(4)); });
  }

  // One chart with its title bar; rebuilt (keeping the x range) when the y scale changes.
  function Chart(section, kind, xName, group) {
    var self = this;
    var d = chartData(kind, xName, group);
    var id = kind + ':' + group.metric;
    var log = kind === 'steps' && logByDefault.test(group.metric);
    var canLog = d.series.some(function (s) {
      for (var i = 0; i < s.ys.length; i++) if (s.ys[i] > 0) return true;
      return false;
    });
    if (!canLog) log = false;
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-chart', id);
    var bar = document.createElement('div');
    bar.className = 'bar';
    var title = document.createElement('h3');
    title.textContent = group.metric + (kind === 'steps' ? ' per step' : ' per epoch');
    var scaleButton = document.createElement('button');
    var resetButton = document.createElement('button');
    resetButton.textContent = 'reset zoom';
    bar.appendChild(title);
    bar.appendChild(scaleButton);
    bar.appendChild(resetButton);
    box.appendChild(bar);
    var holder = document.createElement('div');
    box.appendChild(holder);
    section.grid.appendChild(box);
    var plot = null;

    function arrays() {
      var out = [d.x];
      d.series.forEach(function (s) {
        var sm = smooth(s.ys, section.weight);
        out.push(log ? positive(s.ys) : s.ys);
        out.push(log ? positive(sm) : sm);
      });
      return out;
    }

    function build() {
      var range = plot ? [plot.scales.x.min, plot.scales.x.max] : null;
      if (plot) plot.destroy();
      holder.innerHTML = '';
      scaleButton.textContent = log ? 'log y \u2192 linear' : 'linear y \u2192 log';
      scaleButton.disabled = !canLog;
      var series = [{label: xName, value: function (u, v) {
        return v === null || v === undefined ? 'last' : fmt(v);
      }}];
      d.series.forEach(function (s, k) {
        series.push({label: s.label + ' raw', stroke: s.color, alpha: 0.25, width: 1, dash: s.dash,
                     spanGaps: true});
        series.push({
          label: s.label, stroke: s.color, width: 1.5, dash: s.dash, spanGaps: true,
          // The exact logged value at the cursor, and the smoothed one when smoothing is on.
          value: function (u, v, si, idx) {
            // Away from the chart: the last value.
            if (idx === null || idx === undefined) {
              idx = d.x.length - 1;
              v = u.data[si][idx];
            }
            var raw = d.series[k].ys[idx];
            return section.weight > 0 ? fmt(raw) + ' (smoothed ' + fmt(v === null ? v : +v.toPrecision(6)) + ')'
                                      : fmt(raw);
          }
        });
      });
      var opts = {
        width: chartWidth(), height: 260,
        scales: {x: {time: false}, y: log ? {distr: 3, range: logRange} : {distr: 1}},
        axes: [{label: xName, values: ticks,
                 // Whole epochs and steps on the x axis.
                 incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5,
                         2e5, 5e5, 1e6, 2e6, 5e6, 1e7]},
               {size: 64, values: ticks}],
        series: series,
        cursor: {sync: {key: kind}, drag: {x: true, y: false}},
        legend: {live: true},
        hooks: {
          draw: [function () {
            if (!drawn[id]) { drawn[id] = true; chartDrawn(); }
          }],
          // Hiding or showing a curve hides or shows its raw shadow too.
          setSeries: [function (u, si, o) {
            if (si && si % 2 === 0 && o && 'show' in o && u.series[si - 1].show !== o.show)
              u.setSeries(si - 1, {show: o.show});
          }]
        }
      };
      plot = new uPlot(opts, arrays(), holder);
      // The raw shadows have no legend entry of their own (their value shows in the curve's).
      var rows = holder.querySelectorAll('.u-legend .u-series');
      for (var i = 1; i < rows.length; i += 2) rows[i].style.display = 'none';
      if (range && range[0] !== null) plot.setScale('x', {min: range[0], max: range[1]});
    }

    scaleButton.addEventListener('click', function () { log = !log; build(); });
    resetButton.addEventListener('click', function () {
      plot.setScale('x', {min: d.x[0], max: d.x[d.x.length - 1]});
    });
    this.resmooth = function () { plot.setData(arrays(), false); plot.redraw(); };
    this.resize = function () { plot.setSize({width: chartWidth(), height: 260}); };
    build();
    self.plot = function () { return plot; };
  }

  function chartDrawn() {
    drawnCount++;
    if (drawnCount === announced) {
      document.body.setAttribute('data-charts-drawn', String(drawnCount));
      document.body.setAttribute('data-draw-ms', performance.now().toFixed(1));
    }
  }

  function Section(kind, xName, heading, weight) {
    var groups = metricGroups(kind, xName);
    if (!groups.length) return null;
    var el = document.createElement('section');
    var h = document.createElement('h2');
    h.textContent = heading;
    el.appendChild(h);
    var controls = document.createElement('div');
    controls.className = 'controls';
    var label = document.createElement('label');
    label.textContent = 'smoothing ';
    var slider = document.createElement('input');
    slider.type = 'range'; slider.min = '0'; slider.max = '0.99'; slider.step = '0.01';
    slider.value = String(weight);
    var shown = document.createElement('span');
    shown.textContent = String(weight);
    label.appendChild(slider);
    label.appendChild(shown);
    controls.appendChild(label);
    var help = document.createElement('span');
    help.className = 'note';
    help.textContent = ' drag across a chart to zoom, double-click to zoom out; click a legend ' +
                       'entry to hide or show it; the legend shows the values under the cursor';
    controls.appendChild(help);
    el.appendChild(controls);
    var grid = document.createElement('div');
    grid.className = 'grid';
    el.appendChild(grid);
    container.appendChild(el);
    var section = {grid: grid, weight: weight, charts: []};
    announced += groups.length;
    document.body.setAttribute('data-charts-announced', String(announced));
    slider.addEventListener('input', function () {
      section.weight = +slider.value;
      shown.textContent = slider.value;
      section.charts.forEach(function (c) { c.resmooth(); });
    });
    section.groups = groups;
    section.build = function () {
      groups.forEach(function (g) { section.charts.push(new Chart(section, kind, xName, g)); });
    };
    return section;
  }

  var sections = [Section('epochs', 'epoch', 'Per epoch', 0),
                  Section('steps', 'step', 'Per step', 0.6)].filter(Boolean);
  sections.forEach(function (s) { s.build(); });
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      sections.forEach(function (s) { s.charts.forEach(function (c) { c.resize(); }); });
    }, 100);
  });
})();
