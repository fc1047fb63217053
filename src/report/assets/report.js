// descent report page: draws the charts in #descent-data with uPlot. Two kinds of page:
//  - runs ({runs: [...]}, descent train / report / compare): one chart per metric (train_/val_/
//    test_ of a metric together), per epoch (metrics.csv) and per step (steps.csv);
//  - explicit charts ({heading, charts: [...], paths: [...]}, descent lr-find / trace; written by
//    report/chart_page.hpp): line charts of named series (log x, markers) and 2-D optimizer paths
//    over a heat map of the function. Controls: a smoothing slider per section (TensorBoard's debiased EMA, the raw
// curve faint behind), linear/log y per chart, hover readout of the exact values (the legend),
// zoom (drag across a chart; double-click or "reset zoom" to undo), show/hide a series (click its
// legend entry). Long curves are decimated for drawing (per-bucket min/max, refined on zoom), and
// the legend reads the exact logged values; a run's long per-step table is drawn first from the
// preview the page carries (exactRows()). Sets body[data-charts-drawn] once every chart has drawn.
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
  // {const, n}, {seq: [first, step], n} (first + i step, whole numbers), {i32: [block ids]} or
  // {f64: [block ids]}, the text/plain blocks holding base64
  // little-endian binary, decoded to a typed array (NaN for a missing value). Code below treats
  // null and non-finite values alike: missing.
  function decodeColumn(c) {
    if (Array.isArray(c)) return c;
    if ('const' in c) return new Float64Array(c.n).fill(c['const'] === null ? NaN : c['const']);
    if (c.seq) {
      var seq = new Float64Array(c.n);
      for (var i = 0; i < c.n; i++) seq[i] = c.seq[0] + i * c.seq[1];
      return seq;
    }
    var parts = (c.i32 || c.f64).map(function (id) {
      return fromBase64(document.getElementById(id).textContent);
    });
    var size = parts.reduce(function (a, p) { return a + p.length; }, 0);
    var bytes = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { bytes.set(p, at); at += p.length; });
    return c.i32 ? new Int32Array(bytes.buffer) : new Float64Array(bytes.buffer);
  }

  function missing(y) { return y === null || y === undefined || !isFinite(y); }
  var runs = payload.runs || [];
  // A long per-step table comes with a preview (report/html_report.cpp): the rows to draw of it
  // and their smoothed values, drawn first; its exact rows follow the script, decoded once the
  // page is parsed (exactRows()).
  runs.forEach(function (run) {
    run.epochs.columns = run.epochs.columns.map(decodeColumn);
    var p = run.steps.preview;
    if (p) {
      p.rows = decodeColumn(p.rows);
      p.columns = p.columns.map(decodeColumn);
      p.smoothed = p.smoothed.map(function (c) { return c && decodeColumn(c); });
      run.steps.exact = run.steps.columns;
      run.steps.columns = p.columns;
      run.steps.smoothed = p.smoothed;
    } else {
      run.steps.columns = run.steps.columns.map(decodeColumn);
    }
    if (run.predictions) run.predictions.columns = run.predictions.columns.map(decodeColumn);
  });
  (payload.charts || []).forEach(function (c) {
    c.x = decodeColumn(c.x);
    c.series.forEach(function (s) { s.y = decodeColumn(s.y); });
  });
  (payload.paths || []).forEach(function (c) {
    c.heat.z = decodeColumn(c.heat.z);
    c.paths.forEach(function (p) { p.x = decodeColumn(p.x); p.y = decodeColumn(p.y); });
  });
  window.descentRuns = runs;      // the decoded data, for checks from the console or a test
  window.descentSmooth = smooth;  // the smoothing, for a test to compare a preview's with
  window.descentPage = payload;
  window.descentCharts = [];      // the charts (plot(): the uPlot instance, drawnRows())
  var overlay = runs.length > 1;
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
                 '#7f7f7f', '#bcbd22', '#17becf'];
  var splitColor = {train: '#1f77b4', val: '#d62728', test: '#2ca02c'};
  var markerColors = ['#2ca02c', '#9467bd', '#8c564b'];
  // Path colours that stand out on the plasma heat map (as in the gnuplot contour figure).
  var pathColors = ['#e41a1c', '#1ec8ff', '#7fff00', '#ff7f00', '#ff69b4', '#8b4513', '#00ced1',
                    '#808080'];
  var logByDefault = /(^|_)(loss|grad_norm|update_ratio)$/;
  var container = document.getElementById('charts');
  var announced = 0;
  var drawn = {};
  var drawnCount = 0;

  // TensorBoard's smoothing: last = w*last + (1-w)*y; shown = last / (1 - w^n) (debiased EMA over
  // the n finite values so far); a non-finite or missing value is shown as it is (NaN). A typed
  // array: 200,000 boxed numbers in a plain array take ~10x longer to fill and read.
  function smooth(ys, w) {
    if (w <= 0) return ys;
    var out = new Float64Array(ys.length);
    var last = 0, wn = 1, constant = true;
    for (var i = 1; i < ys.length; i++) if (ys[i] !== ys[0]) { constant = false; break; }
    if (constant) return ys;
    for (var k = 0; k < ys.length; k++) {
      var y = ys[k];
      if (missing(y)) { out[k] = NaN; continue; }
      last = last * w + (1 - w) * y;
      wn *= w;  // w^n (a running product: Math.pow per row costs ~20 ms on 200,000 rows)
      out[k] = last / (w === 1 ? 1 : 1 - wn);
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

  // The chart's series: [{label, color, dash, ys, smoothed}] on one shared x (uPlot.join for
  // overlays); smoothed: a preview's values smoothed at payload.step_smoothing, or null.
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
          smoothed: t.smoothed ? t.smoothed[t.names.indexOf(name)] : null,
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
  // Measured once per layout (reading clientWidth while charts are being added forces a layout
  // each time); a window resize measures again.
  var measuredWidth = null, measuredRow = null;
  function chartWidth() {
    if (measuredWidth === null) {
      var cols = container.clientWidth >= 1000 ? 2 : 1;
      measuredWidth =
          Math.max(300, Math.floor((container.clientWidth - 16 * (cols - 1)) / cols) - 10);
      measuredRow = Math.max(300, container.clientWidth - 10);  // a chart alone on its row
    }
    return measuredWidth;
  }
  function rowWidth() { chartWidth(); return measuredRow; }

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
  // visible range) each bucket (one per pixel column) keeps its first and last point and every
  // series' minimum and maximum, so spikes stay visible; outside it 64 buckets keep the curve's shape for
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

  // The chart of one metric of a run table (or of overlaid runs).
  function runChart(section, kind, xName, group) {
    var d = chartData(kind, xName, group);
    d.id = kind + ':' + group.metric;
    d.title = group.metric + (kind === 'steps' ? ' per step' : ' per epoch');
    d.xName = xName;
    // Log y for the per-step loss, gradient norm and update ratio, and for any positive curve
    // spanning more than 4 decades (a diverging run).
    d.log = kind === 'steps' && logByDefault.test(group.metric);
    d.integerX = true;
    d.syncKey = kind;
    var chart = new Chart(section, d);
    chart.group = group;
    return chart;
  }

  // A chart's box: a bar with its title (callers add buttons), then the holder uPlot draws into.
  function chartFrame(id, titleText) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-chart', id);
    var bar = document.createElement('div');
    bar.className = 'bar';
    var title = document.createElement('h3');
    title.textContent = titleText;
    bar.appendChild(title);
    box.appendChild(bar);
    var holder = document.createElement('div');
    box.appendChild(holder);
    return {box: box, bar: bar, holder: holder};
  }

  // One chart with its title bar; rebuilt (keeping the x range) when the y scale changes.
  // d: {id, title, xName, x (increasing), series: [{label, color, dash, ys, smoothed}], log (y,
  //     initially), logX, integerX (whole numbers on the x axis), markers: [{label, x}], syncKey,
  //     wide (the whole row)}.
  function Chart(section, d) {
    var n = d.x.length;
    var id = d.id, xName = d.xName;
    var lo = Infinity, hi = -Infinity;
    d.series.forEach(function (s) {
      for (var i = 0; i < s.ys.length; i++)
        if (!missing(s.ys[i])) lo = Math.min(lo, s.ys[i]), hi = Math.max(hi, s.ys[i]);
    });
    var canLog = hi > 0;
    var log = canLog && (d.log || (lo > 0 && hi / lo > 1e4));
    var frame = chartFrame(id, d.title), box = frame.box, holder = frame.holder;
    var scaleButton = document.createElement('button');
    var resetButton = document.createElement('button');
    resetButton.textContent = 'reset zoom';
    frame.bar.appendChild(scaleButton);
    frame.bar.appendChild(resetButton);
    section.grid.appendChild(box);
    var plot = null;
    var width = function () {
      return d.wide ? rowWidth() : chartWidth();
    };
    var fine = width();  // buckets: one per pixel column (its first, last, min and max rows)
    var picked = decimate(d.series, n, 0, n - 1, fine);  // drawn rows (null: all)
    var window_ = [0, n - 1];
    var smoothed = null, smoothedWeight = -1;

    function rowOf(idx) { return picked ? picked[idx] : idx; }

    function arrays() {
      if (smoothedWeight !== section.weight) {
        smoothed = d.series.map(function (s) {
          return s.smoothed && section.weight === payload.step_smoothing
              ? s.smoothed : smooth(s.ys, section.weight);
        });
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

    // The first and last row in the x range shown.
    function shownRows(u) {
      return [Math.max(0, lowerBound(d.x, u.scales.x.min)),
              Math.min(n - 1, lowerBound(d.x, u.scales.x.max + 1e-9 * Math.abs(u.scales.x.max)))];
    }

    // After a zoom, draw the visible rows at full resolution (deferred: not inside uPlot's commit).
    function refine(u) {
      if (!picked && n <= 4 * fine) return;
      var rows = shownRows(u);
      if (rows[0] === window_[0] && rows[1] === window_[1]) return;
      window_ = rows;
      setTimeout(function () { if (u === plot) redraw(); }, 0);  // else rebuilt meanwhile
    }

    // Draws the rows window_ at full resolution in the x range shown.
    function redraw() {
      var min = plot.scales.x.min, max = plot.scales.x.max;
      picked = decimate(d.series, n, window_[0], window_[1], fine);
      plot.setData(arrays(), false);
      plot.setScale('x', {min: min, max: max});
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
        width: width(), height: d.wide ? 360 : 260,
        scales: {x: d.logX ? {time: false, distr: 3, range: logRange} : {time: false},
                 y: log ? {distr: 3, range: logRange} : {distr: 1}},
        axes: [d.logX ? {label: xName, values: logTicks, splits: logSplits, incrs: linearIncrs,
                         filter: function (u, s) { return s; }}
                      : {label: xName, values: ticks,
                         // Whole epochs and steps on the x axis.
                         incrs: d.integerX ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3,
                                              1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7]
                                           : linearIncrs},
               log ? {size: 70, values: logTicks, splits: logSplits, incrs: linearIncrs,
                      filter: function (u, s) { return s; }}
                   : {size: 70, values: ticks, incrs: linearIncrs}],
        series: series,
        cursor: {sync: {key: d.syncKey || id}, drag: {x: true, y: false}},
        legend: {live: true},
        hooks: {
          draw: [function (u) {
            drawMarkers(u, d.markers);
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
    // The exact rows in place of a preview's (the same least and greatest values: the y range
    // stays), drawn in the x range shown.
    this.setRows = function (exact) {
      d.x = exact.x;
      d.series.forEach(function (s, k) { s.ys = exact.series[k].ys; s.smoothed = null; });
      n = d.x.length;
      smoothedWeight = -1;
      window_ = shownRows(plot);
      redraw();
    };
    this.resize = function () { plot.setSize({width: width(), height: d.wide ? 360 : 260}); };
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

  // A section of charts under a heading: `count` charts (announced now), made by make(section)
  // when built. weight: the smoothing slider's start value, null for no slider.
  function Section(heading, weight, count, make) {
    var el = document.createElement('section');
    var h = document.createElement('h2');
    h.textContent = heading;
    el.appendChild(h);
    var controls = document.createElement('div');
    controls.className = 'controls';
    var section = {weight: weight === null ? 0 : weight, charts: []};
    if (weight !== null) {
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
      slider.addEventListener('input', function () {
        section.weight = +slider.value;
        shown.textContent = slider.value;
        section.charts.forEach(function (c) { c.resmooth(); });
      });
    }
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
    section.grid = grid;
    announced += count;
    document.body.setAttribute('data-charts-announced', String(announced));
    section.build = function () { make(section); };
    return section;
  }

  // The per-epoch or per-step section of the runs: a chart per metric group.
  function RunSection(kind, xName, heading, weight) {
    var groups = metricGroups(kind, xName);
    if (!groups.length) return null;
    return Section(heading, weight, groups.length, function (section) {
      groups.forEach(function (g) { section.charts.push(runChart(section, kind, xName, g)); });
    });
  }

  // Dashed vertical lines at the markers' x, labelled at the top (e.g. the suggested lrs).
  function drawMarkers(u, markers) {
    if (!markers || !markers.length) return;
    var ctx = u.ctx, r = uPlot.pxRatio, top = u.bbox.top, bottom = top + u.bbox.height;
    ctx.save();
    ctx.font = (11 * r) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    markers.forEach(function (m, k) {
      if (missing(m.x) || m.x < u.scales.x.min || m.x > u.scales.x.max) return;
      var x = Math.round(u.valToPos(m.x, 'x', true)), color = markerColors[k % markerColors.length];
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.5 * r;
      ctx.setLineDash([5 * r, 4 * r]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      var w = ctx.measureText(m.label).width;
      var right = x + 4 * r + w <= u.bbox.left + u.bbox.width;
      ctx.fillText(m.label, right ? x + 4 * r : x - 4 * r - w, top + (4 + 14 * k) * r);
    });
    ctx.restore();
  }

  // The chart of explicit series (descent lr-find / trace pages), coloured as the paths when
  // there are (series k is path k), alone on its row when it is the page's only chart.
  function seriesChart(section, c, page) {
    var colors = page.paths.length ? pathColors : palette;
    return new Chart(section, {
      id: c.id, title: c.title, xName: c.x_label, x: c.x, log: c.log_y, logX: c.log_x,
      integerX: !c.log_x && c.x_label === 'step', markers: c.markers, syncKey: 'series',
      wide: page.charts.length === 1 && !page.paths.length,
      series: c.series.map(function (s, k) {
        return {label: s.label, color: colors[k % colors.length], ys: s.y};
      })
    });
  }

  // Plasma colour map (matplotlib's, as the gnuplot contour figure), t in [0, 1].
  var plasma = [[13, 8, 135], [106, 0, 168], [177, 42, 144], [225, 100, 98], [252, 166, 54],
                [240, 249, 33]];
  function bandColor(t) {
    var at = t * (plasma.length - 1), k = Math.min(plasma.length - 2, Math.floor(at)), f = at - k;
    return plasma[k].map(function (c, i) { return Math.round(c + f * (plasma[k + 1][i] - c)); });
  }

  // The heat map of a grid as an image of m x m pixels (row 0 at the top: largest y): log10 of the
  // values interpolated bilinearly between grid points, coloured in bands.
  function heatImage(heat) {
    var n = heat.n, lz = new Float64Array(heat.z.length), lo = Infinity, hi = -Infinity;
    for (var i = 0; i < lz.length; i++) {
      lz[i] = heat.z[i] > 0 ? Math.log10(heat.z[i]) : NaN;
      if (lz[i] === lz[i]) lo = Math.min(lo, lz[i]), hi = Math.max(hi, lz[i]);
    }
    var m = Math.min(4 * n, 640), canvas = document.createElement('canvas');
    canvas.width = m; canvas.height = m;
    var ctx = canvas.getContext('2d'), img = ctx.createImageData(m, m), data = img.data;
    var colors = [];
    for (var b = 0; b < 15; b++) colors.push(bandColor(b / 14));
    for (var px = 0; px < m; px++) {
      var gx = px * (n - 1) / (m - 1), i0 = Math.min(n - 2, Math.floor(gx)), fx = gx - i0;
      for (var py = 0; py < m; py++) {
        var gy = (m - 1 - py) * (n - 1) / (m - 1), j0 = Math.min(n - 2, Math.floor(gy)), fy = gy - j0;
        var v = (1 - fx) * ((1 - fy) * lz[i0 * n + j0] + fy * lz[i0 * n + j0 + 1]) +
                fx * ((1 - fy) * lz[(i0 + 1) * n + j0] + fy * lz[(i0 + 1) * n + j0 + 1]);
        var t = hi > lo && v === v ? (v - lo) / (hi - lo) : 0;
        var rgb = colors[Math.min(14, Math.max(0, Math.floor(t * 15)))], at = (py * m + px) * 4;
        data[at] = rgb[0]; data[at + 1] = rgb[1]; data[at + 2] = rgb[2]; data[at + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    return {canvas: canvas, lo: lo, hi: hi};
  }

  // Optimizer paths in the plane over the function's heat map (uPlot's xy mode): start as an open
  // circle, end as a filled one, known minima as crosses; drag a box to zoom, double-click to zoom
  // out; the readout under the chart names the logged point nearest the cursor (exact values).
  function PathChart(section, c) {
    var id = c.id, heat = heatImage(c.heat), h = c.heat;
    var frame = chartFrame(id, c.title), box = frame.box, holder = frame.holder;
    var key = document.createElement('p');
    key.className = 'note';
    key.textContent = 'colour: ' + h.label + ', 15 bands from 10^' + heat.lo.toFixed(2) +
                      ' (dark) to 10^' + heat.hi.toFixed(2) + ' (yellow), log scale';
    box.appendChild(key);
    var readout = document.createElement('p');
    readout.className = 'readout';
    readout.textContent = '\u00a0';
    box.appendChild(readout);
    section.grid.appendChild(box);
    var size = Math.min(Math.max(chartWidth(), 300), 640);
    var colors = pathColors;
    // Long paths are thinned for drawing (uPlot's own decimation assumes increasing x).
    var limit = 4 * size;
    function thin(p) {
      var n = p.x.length, step = Math.max(1, Math.ceil(n / limit)), xs = [], ys = [];
      for (var i = 0; i < n; i += step) { xs.push(p.x[i]); ys.push(p.y[i]); }
      if (n && (n - 1) % step) { xs.push(p.x[n - 1]); ys.push(p.y[n - 1]); }
      return [xs.map(function (v) { return missing(v) ? null : v; }),
              ys.map(function (v) { return missing(v) ? null : v; })];
    }
    var data = [null];
    var series = [{}];
    c.paths.forEach(function (p, k) {
      data.push(thin(p));
      // Earlier paths drawn wider, so that a later one on the same track leaves them visible.
      series.push({label: p.label, stroke: colors[k % colors.length], width: Math.max(1, 3.5 - k),
                   points: {show: false}, facets: [{scale: 'x', auto: false}, {scale: 'y', auto: false}]});
    });
    if (c.minima.length) {
      data.push([c.minima.map(function (m) { return m[0]; }), c.minima.map(function (m) { return m[1]; })]);
      series.push({label: 'minimum', stroke: '#ffffff', width: 0, paths: function () { return null; },
                   points: {show: false},
                   facets: [{scale: 'x', auto: false}, {scale: 'y', auto: false}]});
    }
    function px(u, v) { return u.valToPos(v, 'x', true); }
    function py(u, v) { return u.valToPos(v, 'y', true); }
    var plot = new uPlot({
      mode: 2, width: size, height: size,
      scales: {x: {time: false, range: [h.x0, h.x1]}, y: {range: [h.y0, h.y1]}},
      axes: [{label: c.x_label, values: ticks, incrs: linearIncrs},
             {label: c.y_label, size: 70, values: ticks, incrs: linearIncrs}],
      series: series,
      legend: {live: false},
      cursor: {drag: {x: true, y: true, uni: 20}, points: {show: false}},
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.beginPath();
          ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
          ctx.clip();
          var l = px(u, h.x0), r = px(u, h.x1), t = py(u, h.y1), b = py(u, h.y0);
          ctx.drawImage(heat.canvas, l, t, r - l, b - t);
          ctx.restore();
        }],
        draw: [function (u) {
          var ctx = u.ctx, pr = uPlot.pxRatio;
          ctx.save();
          ctx.beginPath();
          ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
          ctx.clip();
          c.paths.forEach(function (p, k) {
            if (!u.series[k + 1].show || !p.x.length) return;
            var color = colors[k % colors.length], last = p.x.length - 1;
            while (last > 0 && (missing(p.x[last]) || missing(p.y[last]))) last--;
            ctx.lineWidth = 2 * pr;
            ctx.strokeStyle = color;
            ctx.fillStyle = color;
            ctx.beginPath();
            ctx.arc(px(u, p.x[0]), py(u, p.y[0]), 6 * pr, 0, 2 * Math.PI);
            ctx.stroke();
            ctx.beginPath();
            ctx.arc(px(u, p.x[last]), py(u, p.y[last]), 5 * pr, 0, 2 * Math.PI);
            ctx.fill();
          });
          c.minima.forEach(function (m) {
            var x = px(u, m[0]), y = py(u, m[1]), a = 7 * pr;
            [['#ffffff', 4], ['#000000', 1.5]].forEach(function (style) {
              ctx.strokeStyle = style[0];
              ctx.lineWidth = style[1] * pr;
              ctx.beginPath();
              ctx.moveTo(x - a, y - a); ctx.lineTo(x + a, y + a);
              ctx.moveTo(x - a, y + a); ctx.lineTo(x + a, y - a);
              ctx.stroke();
            });
          });
          ctx.restore();
          if (!drawn[id]) { drawn[id] = true; chartDrawn(); }
        }],
        setCursor: [function (u) {
          var left = u.cursor.left, top = u.cursor.top;
          if (left === undefined || left < 0) return;
          var best = null, bestD = Infinity;
          c.paths.forEach(function (p, k) {
            if (!u.series[k + 1].show) return;
            for (var i = 0; i < p.x.length; i++) {
              if (missing(p.x[i]) || missing(p.y[i])) continue;
              var ddx = u.valToPos(p.x[i], 'x') - left, ddy = u.valToPos(p.y[i], 'y') - top;
              var dd = ddx * ddx + ddy * ddy;
              if (dd < bestD) { bestD = dd; best = [k, i]; }
            }
          });
          readout.textContent = best && bestD < 400
              ? c.paths[best[0]].label + ': step ' + best[1] + ', ' + c.x_label + ' = ' +
                fmt(c.paths[best[0]].x[best[1]]) + ', ' + c.y_label + ' = ' +
                fmt(c.paths[best[0]].y[best[1]])
              : c.x_label + ' = ' + fmt(+u.posToVal(left, 'x').toPrecision(6)) + ', ' +
                c.y_label + ' = ' + fmt(+u.posToVal(top, 'y').toPrecision(6));
        }]
      }
    }, data, holder);
    // uPlot's legend marker of the minima would be an invisible white box: show their cross.
    if (c.minima.length) {
      var marker = holder.querySelector('.u-legend .u-series:last-child .u-marker');
      marker.style.border = 'none';
      marker.innerHTML = '<svg width="14" height="14" viewBox="0 0 14 14">' +
                         '<path d="M2 2L12 12M2 12L12 2" stroke="#000" stroke-width="1.5"/></svg>';
    }
    var me = {plot: function () { return plot; },
              drawnRows: function () { return c.paths.reduce(function (a, p) { return a + p.x.length; }, 0); },
              resmooth: function () {}, resize: function () {}};
    window.descentCharts.push(me);
    return me;
  }

  // The page of explicit charts: the paths first, then the line charts.
  function ChartsSection(page) {
    var count = page.paths.length + page.charts.length;
    if (!count) return null;
    return Section(page.heading || 'Charts', null, count, function (section) {
      page.paths.forEach(function (c) { section.charts.push(PathChart(section, c)); });
      page.charts.forEach(function (c) { section.charts.push(seriesChart(section, c, page)); });
    });
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

  var sections = payload.runs
      ? [RunSection('epochs', 'epoch', 'Per epoch', 0),
         RunSection('steps', 'step', 'Per step', payload.step_smoothing)]
      : [ChartsSection(payload)];
  var stepSection = payload.runs ? sections[1] : null;
  sections = sections.filter(Boolean);
  if (payload.runs && !overlay && runs[0].predictions) PredictedVsActual(runs[0]);
  sections.forEach(function (s) { s.build(); });

  // Once the page is parsed, the exact rows of a previewed table replace its preview on the
  // charts; then body[data-exact-ms] is set and the event 'descent-exact' is sent (also without a
  // preview), after which window.descentRuns holds every row.
  function exactRows() {
    runs.forEach(function (run) {
      if (!run.steps.exact) return;
      run.steps.columns = run.steps.exact.map(decodeColumn);
      run.steps.smoothed = null;
      delete run.steps.exact;
      (stepSection ? stepSection.charts : []).forEach(function (c) {
        c.setRows(chartData('steps', 'step', c.group));
      });
    });
    document.body.setAttribute('data-exact-ms', performance.now().toFixed(1));
    document.dispatchEvent(new Event('descent-exact'));
  }
  var whenParsed = function () { setTimeout(exactRows, 0); };  // a task later: may paint first
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', whenParsed);
  else whenParsed();
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      measuredWidth = null;
      sections.forEach(function (s) { s.charts.forEach(function (c) { c.resize(); }); });
    }, 100);
  });
})();
