import { fitCanvas, formatValue, showTooltip, hideTooltip } from "./util.js";

const LABEL = 180, LANE = 28;

// One lane per thread (its weight per time bin, the server's bins) and one per extra series (RSS, GC) when the
// profile has them.
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
    this.draw();
  }

  lanes() {
    const threads = this.app.summary.threads;
    const lanes = this.data.threads.map((t) => ({ label: threads[t.thread]?.name ? `${threads[t.thread].name} (${threads[t.thread].tid})` : `thread ${threads[t.thread]?.tid}`, bins: t.bins, unit: this.app.unit() }));
    for (const lane of this.data.lanes) lanes.push({ label: lane.name, bins: lane.v, unit: lane.unit, line: true });
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
      const max = Math.max(1, ...lane.bins);
      const w = plot / Math.max(lane.bins.length, 1);
      lane.bins.forEach((v, b) => {
        if (!v) return;
        const h = (LANE - 4) * v / max;
        ctx.fillStyle = lane.line ? "hsl(150, 50%, 45%)" : `hsl(${20 + 20 * (1 - v / max)}, 85%, 55%)`;
        ctx.fillRect(LABEL + b * w, y + LANE - 2 - h, Math.max(w, 1), h);
      });
    });
    ctx.fillStyle = "#6b7280";
    ctx.fillText("0", LABEL, lanes.length * LANE + 10);
    const end = formatValue(this.data.endNs, "nanoseconds");
    ctx.fillText(end, width - 8 - ctx.measureText(end).width, lanes.length * LANE + 10);
  }

  hover(event) {
    if (!this.data) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - LABEL, lane = this.lanes()[Math.floor((event.clientY - rect.top) / LANE)];
    const plot = rect.width - LABEL - 8;
    if (!lane || x < 0 || x > plot) return hideTooltip();
    const bin = Math.min(lane.bins.length - 1, Math.floor(x / plot * lane.bins.length));
    showTooltip(event, [["t-name", lane.label],
      ["", `at ${formatValue(Math.round(bin * this.data.binNs), "nanoseconds")}: ${formatValue(lane.bins[bin], lane.unit)}`]]);
  }
}
