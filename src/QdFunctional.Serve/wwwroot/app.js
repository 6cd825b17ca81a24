// qd serve's page: the runs table (#/), one run (#/run/ID) with live curves, and several runs
// compared (#/compare?runs=A,B). Data comes from the server's JSON API; live updates arrive as
// server-sent events, so no whole file is fetched twice. Charts are uPlot's.
"use strict";

const main = document.getElementById("main");
const crumb = document.getElementById("crumb");
// What a test (or a curious user) can read off the page: points drawn, heatmap bins, status, and
// when the charts and the heatmap were first drawn (ms since navigation).
window.qd = { points: 0, cells: 0, status: "", ready: false };

const METRICS = [
  { key: "qdScore", label: "QD score" },
  { key: "normQdScore", label: "Normalized QD score" },
  { key: "coverage", label: "Coverage" },
  { key: "bestObjective", label: "Best objective" },
  { key: "meanObjective", label: "Mean objective" },
  { key: "numElites", label: "Elites (entries)" },
  { key: "globalHypervolume", label: "Global hypervolume" },
  { key: "meanNovelty", label: "Mean novelty" },
];
// Columns only some runs have (MOME's global hypervolume, novelty search's mean novelty): a chart
// for one is drawn once a row carries a value, so an older run's page shows none.
const OPTIONAL = ["globalHypervolume", "meanNovelty"];
const EMPTY_COLUMNS = ["iteration", "evaluations", "numElites", "coverage", "qdScore", "normQdScore", "bestObjective", "meanObjective", "elapsedSeconds", ...OPTIONAL];
function emptyColumns() {
  return Object.fromEntries(EMPTY_COLUMNS.map((k) => [k, []]));
}
function hasValues(cols, key) {
  return (cols[key] || []).some((v) => v !== null && Number.isFinite(num(v)));
}
const AXES = [
  { key: "iteration", label: "iterations" },
  { key: "evaluations", label: "evaluations" },
  { key: "elapsedSeconds", label: "wall time (s)" },
];
const COLORS = ["#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#6d4c41", "#3949ab", "#c0ca33", "#d81b60"];

let teardown = [];
function cleanup() {
  for (const f of teardown) f();
  teardown = [];
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function getJson(url) {
  const r = await fetch(url);
  if (r.status === 404) throw new Error("not found (deleted, or outside the served directory)");
  if (r.status === 204) return null;
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function num(x) {
  if (x === null || x === undefined || x === "NaN") return NaN;
  return Number(x);
}
function fmt(x, digits = 4) {
  const v = num(x);
  if (!Number.isFinite(v)) return "–";
  if (Math.abs(v) >= 1e5) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) < 1e-3 && v !== 0) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}
// Axis ticks: short, with k and M for large numbers (QD scores reach millions).
function tick(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return Number((v / 1e6).toPrecision(3)) + "M";
  if (a >= 1e4) return Number((v / 1e3).toPrecision(3)) + "k";
  return Number(v.toPrecision(4)).toString();
}
function statusBadge(s) {
  return el("span", { class: "status " + s }, s);
}
function runLink(id) {
  return el("a", { href: "#/run/" + encodeURIComponent(id) }, id || "(root)");
}
function hasCharts() {
  return typeof window.uPlot === "function";
}
function noLibrary() {
  return el("p", { class: "warn" }, "The charting library (uPlot) is not installed on the server: run tools/web-assets.sh (needs npm), then restart qd serve.");
}

// ---------- runs page ----------

const FIXED = [
  { key: "id", label: "Run", text: true, get: (r) => r.id },
  { key: "status", label: "Status", text: true, get: (r) => r.status },
  { key: "Algorithm", label: "Algorithm", text: true, get: (r) => r.config.Algorithm || r.kind },
  { key: "Task", label: "Task", text: true, get: (r) => r.config.Task },
  { key: "Seed", label: "Seed", get: (r) => num(r.config.Seed) },
  { key: "done", label: "Iterations", get: (r) => r.done },
  { key: "coverage", label: "Coverage", get: (r) => num(r.last && r.last.coverage) },
  { key: "qdScore", label: "QD score", get: (r) => num(r.last && r.last.qdScore) },
  { key: "normQdScore", label: "Norm. QD", get: (r) => num(r.last && r.last.normQdScore) },
  { key: "bestObjective", label: "Best", get: (r) => num(r.last && r.last.bestObjective) },
];

const runsState = { filter: "", sort: "id", desc: false, group: "", selected: new Set() };

function matches(run, filter) {
  // Terms separated by spaces; FIELD=VALUE compares one field (config or status), other terms any text.
  for (const term of filter.split(/\s+/).filter((t) => t)) {
    const eq = term.indexOf("=");
    if (eq > 0) {
      const k = term.slice(0, eq).toLowerCase();
      const v = term.slice(eq + 1).toLowerCase();
      const fields = Object.entries(run.config).concat([["status", run.status], ["kind", run.kind], ["id", run.id]]);
      if (!fields.some(([fk, fv]) => fk.toLowerCase() === k && String(fv).toLowerCase() === v)) return false;
    } else {
      const hay = [run.id, run.status, run.error || "", ...Object.values(run.config)].join(" ").toLowerCase();
      if (!hay.includes(term.toLowerCase())) return false;
    }
  }
  return true;
}

function sortKey(run, key) {
  const f = FIXED.find((c) => c.key === key);
  if (f) return f.get(run);
  const v = run.config[key];
  return v !== undefined && v !== "" && !isNaN(Number(v)) ? Number(v) : v || "";
}

function compareValues(a, b) {
  const na = typeof a === "number" && !isNaN(a), nb = typeof b === "number" && !isNaN(b);
  if (na && nb) return a - b;
  if (na !== nb) return na ? -1 : 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function meanSpread(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return "–";
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  if (v.length === 1) return fmt(m);
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) * (x - m), 0) / (v.length - 1));
  return fmt(m) + " ± " + fmt(sd, 2);
}

function groupsTable(runs, field) {
  const groups = new Map();
  for (const r of runs) {
    const g = field === "status" ? r.status : r.config[field] ?? "(none)";
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(r);
  }
  const head = el("tr", {}, el("th", { class: "text" }, field), el("th", {}, "runs"), el("th", { class: "text" }, "statuses"),
    ...["QD score", "Norm. QD", "Coverage", "Best"].map((h) => el("th", {}, h + " (mean ± sd)")));
  const rows = [...groups.keys()].sort((a, b) => compareValues(isNaN(Number(a)) ? a : Number(a), isNaN(Number(b)) ? b : Number(b))).map((g) => {
    const rs = groups.get(g);
    const count = {};
    for (const r of rs) count[r.status] = (count[r.status] || 0) + 1;
    const stat = (k) => meanSpread(rs.map((r) => num(r.last && r.last[k])));
    return el("tr", { "data-group": g }, el("td", { class: "text" }, g), el("td", {}, rs.length),
      el("td", { class: "text" }, Object.entries(count).map(([s, n]) => n + " " + s).join(", ")),
      el("td", {}, stat("qdScore")), el("td", {}, stat("normQdScore")), el("td", {}, stat("coverage")), el("td", {}, stat("bestObjective")));
  });
  return el("table", { id: "groups" }, el("thead", {}, head), el("tbody", {}, ...rows));
}

async function showRuns() {
  crumb.textContent = "";
  let runs = [];
  const filter = el("input", { type: "search", placeholder: "filter: text or Field=value", value: runsState.filter, size: 32 });
  const group = el("select", {});
  const compare = el("button", { disabled: "" }, "Compare selected");
  const count = el("span", { class: "note" });
  const holder = el("div", {});
  main.replaceChildren(el("div", { class: "controls" }, filter, el("label", {}, "group by ", group), compare, count), holder);

  filter.addEventListener("input", () => { runsState.filter = filter.value; render(); });
  group.addEventListener("change", () => { runsState.group = group.value; render(); });
  compare.addEventListener("click", () => {
    location.hash = "#/compare?runs=" + [...runsState.selected].map(encodeURIComponent).join(",");
  });

  function render() {
    const fields = new Set(["status"]);
    for (const r of runs) for (const k of Object.keys(r.config)) fields.add(k);
    const current = runsState.group;
    group.replaceChildren(el("option", { value: "" }, "(none)"), ...[...fields].sort().map((f) => el("option", { value: f }, f)));
    group.value = current;

    const shown = runs.filter((r) => matches(r, runsState.filter));
    shown.sort((a, b) => compareValues(sortKey(a, runsState.sort), sortKey(b, runsState.sort)) * (runsState.desc ? -1 : 1));
    count.textContent = shown.length + " of " + runs.length + " runs";
    compare.disabled = runsState.selected.size < 1;

    const head = el("tr", {}, el("th", {}, ""), ...FIXED.map((c) => el("th", {
      class: c.text ? "text" : "", onclick: () => {
        runsState.desc = runsState.sort === c.key ? !runsState.desc : false;
        runsState.sort = c.key;
        render();
      },
    }, c.label + (runsState.sort === c.key ? (runsState.desc ? " ▼" : " ▲") : ""))), el("th", { class: "text" }, "Error"));
    const body = shown.map((r) => {
      const box = el("input", { type: "checkbox" });
      box.checked = runsState.selected.has(r.id);
      box.disabled = r.kind !== "run";
      box.addEventListener("change", () => {
        if (box.checked) runsState.selected.add(r.id); else runsState.selected.delete(r.id);
        compare.disabled = runsState.selected.size < 1;
      });
      return el("tr", { "data-run": r.id },
        el("td", {}, box), el("td", { class: "text" }, runLink(r.id)), el("td", { class: "text" }, statusBadge(r.status)),
        el("td", { class: "text" }, r.config.Algorithm || r.kind), el("td", { class: "text" }, r.config.Task || ""),
        el("td", {}, r.config.Seed ?? ""), el("td", {}, r.done + (r.total ? " / " + r.total : "")),
        el("td", {}, fmt(r.last && r.last.coverage)), el("td", {}, fmt(r.last && r.last.qdScore)),
        el("td", {}, fmt(r.last && r.last.normQdScore)), el("td", {}, fmt(r.last && r.last.bestObjective)),
        el("td", { class: "error" }, r.error || ""));
    });
    const parts = [];
    if (runsState.group) parts.push(el("h2", {}, "Grouped by " + runsState.group), groupsTable(shown, runsState.group));
    parts.push(el("table", { id: "runs" }, el("thead", {}, head), el("tbody", {}, ...body)));
    if (runs.length === 0) parts.push(el("p", { class: "note" }, "No runs here yet: start one with ./qd run."));
    holder.replaceChildren(...parts);
    window.qd.ready = true;
  }

  async function load() {
    try {
      runs = await getJson("/api/runs");
      render();
    } catch (e) {
      holder.replaceChildren(el("p", { class: "warn" }, "Could not list runs: " + e.message));
    }
  }
  await load();
  // The list is small (one row per run, cached on the server): refresh it every few seconds.
  const timer = setInterval(load, 3000);
  teardown.push(() => clearInterval(timer));
}

// ---------- charts ----------

function chartData(cols, axis, keys) {
  return [cols[axis].map(num), ...keys.map((k) => cols[k].map((v) => (v === null ? null : num(v))))];
}

function makeChart(target, title, axisLabel, series, data, width) {
  const opts = {
    title, width, height: 240,
    scales: { x: { time: false } },
    axes: [{ label: axisLabel, values: (u, ticks) => ticks.map(tick) }, { size: 56, values: (u, ticks) => ticks.map(tick) }],
    series: [{ label: axisLabel }, ...series.map((s, i) => ({ label: s, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
  };
  return new uPlot(opts, data, target);
}

// Appends the rows of `more` past the last iteration already there (a refetch may have brought some).
function appendColumns(into, more) {
  const last = into.iteration.length ? into.iteration[into.iteration.length - 1] : -Infinity;
  const from = more.iteration.findIndex((i) => i > last);
  if (from < 0) return;
  for (const k of Object.keys(more)) {
    // A column the page did not have yet (an older server's answer) starts as nulls.
    const had = into[k] || new Array(into.iteration.length).fill(null);
    into[k] = had.concat(more[k].slice(from));
  }
}

// ---------- one run ----------

async function showRun(id) {
  crumb.textContent = " / " + id;
  let info;
  try {
    info = await getJson("/api/run?run=" + encodeURIComponent(id));
  } catch (e) {
    main.replaceChildren(el("p", { class: "warn" }, "Run " + id + ": " + e.message));
    return;
  }
  if (info.summary.kind === "pipeline") return showPipeline(id, info.summary);
  let cols;
  const metricsError = el("p", { class: "warn" });
  try {
    cols = await getJson("/api/metrics?run=" + encodeURIComponent(id));
  } catch (e) {
    metricsError.textContent = "Metrics: " + e.message;
    cols = emptyColumns();
  }

  const status = el("span", { id: "status" });
  const progress = el("span", { class: "note" });
  const gone = el("p", { class: "warn" });
  const axis = el("select", {}, ...AXES.map((a) => el("option", { value: a.key }, a.label)));
  const charts = el("div", { class: "charts" });
  const canvas = el("canvas", { id: "heatmap", width: 320, height: 320 });
  const slider = el("input", { type: "range", min: 0, max: 0, value: 0, id: "frame" });
  const frameLabel = el("span", { class: "note" });
  const elites = el("div", {});
  const config = el("div", {});

  // The heatmap sits in the charts' grid, after them, so one screen shows the curves and the map.
  const archiveBox = el("div", { class: "chart", id: "archive" }, el("h3", {}, "Archive"), canvas,
    el("div", { class: "controls" }, el("label", {}, "moment ", slider)), frameLabel);
  charts.append(archiveBox);
  main.replaceChildren(
    el("h1", {}, id, " ", status), el("p", {}, progress), gone, metricsError,
    el("div", { class: "controls" }, el("label", {}, "x axis: ", axis)), charts,
    el("div", { class: "columns" },
      el("section", {}, el("h2", {}, "Best elites"), elites),
      el("section", { id: "config" }, el("h2", {}, "Configuration"), config)));

  function showSummary(s) {
    status.replaceChildren(statusBadge(s.status));
    window.qd.status = s.status;
    const last = s.last;
    progress.textContent = (s.kind === "pipeline" ? "runs finished: " : "iterations: ") + s.done + (s.total ? " / " + s.total : "") +
      (last ? " · evaluations " + last.evaluations + " · " + fmt(last.elapsedSeconds, 3) + " s" : "") + (s.error ? " · error: " + s.error : "");
    config.replaceChildren(el("table", {}, el("tbody", {}, ...Object.entries(s.config).map(([k, v]) =>
      el("tr", {}, el("td", { class: "text" }, k), el("td", { class: "text" }, v))))));
  }

  function showElites(archive, error) {
    if (error) return elites.replaceChildren(el("p", { class: "warn" }, error));
    if (!archive) return elites.replaceChildren(el("p", { class: "note" }, "archive.parquet is written when the run stops or finishes."));
    const m = archive.objectiveCount, k = archive.measureDim;
    const head = el("tr", {}, el("th", {}, "cell"), ...[...Array(m).keys()].map((j) => el("th", {}, m === 1 ? "objective" : "objective " + j)),
      ...[...Array(k).keys()].map((j) => el("th", {}, "measure " + j)));
    elites.replaceChildren(el("p", { class: "note" }, archive.elites + " elites (" + archive.kind + ")"),
      el("table", { id: "elites" }, el("thead", {}, head), el("tbody", {}, ...archive.best.map((e) =>
        el("tr", {}, el("td", {}, e.cell), ...e.objectives.map((v) => el("td", {}, fmt(v, 6))), ...e.measures.map((v) => el("td", {}, fmt(v))))))));
  }

  // Charts: one per metric, all against the chosen axis; live rows are appended as they come.
  let plots = [];
  let optionalShown = "";
  function drawCharts() {
    for (const p of plots) p.destroy();
    plots = [];
    for (const box of charts.querySelectorAll("[data-chart], .warn")) box.remove();
    if (!hasCharts()) return charts.prepend(noLibrary());
    const a = AXES.find((x) => x.key === axis.value);
    // A MOME archive's QD score is its MOQD score: the sum of its cells' front hypervolumes.
    const mome = (info.summary.config.Algorithm || "") === "mome";
    const novelty = (info.summary.config.Archive || "").startsWith("proximity");
    const groups = [[["qdScore"], mome ? "MOQD score (Σ front hypervolumes)" : "QD score"], [["normQdScore"], "Normalized QD score"], [["coverage"], "Coverage"],
      [["bestObjective", "meanObjective"], "Objective (best, mean)"], [["numElites"], novelty ? "Entries" : "Elites (entries)"]];
    // MOME: the hypervolume of all solutions' Pareto front; novelty search: how far apart its entries are.
    if (hasValues(cols, "globalHypervolume")) groups.splice(1, 0, [["globalHypervolume"], "Global hypervolume"]);
    if (hasValues(cols, "meanNovelty")) groups.splice(1, 0, [["meanNovelty"], "Mean novelty"]);
    optionalShown = OPTIONAL.filter((k) => hasValues(cols, k)).join();
    for (const [keys, title] of groups) {
      const box = el("div", { class: "chart", "data-chart": keys[0] });
      charts.insertBefore(box, archiveBox);
      const labels = keys.map((k) => METRICS.find((m) => m.key === k).label);
      plots.push({ keys, plot: makeChart(box, title, a.label, labels, chartData(cols, a.key, keys), 420) });
    }
    window.qd.points = cols.iteration.length;
    window.qd.curves = curveCounts();
    window.qd.chartsAt = performance.now();
  }
  // Drawn points (finite values) per chart, by its first metric: what a test reads off the page.
  function curveCounts() {
    return Object.fromEntries(plots.map((p) => [p.keys[0], cols[p.keys[0]].filter((v) => v !== null && Number.isFinite(num(v))).length]));
  }
  function redrawData() {
    // A column that gained its first value (a run's first rows) gets its chart.
    if (plots.length && OPTIONAL.filter((k) => hasValues(cols, k)).join() !== optionalShown) return drawCharts();
    const a = axis.value;
    for (const p of plots) p.plot.setData(chartData(cols, a, p.keys));
    window.qd.points = cols.iteration.length;
    window.qd.curves = curveCounts();
  }
  axis.addEventListener("change", drawCharts);
  drawCharts();

  // Heatmap: the run's snapshots (one per checkpoint), then "now".
  let frames = info.frames;
  function setSlider(keepNow) {
    const atNow = keepNow || Number(slider.value) >= Number(slider.max);
    slider.max = String(frames.length);
    if (atNow) slider.value = slider.max;
  }
  async function drawFrame() {
    const k = Number(slider.value);
    const url = "/api/heatmap?run=" + encodeURIComponent(id) + (k < frames.length ? "&frame=" + k : "");
    try {
      const f = await getJson(url);
      if (!f) throw new Error("no heatmap yet");
      drawHeatmap(canvas, f);
      frameLabel.textContent = (k < frames.length ? "checkpoint " + (k + 1) + " of " + frames.length + ": " : "now: ") +
        "iteration " + f.iteration + ", " + f.elites + " elites in " + f.occupied + " bins, " + (f.value || "objective") + " " + fmt(f.min) + " to " + fmt(f.max);
    } catch (e) {
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      window.qd.cells = 0;
      frameLabel.textContent = "no heatmap yet (one is saved at each checkpoint)";
    }
  }
  // Robot runs: the paths `qd replay` saved, seen from above, in the charts' grid.
  getJson("/api/trajectories?run=" + encodeURIComponent(id)).then((paths) => {
    if (!paths || paths.length === 0) return;
    const canvas = el("canvas", { id: "trajectories", width: 320, height: 320 });
    const notes = paths.filter((p) => p.error).map((p) => el("p", { class: "warn" }, p.name + ": " + p.error));
    charts.insertBefore(el("div", { class: "chart", id: "paths" }, el("h3", {}, "Trajectories (from above)"), canvas,
      el("p", { class: "note" }, ...paths.filter((p) => !p.error).map((p, i) => el("span", { style: "color:" + COLORS[i % COLORS.length] + ";margin:0 0.4em" }, p.name))),
      ...notes), archiveBox.nextSibling);
    drawPaths(canvas, paths.filter((p) => !p.error));
  }).catch(() => {});

  slider.addEventListener("input", drawFrame);
  setSlider(true);
  drawFrame();

  showSummary(info.summary);
  showElites(info.archive, info.archiveError);

  // Live: new rows, status, snapshots and results as they are written. A hidden tab lets its stream
  // go (a browser keeps only six connections to one server, and a stream holds one) and catches up
  // when shown again.
  async function refresh() {
    const fresh = await getJson("/api/run?run=" + encodeURIComponent(id)).catch(() => null);
    if (!fresh) return;
    frames = fresh.frames;
    showSummary(fresh.summary);
    showElites(fresh.archive, fresh.archiveError);
    // Results come with every iteration's metrics: draw the whole curve again from them.
    const all = await getJson("/api/metrics?run=" + encodeURIComponent(id)).catch(() => null);
    if (all) {
      cols = all;
      if (plots.length) redrawData(); else window.qd.points = cols.iteration.length;
    }
    setSlider(Number(slider.value) >= Number(slider.max));
    drawFrame();
  }
  let source = null;
  let isGone = false;
  function connect() {
    const last = cols.iteration.length ? cols.iteration[cols.iteration.length - 1] : -2147483648;
    source = new EventSource("/api/events?run=" + encodeURIComponent(id) + "&after=" + last);
    source.addEventListener("metrics", (e) => {
      appendColumns(cols, JSON.parse(e.data));
      if (plots.length) redrawData(); else window.qd.points = cols.iteration.length;
    });
    source.addEventListener("status", (e) => showSummary(JSON.parse(e.data)));
    source.addEventListener("frames", async () => {
      const fresh = await getJson("/api/run?run=" + encodeURIComponent(id)).catch(() => null);
      if (!fresh) return;
      frames = fresh.frames;
      const atNow = Number(slider.value) >= Number(slider.max);
      setSlider(atNow);
      if (atNow) drawFrame();
    });
    source.addEventListener("archive", refresh);
    source.addEventListener("gone", () => {
      gone.textContent = "This run's directory is gone (deleted or moved); what is shown is what was last read.";
      window.qd.status = "gone";
      isGone = true;
      source.close();
    });
  }
  function onVisibility() {
    if (isGone) return;
    if (document.hidden) {
      source.close();
    } else if (source.readyState === EventSource.CLOSED) {
      refresh().then(connect);
    }
  }
  connect();
  document.addEventListener("visibilitychange", onVisibility);
  teardown.push(() => {
    source.close();
    document.removeEventListener("visibilitychange", onVisibility);
  });
  window.qd.ready = true;
}

// A pipeline: its progress, its configuration, and its runs (each an ordinary run with its own page).
async function showPipeline(id, summary) {
  const list = el("div", {});
  main.replaceChildren(el("h1", {}, id, " ", statusBadge(summary.status)),
    el("p", { class: "note" }, "runs finished: " + summary.done + (summary.total ? " / " + summary.total : "")), list,
    el("section", { id: "config" }, el("h2", {}, "Configuration"), el("table", {}, el("tbody", {}, ...Object.entries(summary.config).map(([k, v]) =>
      el("tr", {}, el("td", { class: "text" }, k), el("td", { class: "text" }, v)))))));
  window.qd.status = summary.status;
  const runs = (await getJson("/api/runs").catch(() => [])).filter((r) => r.id.startsWith(id + "/"));
  list.replaceChildren(el("table", { id: "runs" },
    el("thead", {}, el("tr", {}, ...["Run", "Status", "Algorithm", "Iterations", "QD score", "Coverage"].map((h, i) => el("th", { class: i < 3 ? "text" : "" }, h)))),
    el("tbody", {}, ...runs.map((r) => el("tr", { "data-run": r.id }, el("td", { class: "text" }, runLink(r.id)), el("td", { class: "text" }, statusBadge(r.status)),
      el("td", { class: "text" }, r.config.Algorithm || ""), el("td", {}, r.done + (r.total ? " / " + r.total : "")),
      el("td", {}, fmt(r.last && r.last.qdScore)), el("td", {}, fmt(r.last && r.last.coverage)))))));
  window.qd.ready = true;
}

// Viridis, by a few stops: dark blue (low) to yellow (high).
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function color(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  const c = VIRIDIS[i].map((v, j) => Math.round(v + (VIRIDIS[i + 1][j] - v) * f));
  return "rgb(" + c.join(",") + ")";
}

function drawHeatmap(canvas, f) {
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#eee";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // One byte per bin: 0 empty, 1..255 from the frame's lowest to its highest value.
  const levels = Uint8Array.from(atob(f.levels), (c) => c.charCodeAt(0));
  const w = canvas.width / f.width, h = canvas.height / f.height;
  let drawn = 0;
  for (let b = 0; b < levels.length; b++) {
    if (levels[b] === 0) continue;
    const x = b % f.width, y = Math.floor(b / f.width);
    ctx.fillStyle = color((levels[b] - 1) / 254);
    // Measure 1 grows upwards, as on the report's heatmap.
    ctx.fillRect(x * w, canvas.height - (y + 1) * h, Math.ceil(w), Math.ceil(h));
    drawn++;
  }
  window.qd.cells = drawn;
  window.qd.heatmapAt = window.qd.heatmapAt || performance.now();
  canvas.title = (f.value || "objective") + " " + fmt(f.min) + " (dark) to " + fmt(f.max) + " (yellow)";
}

// x-y paths on one canvas, equal scales, each path's start marked with a dot.
function drawPaths(canvas, paths) {
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const xs = paths.flatMap((p) => p.x.map(num)).filter(Number.isFinite);
  const ys = paths.flatMap((p) => p.y.map(num)).filter(Number.isFinite);
  if (xs.length === 0) return;
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const span = Math.max(x1 - x0, y1 - y0, 1e-9), pad = 12;
  const scale = (canvas.width - 2 * pad) / span;
  const px = (x) => pad + (x - x0) * scale, py = (y) => canvas.height - pad - (y - y0) * scale;
  paths.forEach((p, i) => {
    ctx.strokeStyle = ctx.fillStyle = COLORS[i % COLORS.length];
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    p.x.forEach((x, j) => (j === 0 ? ctx.moveTo(px(num(x)), py(num(p.y[j]))) : ctx.lineTo(px(num(x)), py(num(p.y[j])))));
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(px(num(p.x[0])), py(num(p.y[0])), 3, 0, 2 * Math.PI);
    ctx.fill();
  });
  window.qd.paths = paths.length;
}

// ---------- compare ----------

async function showCompare(ids) {
  crumb.textContent = " / compare";
  const metric = el("select", {}, ...METRICS.map((m) => el("option", { value: m.key }, m.label)));
  const axis = el("select", {}, ...AXES.map((a) => el("option", { value: a.key }, a.label)));
  const box = el("div", { class: "chart", id: "compare" });
  const notes = el("div", {});
  main.replaceChildren(el("div", { class: "controls" }, el("label", {}, "metric ", metric), el("label", {}, "x axis ", axis)), box, notes,
    el("ul", {}, ...ids.map((i) => el("li", {}, runLink(i)))));
  const all = [];
  for (const id of ids) {
    try {
      all.push({ id, cols: await getJson("/api/metrics?run=" + encodeURIComponent(id) + "&points=2000") });
    } catch (e) {
      notes.append(el("p", { class: "warn" }, id + ": " + e.message));
    }
  }
  let plot = null;
  function draw() {
    if (plot) plot.destroy();
    plot = null;
    box.replaceChildren();
    if (!hasCharts()) return box.append(noLibrary());
    const a = AXES.find((x) => x.key === axis.value);
    plot = makeChart(box, METRICS.find((m) => m.key === metric.value).label, a.label, all.map((r) => r.id), joined(), Math.max(600, main.clientWidth - 40));
    window.qd.points = all.reduce((s, r) => s + r.cols.iteration.length, 0);
  }
  function joined() {
    const tables = all.map((r) => [r.cols[axis.value].map(num), (r.cols[metric.value] || []).map((v) => (v === null ? null : num(v)))]);
    return tables.length ? uPlot.join(tables) : [[]];
  }
  metric.addEventListener("change", draw);
  axis.addEventListener("change", draw);
  draw();

  // Live: one stream brings every compared run's new rows (see /api/compare-events); a hidden tab
  // lets it go and opens it again, from the rows it has, when shown.
  let source = null;
  function connect() {
    if (all.length === 0) return;
    const query = all.map((r) => {
      const it = r.cols.iteration;
      return "run=" + encodeURIComponent(r.id) + "&after=" + (it.length ? it[it.length - 1] : -2147483648);
    }).join("&");
    source = new EventSource("/api/compare-events?" + query);
    source.addEventListener("metrics", (e) => {
      const m = JSON.parse(e.data);
      const r = all.find((x) => x.id === m.run);
      if (!r) return;
      appendColumns(r.cols, m.columns);
      if (plot) plot.setData(joined());
      window.qd.points = all.reduce((s, x) => s + x.cols.iteration.length, 0);
    });
  }
  function onVisibility() {
    if (document.hidden) {
      if (source) source.close();
    } else if (!source || source.readyState === EventSource.CLOSED) {
      connect();
    }
  }
  connect();
  document.addEventListener("visibilitychange", onVisibility);
  teardown.push(() => {
    if (source) source.close();
    document.removeEventListener("visibilitychange", onVisibility);
  });
  window.qd.ready = true;
}

// ---------- routing ----------

function route() {
  cleanup();
  window.qd = { points: 0, cells: 0, status: "", ready: false };
  const h = location.hash || "#/";
  if (h.startsWith("#/run/")) return showRun(decodeURIComponent(h.slice("#/run/".length)));
  if (h.startsWith("#/compare")) {
    const q = new URLSearchParams(h.slice(h.indexOf("?") + 1));
    return showCompare((q.get("runs") || "").split(",").filter((x) => x).map(decodeURIComponent));
  }
  return showRuns();
}
window.addEventListener("hashchange", route);
route();
