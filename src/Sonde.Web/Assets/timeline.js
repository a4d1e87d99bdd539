import { fitCanvas, formatValue, showTooltip, hideTooltip } from "./util.js";

const LABEL = 180, LANE = 28;

// Thread states (the sampler's view of each sample: idle, running, holding the GIL), bottom to top in a bar.
export const STATE_COLOURS = { gil: "#dc2626", running: "#f59e0b", idle: "#93c5fd" };
const STATE_ORDER = ["gil", "running", "idle"];
const STATE_LABELS = { gil: "holding the GIL", running: "running", idle: "idle" };

// One lane per thread (its samples per time bin and their states, or its weight when the profile has no states)
// and one per memory series: RSS and traced memory as lines, garbage collections as marks.
export class TimelineView {
  constructor(app) {
    this.app = app;
    this.canvas = document.getElementById("timeline-canvas");
    this.data = null;
    this.canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.canvas.addEventListener("mouseleave", hideTooltip);
  }

  setData(data) {
    this.data = data;
    document.getElementById("timeline-note").textContent = data.hasTime
      ? `${formatValue(data.endNs, "nanoseconds")} in ${data.threads[0]?.bins.length || 0} bins of ${formatValue(Math.round(data.binNs), "nanoseconds")}`
      : "This profile has no timestamps (folded, pstats, or an aggregated format), so there is no timeline.";
    document.getElementById("timeline-legend").hidden = !data.hasStates;
    this.draw();
  }

  lanes() {
    const threads = this.app.summary.threads;
    const lanes = this.data.threads.map((t) => ({
      kind: t.states ? "states" : "bins",
      label: threads[t.thread]?.name ? `${threads[t.thread].name} (${threads[t.thread].tid})` : `thread ${threads[t.thread]?.tid}`,
      bins: t.bins, states: t.states, unit: this.app.unit(),
    }));
    for (const lane of this.data.lanes) lanes.push({ ...lane, label: lane.name });
    return lanes;
  }

  draw() {
    if (!this.data || this.canvas.offsetParent === null) return;
    const lanes = this.lanes();
    const width = this.canvas.parentElement.clientWidth || 800;
    const ctx = fitCanvas(this.canvas, width, Math.max(lanes.length, 1) * LANE + 20);
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const plot = width - LABEL - 8;
    lanes.forEach((lane, i) => {
      const y = i * LANE;
      ctx.fillStyle = "#111827";
      const label = lane.label.length > 26 ? lane.label.slice(0, 25) + "…" : lane.label;
      ctx.fillText(label, 4, y + LANE / 2);
      ctx.fillStyle = "#f3f4f6";
      ctx.fillRect(LABEL, y + 2, plot, LANE - 4);
      if (lane.kind === "states") this.drawStates(ctx, lane, y, plot);
      else if (lane.kind === "line") this.drawLine(ctx, lane, y, plot);
      else if (lane.kind === "marks") this.drawMarks(ctx, lane, y, plot);
      else this.drawBins(ctx, lane, y, plot);
    });
    ctx.fillStyle = "#6b7280";
    ctx.fillText("0", LABEL, lanes.length * LANE + 10);
    const end = formatValue(this.data.endNs, "nanoseconds");
    ctx.fillText(end, width - 8 - ctx.measureText(end).width, lanes.length * LANE + 10);
  }

  drawBins(ctx, lane, y, plot) {
    const max = Math.max(1, ...lane.bins);
    const w = plot / Math.max(lane.bins.length, 1);
    lane.bins.forEach((v, b) => {
      if (!v) return;
      const h = (LANE - 4) * v / max;
      ctx.fillStyle = `hsl(${20 + 20 * (1 - v / max)}, 85%, 55%)`;
      ctx.fillRect(LABEL + b * w, y + LANE - 2 - h, Math.max(w, 1), h);
    });
  }

  // Each bin's bar is as tall as its share of the lane's busiest bin, split by state.
  drawStates(ctx, lane, y, plot) {
    const s = lane.states, n = s.idle.length;
    const count = (b) => s.idle[b] + s.running[b] + s.gil[b];
    let max = 1;
    for (let b = 0; b < n; b++) max = Math.max(max, count(b));
    const w = plot / Math.max(n, 1);
    for (let b = 0; b < n; b++) {
      let bottom = y + LANE - 2;
      for (const state of STATE_ORDER) {
        const h = (LANE - 4) * s[state][b] / max;
        if (h <= 0) continue;
        ctx.fillStyle = STATE_COLOURS[state];
        ctx.fillRect(Math.floor(LABEL + b * w), bottom - h, Math.ceil(w), h);
        bottom -= h;
      }
    }
  }

  drawLine(ctx, lane, y, plot) {
    const max = Math.max(1, ...lane.v), end = Math.max(1, this.data.endNs);
    const x = (t) => LABEL + plot * t / end, top = (v) => y + LANE - 2 - (LANE - 6) * v / max;
    ctx.beginPath();
    ctx.moveTo(x(lane.t[0]), y + LANE - 2);
    lane.t.forEach((t, i) => ctx.lineTo(x(t), top(lane.v[i])));
    ctx.lineTo(x(lane.t[lane.t.length - 1]), y + LANE - 2);
    ctx.closePath();
    ctx.fillStyle = "hsla(150, 50%, 45%, 0.25)";
    ctx.fill();
    ctx.beginPath();
    lane.t.forEach((t, i) => (i ? ctx.lineTo(x(t), top(lane.v[i])) : ctx.moveTo(x(t), top(lane.v[i]))));
    ctx.strokeStyle = "hsl(150, 50%, 35%)";
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  // A collection is a tick as wide as its pause (at least a pixel), darker for older generations.
  drawMarks(ctx, lane, y, plot) {
    const end = Math.max(1, this.data.endNs);
    lane.t.forEach((t, i) => {
      ctx.fillStyle = ["#a78bfa", "#7c3aed", "#4c1d95"][Math.min(lane.gen[i], 2)];
      ctx.fillRect(LABEL + plot * t / end, y + 3, Math.max(1, plot * lane.v[i] / end), LANE - 6);
    });
  }

  hover(event) {
    if (!this.data) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - LABEL, lane = this.lanes()[Math.floor((event.clientY - rect.top) / LANE)];
    const plot = rect.width - LABEL - 8;
    if (!lane || x < 0 || x > plot) return hideTooltip();
    const at = (ns) => `at ${formatValue(Math.round(ns), "nanoseconds")}`;
    if (lane.kind === "line" || lane.kind === "marks") {
      const t = x / plot * this.data.endNs;
      if (lane.kind === "line") {
        const i = nearest(lane.t, t);
        return showTooltip(event, [["t-name", lane.label], ["", `${at(lane.t[i])}: ${formatValue(lane.v[i], lane.unit)}`]]);
      }
      // Of the collections drawn under the pointer (within two pixels), the longest.
      const slack = 2 * this.data.endNs / plot;
      let i = -1;
      lane.t.forEach((start, j) => {
        if (t >= start - slack && t <= start + lane.v[j] + slack && (i < 0 || lane.v[j] > lane.v[i])) i = j;
      });
      if (i < 0) return hideTooltip();
      return showTooltip(event, [["t-name", `garbage collection, generation ${lane.gen[i]}`],
        ["", `${at(lane.t[i])}: ${formatValue(lane.v[i], "nanoseconds")} pause, ${lane.collected[i].toLocaleString("en-US")} objects collected`]]);
    }
    const bin = Math.min(lane.bins.length - 1, Math.floor(x / plot * lane.bins.length));
    const lines = [["t-name", lane.label], ["", `${at(bin * this.data.binNs)}: ${formatValue(lane.bins[bin], lane.unit)}`]];
    if (lane.states) for (const state of STATE_ORDER) lines.push(["", `${STATE_LABELS[state]}: ${lane.states[state][bin]} samples`]);
    showTooltip(event, lines);
  }
}

// The index of the value in a sorted array closest to t; -1 for an empty array.
function nearest(values, t) {
  let lo = 0, hi = values.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < t) lo = mid + 1; else hi = mid;
  }
  return lo > 0 && t - values[lo - 1] < values[lo] - t ? lo - 1 : lo;
}
