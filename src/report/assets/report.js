// descent report page: draws the charts of the runs in #descent-data with uPlot.
// One chart per metric (train_/val_/test_ of a metric together), per epoch (metrics.csv) and per
// step (steps.csv). Controls: a smoothing slider per section (TensorBoard's debiased EMA, the raw
// curve faint behind), linear/log y per chart, hover readout of the exact values (the legend),
// zoom (drag across a chart; double-click or "reset zoom" to undo), show/hide a series (click its
// legend entry). Long curves are decimated for drawing (per-bucket min/max, refined on zoom), and
// the legend reads the exact logged values. Sets body[data-charts-drawn] once every chart has drawn.
(function () {
  'use strict';
  var payload = JSON.parse(document.getElementById('descent-data').textContent);

  function fromBase64(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // A column as the page embeds it: an array (null for a missing value) or, for long columns,
  // {const, n}, {i32: [block ids]} or {f64: [block ids]}, the text/plain blocks holding base64
  // little-endian binary, decoded to a typed array (NaN for a missing value). Code below treats
  // null and non-finite values alike: missing.
  function decodeColumn(c) {
    if (Array.isArray(c)) return c;
    if ('const' in c) return new Float64Array(c.n).fill(c['const'] === null ? NaN : c['const']);
    var parts = (c.i32 || c.f64).map(function (id) {
      return fromBase64(document.getElementById(id).textContent);
    });
    var size = parts.reduce(function (a, p) { return a + p.length; }, 0);
    var bytes = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { bytes.set(p, at); at += p.length; });
    return c.i32 ? new Int32Array(bytes.buffer) : new Float64Array(bytes.buffer);
  }

  function missing(y) { return y === null || y === undefined || !isFinite(y); }
  payload.runs.forEach(function (run) {
    run.epochs.columns = run.epochs.columns.map(decodeColumn);
    run.steps.columns = run.steps.columns.map(decodeColumn);
    if (run.predictions) run.predictions.columns = run.predictions.columns.map(decodeColumn);
  });
  window.descentRuns = payload.runs;  // the decoded data, for checks from the console or a test
  window.descentCharts = [];          // the charts (plot(): the uPlot instance, drawnRows())
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
      if (missing(y)) { out[k] = null; continue; }
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

  // The chart a column is drawn on: train_/val_/test_ of a metric together, 2/lambda_max beside the
  // lr (gradient descent is stable below it), every ReLU layer's dead fraction together.
  function metricOf(name) {
    if (name === 'two_over_lambda_max') return 'lr';
    if (/^dead_relu_\d+$/.test(name)) return 'dead_relu';
    return name.replace(/^(train|val|test)_/, '');
  }
  function splitOf(name) { var m = /^(train|val|test)_/.exec(name); return m ? m[1] : ''; }

  function column(table, name) {
    var j = table.names.indexOf(name);
    return j < 0 ? null : table.columns[j];
  }

  function hasValue(ys) {
    for (var i = 0; i < ys.length; i++) if (!missing(ys[i])) return true;
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
      if (cols.length > 1) tables.push(overlay ? cols.map(function (c) { return gather(c, null); }) : cols);
    });
    var aligned = tables.length === 1 ? tables[0] : uPlot.join(tables);
    series.forEach(function (s, k) { s.ys = aligned[k + 1]; });
    return {x: aligned[0], series: series};
  }

  function fmt(v) { return missing(v) ? '\u2014' : String(v); }

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

  // Axis ticks with as many digits as they need (uPlot's default stops at 3 decimals); very small
  // or large ones as 1.5e-8.
  function tickText(v) {
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e6)
        ? v.toExponential(1).replace('.0e', 'e').replace('e+', 'e')
        : String(+v.toPrecision(4));
  }
  function ticks(u, splits, axisIdx, space, incr) {
    return splits.map(function (v) {
      if (v === null || v === undefined) return '';
      return incr && Math.abs(v) < incr * 1e-9 ? '0' : tickText(v);  // rounding noise around 0
    });
  }
  function logTicks(u, splits) {
    return splits.map(function (v) { return v === null || v === undefined ? '' : tickText(v); });
  }

  // Linear axis tick steps 1, 2, 5 x 10^k over any range (uPlot's default stops at 10^16).
  var linearIncrs = [];
  for (var e = -30; e <= 300; e++)
    [1, 2, 5].forEach(function (m) { linearIncrs.push(+(m + 'e' + e)); });

  // Log axis ticks: uPlot's 1..9 per decade, or only powers of ten (every k-th) over many decades.
  function logSplits(u, axisIdx, min, max) {
    var lo = Math.floor(Math.log10(min)), hi = Math.ceil(Math.log10(max));
    var out = [];
    if (hi - lo <= 2) {
      for (var e = lo; e <= hi; e++)
        for (var m = 1; m < 10; m++) {
          var v = m * Math.pow(10, e);
          if (v >= min && v <= max) out.push(+v.toPrecision(12));
        }
      return out;
    }
    var step = Math.ceil((hi - lo) / 6);
    for (var k = lo; k <= hi; k += step) {
      var p = Math.pow(10, k);
      if (p >= min && p <= max) out.push(p);
    }
    return out;
  }

  // The first index i with xs[i] >= v (xs ascending).
  function lowerBound(xs, v) {
    var lo = 0, hi = xs.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < v) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // Decimation for drawing: the indices to draw, or null for every point. Inside [i0, i1] (the
  // visible range) each of ~2 buckets per pixel keeps its first and last point and every series'
  // minimum and maximum, so spikes stay visible; outside it 64 buckets keep the curve's shape for
  // panning out. The hover readout maps a drawn point back to its row: exact logged values.
  function decimate(series, n, i0, i1, fine) {
    if (n <= 4 * fine) return null;
    var idx = [];
    function add(lo, hi, buckets) {
      if (hi < lo) return;
      var m = hi - lo + 1;
      if (m <= 4 * buckets) {
        for (var i = lo; i <= hi; i++) idx.push(i);
        return;
      }
      for (var b = 0; b < buckets; b++) {
        var from = lo + Math.floor(b * m / buckets), to = lo + Math.floor((b + 1) * m / buckets) - 1;
        var picks = [from, to];
        for (var k = 0; k < series.length; k++) {
          var ys = series[k].ys, min = -1, max = -1;
          for (var j = from; j <= to; j++) {
            var y = ys[j];
            if (missing(y)) continue;
            if (min < 0 || y < ys[min]) min = j;
            if (max < 0 || y > ys[max]) max = j;
          }
          if (min >= 0) picks.push(min, max);
        }
        picks.sort(function (a, c) { return a - c; });
        for (var p = 0; p < picks.length; p++)
          if (p === 0 || picks[p] !== picks[p - 1]) idx.push(picks[p]);
      }
    }
    add(0, i0 - 1, 64);
    add(i0, i1, fine);
    add(i1 + 1, n - 1, 64);
    return idx;
  }

  // The rows idx (null: all) of a column as uPlot takes it: an array with null for a gap.
  function gather(ys, idx) {
    var n = idx ? idx.length : ys.length;
    var out = new Array(n);
    for (var i = 0; i < n; i++) {
      var y = ys[idx ? idx[i] : i];
      out[i] = missing(y) ? null : y;
    }
    return out;
  }

  // One chart with its title bar; rebuilt (keeping the x range) when the y scale changes.
  function Chart(section, kind, xName, group) {
    var d = chartData(kind, xName, group);
    var n = d.x.length;
    var id = kind + ':' + group.metric;
    var lo = Infinity, hi = -Infinity;
    d.series.forEach(function (s) {
      for (var i = 0; i < s.ys.length; i++)
        if (!missing(s.ys[i])) lo = Math.min(lo, s.ys[i]), hi = Math.max(hi, s.ys[i]);
    });
    var canLog = hi > 0;
    // Log y for the per-step loss, gradient norm and update ratio, and for any positive curve
    // spanning more than 4 decades (a diverging run).
    var log = canLog && ((kind === 'steps' && logByDefault.test(group.metric)) ||
                         (lo > 0 && hi / lo > 1e4));
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
    var fine = 2 * chartWidth();
    var picked = decimate(d.series, n, 0, n - 1, fine);  // drawn rows (null: all)
    var window_ = [0, n - 1];
    var smoothed = null, smoothedWeight = -1;

    function rowOf(idx) { return picked ? picked[idx] : idx; }

    function arrays() {
      if (smoothedWeight !== section.weight) {
        smoothed = d.series.map(function (s) { return smooth(s.ys, section.weight); });
        smoothedWeight = section.weight;
      }
      var out = [gather(d.x, picked)];
      d.series.forEach(function (s, k) {
        var raw = gather(s.ys, picked), sm = gather(smoothed[k], picked);
        out.push(log ? positive(raw) : raw);
        out.push(log ? positive(sm) : sm);
      });
      return out;
    }

    // After a zoom, draw the visible rows at full resolution (deferred: not inside uPlot's commit).
    function refine(u) {
      if (!picked && n <= 4 * fine) return;
      var i0 = Math.max(0, lowerBound(d.x, u.scales.x.min));
      var i1 = Math.min(n - 1, lowerBound(d.x, u.scales.x.max + 1e-9 * Math.abs(u.scales.x.max)));
      if (i0 === window_[0] && i1 === window_[1]) return;
      window_ = [i0, i1];
      setTimeout(function () {
        if (u !== plot) return;  // rebuilt meanwhile
        var min = u.scales.x.min, max = u.scales.x.max;
        picked = decimate(d.series, n, i0, i1, fine);
        u.setData(arrays(), false);
        u.setScale('x', {min: min, max: max});
      }, 0);
    }

    function build() {
      var range = plot ? [plot.scales.x.min, plot.scales.x.max] : null;
      if (plot) plot.destroy();
      holder.innerHTML = '';
      scaleButton.textContent = log ? 'log y \u2192 linear' : 'linear y \u2192 log';
      scaleButton.disabled = !canLog;
      var series = [{label: xName, value: function (u, v, si, idx) {
        return idx === null || idx === undefined ? 'last' : fmt(d.x[rowOf(idx)]);
      }}];
      d.series.forEach(function (s, k) {
        series.push({label: s.label + ' raw', stroke: s.color, alpha: 0.25, width: 1, dash: s.dash,
                     spanGaps: true});
        series.push({
          label: s.label, stroke: s.color, width: 1.5, dash: s.dash, spanGaps: true,
          // The exact logged value at the cursor (away from the chart: the last one), and the
          // smoothed one when smoothing is on.
          value: function (u, v, si, idx) {
            var row = idx === null || idx === undefined ? n - 1 : rowOf(idx);
            var raw = d.series[k].ys[row], sm = smoothed[k][row];
            return section.weight > 0
                ? fmt(raw) + ' (smoothed ' + fmt(missing(sm) ? sm : +sm.toPrecision(6)) + ')'
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
               log ? {size: 70, values: logTicks, splits: logSplits, incrs: linearIncrs,
                      filter: function (u, s) { return s; }}
                   : {size: 70, values: ticks, incrs: linearIncrs}],
        series: series,
        cursor: {sync: {key: kind}, drag: {x: true, y: false}},
        legend: {live: true},
        hooks: {
          draw: [function () {
            if (!drawn[id]) { drawn[id] = true; chartDrawn(); }
          }],
          setScale: [function (u, key) { if (key === 'x') refine(u); }],
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
      plot.setScale('x', {min: d.x[0], max: d.x[n - 1]});
    });
    this.resmooth = function () { plot.setData(arrays(), false); plot.redraw(); };
    this.resize = function () { plot.setSize({width: chartWidth(), height: 260}); };
    this.plot = function () { return plot; };
    this.drawnRows = function () { return picked ? picked.length : n; };
    build();
    window.descentCharts.push(this);
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

  // Regression (one run): predicted against actual, a point per row of predictions.csv, with the
  // line predicted = actual. uPlot needs increasing x: the rows are drawn sorted by actual value.
  function PredictedVsActual(run) {
    var actual = column(run.predictions, 'actual'), predicted = column(run.predictions, 'predicted');
    if (!actual || !predicted || !actual.length) return;
    var order = actual.map(function (v, i) { return i; })
        .filter(function (i) { return !missing(actual[i]) && !missing(predicted[i]); });
    order.sort(function (a, b) { return actual[a] - actual[b]; });
    var xs = order.map(function (i) { return actual[i]; });
    var ys = order.map(function (i) { return predicted[i]; });
    var lo = xs[0], hi = xs[xs.length - 1];
    ys.forEach(function (y) { lo = Math.min(lo, y); hi = Math.max(hi, y); });
    var el = document.createElement('section');
    var h = document.createElement('h2');
    h.textContent = 'Predicted vs actual';
    el.appendChild(h);
    var note = document.createElement('p');
    note.className = 'note';
    note.textContent = xs.length + ' rows of predictions.csv; on the dashed line the prediction ' +
                       'equals the actual value';
    el.appendChild(note);
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-chart', 'predicted-vs-actual');
    el.appendChild(box);
    container.appendChild(el);
    announced += 1;
    document.body.setAttribute('data-charts-announced', String(announced));
    var size = Math.min(chartWidth(), 480);
    var plot = new uPlot({
      width: size, height: size,
      scales: {x: {time: false, range: [lo, hi]}, y: {range: [lo, hi]}},
      axes: [{label: 'actual', values: ticks, incrs: linearIncrs},
             {label: 'predicted', size: 70, values: ticks, incrs: linearIncrs}],
      series: [{label: 'actual', value: function (u, v) { return fmt(v); }},
               {label: 'predicted', stroke: palette[0], paths: function () { return null; },
                points: {show: true, size: 4, fill: palette[0]},
                value: function (u, v) { return fmt(v); }},
               {label: 'predicted = actual', stroke: '#7f7f7f', dash: [6, 4], width: 1,
                points: {show: false}}],
      cursor: {drag: {x: true, y: false}},
      legend: {live: true},
      hooks: {draw: [function () {
        if (!drawn['predicted-vs-actual']) { drawn['predicted-vs-actual'] = true; chartDrawn(); }
      }]}
    }, [xs, ys, xs], box);
    window.descentCharts.push({plot: function () { return plot; },
                               drawnRows: function () { return xs.length; }});
  }

  var sections = [Section('epochs', 'epoch', 'Per epoch', 0),
                  Section('steps', 'step', 'Per step', 0.6)].filter(Boolean);
  if (!overlay && runs[0].predictions) PredictedVsActual(runs[0]);
  sections.forEach(function (s) { s.build(); });
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      sections.forEach(function (s) { s.charts.forEach(function (c) { c.resize(); }); });
    }, 100);
  });
})();
