import { CallTree } from "./tree.js";
import { FlameChart } from "./flame.js";
import { el, clear, percent, showTooltip, hideTooltip } from "./util.js";

// The diff against --base: one icicle of both profiles' merged trees coloured by how each frame's share of the
// whole changed (red grew, blue shrank, grey unchanged), and a table of functions by change. A frame is as wide as
// its share in the new profile plus its share in the base, so a frame that disappeared is still drawn (blue).
// Shares, not raw weights, so recordings of different lengths compare.
export class DiffView {
  constructor(app) {
    this.app = app;
    this.chart = new FlameChart(document.getElementById("diff-canvas"), {
      inverted: true,
      colour: (n) => this.colour(n),
      onHover: (n, e) => this.hover(n, e),
    });
    document.getElementById("diff-reset").addEventListener("click", () => this.chart.zoom(-1));
  }

  setData(data) {
    const own = this.app.functions;
    // Functions only the base has are numbered after the current profile's.
    const functions = {};
    for (const key of ["name", "file", "line", "kind"]) functions[key] = own[key].concat(data.functions[key]);
    this.functions = functions;
    this.data = data;
    const nowShare = (n) => (data.total ? data.totals[n] / data.total : 0);
    const baseShare = (n) => (data.baseTotal ? data.base[n] / data.baseTotal : 0);
    const width = data.parent.map((_, n) => nowShare(n) + baseShare(n));
    const ownShare = data.own.map((v) => (data.total ? v / data.total : 0));
    this.tree = new CallTree({ parent: data.parent, fn: data.fn, own: ownShare, totals: width, total: (data.total ? 1 : 0) + (data.baseTotal ? 1 : 0) }, functions);
    this.maxDelta = 0;
    for (let n = 0; n < this.tree.count; n++) this.maxDelta = Math.max(this.maxDelta, Math.abs(this.delta(n)));
    document.getElementById("diff-note").textContent = `against ${data.baseName}: red grew, blue shrank, as a share of each profile's total; widths are both profiles' shares together`;
    this.chart.setTree(this.tree);
    this.chart.draw();
    this.renderTable();
  }

  delta(n) {
    const d = this.data;
    return (d.total ? d.totals[n] / d.total : 0) - (d.baseTotal ? d.base[n] / d.baseTotal : 0);
  }

  colour(n) {
    const delta = this.delta(n);
    const strength = this.maxDelta > 0 ? Math.min(1, Math.abs(delta) / this.maxDelta) : 0;
    if (strength < 0.02) return "hsl(0, 0%, 82%)";
    const hue = delta > 0 ? 5 : 220;
    return `hsl(${hue}, ${Math.round(30 + 60 * strength)}%, ${Math.round(80 - 30 * strength)}%)`;
  }

  hover(n, event) {
    if (n < 0) return hideTooltip();
    const d = this.data, t = this.tree;
    const change = this.delta(n) * 100;
    showTooltip(event, [["t-name", t.name(n)], ["t-file", `${t.file(n)}:${t.line(n)}`],
      ["", `now ${percent(d.totals[n], d.total)}, base ${percent(d.base[n], d.baseTotal)} (${change >= 0 ? "+" : ""}${change.toFixed(2)} points)`]]);
  }

  renderTable() {
    const d = this.data, f = this.functions;
    const table = document.getElementById("diff-rows");
    clear(table.tHead);
    table.tHead.append(el("tr", {}, el("th", { class: "name" }, "Function"), el("th", { class: "name" }, "File"),
      el("th", {}, "Base total %"), el("th", {}, "New total %"), el("th", {}, "Change (points)")));
    const body = table.tBodies[0];
    clear(body);
    const share = (v, whole) => (whole ? v / whole : 0);
    const rows = d.rows.map((r) => ({ fn: r[0], now: share(r[2], d.total), before: share(r[4], d.baseTotal) }))
      .map((r) => ({ ...r, change: r.now - r.before }))
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, 500);
    for (const r of rows) {
      const cls = r.change > 0 ? "grew" : r.change < 0 ? "shrank" : "";
      body.append(el("tr", { dataset: { fn: r.fn } }, el("td", { class: "name" }, f.name[r.fn]), el("td", { class: "file" }, f.file[r.fn]),
        el("td", {}, (100 * r.before).toFixed(2)), el("td", {}, (100 * r.now).toFixed(2)),
        el("td", { class: cls }, (r.change >= 0 ? "+" : "") + (100 * r.change).toFixed(2))));
    }
  }
}
