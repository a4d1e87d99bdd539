import { el, clear, formatValue } from "./util.js";

const MEMORY_WEIGHTS = { "alloc-bytes": "by bytes allocated", "alloc-count": "by allocation count", "peak-bytes": "live at peak", "leaked-bytes": "live at exit" };
const PAUSE_BUCKETS = ["< 0.1 ms", "0.1–1 ms", "1–10 ms", "10–100 ms", "≥ 100 ms"];

// The memory tab (profiles with memory data): totals, top allocation sites by line, what was live at exit, the
// collections (per generation, a pause histogram, the longest pauses with their stacks) and object growth. The
// allocation flame graphs are the flame graph drawn with a memory weight; the buttons switch to them.
export class MemoryView {
  constructor(app) {
    this.app = app;
    this.container = document.getElementById("memory");
  }

  setWeights(weights) {
    const holder = document.getElementById("memory-weights");
    clear(holder);
    weights.forEach((w, i) => {
      if (!MEMORY_WEIGHTS[w.name]) return;
      const button = el("button", { dataset: { weight: w.name } }, MEMORY_WEIGHTS[w.name]);
      button.addEventListener("click", () => this.app.useWeight(i, "flame"));
      holder.append(button);
    });
  }

  setData(data) {
    const c = this.container;
    clear(c);
    const bytes = (v) => formatValue(v, "bytes"), ns = (v) => formatValue(v, "nanoseconds");
    const totals = data.totals;
    const figures = [];
    if (totals["peak-bytes"] !== undefined) figures.push(["peak", "peak traced", bytes(totals["peak-bytes"]) + (totals["peak-time-ns"] !== undefined ? ` (stacks from ${ns(totals["peak-time-ns"])})` : ""), totals["peak-bytes"]]);
    if (totals["leaked-bytes"] !== undefined) figures.push(["leaked", "live at exit", bytes(totals["leaked-bytes"]), totals["leaked-bytes"]]);
    if (data.rssPeak !== undefined) figures.push(["rss", "peak RSS", `${bytes(data.rssPeak)} (from ${bytes(data.rssStart)} at start)`, data.rssPeak]);
    if (totals["tracemalloc-bytes"] !== undefined) figures.push(["tracer", "tracemalloc", `${bytes(totals["tracemalloc-bytes"])} for its own tables`, totals["tracemalloc-bytes"]]);
    const gc = data.gc;
    figures.push(["gc", "collections", gc.count ? `${gc.count.toLocaleString("en-US")} (${gc.byGeneration.map((n, g) => `gen${g} ${n}`).join(", ")}), ${ns(gc.totalNs)} in total` : "none", gc.count]);
    const dl = el("dl", { class: "figures" });
    for (const [id, name, text, value] of figures) dl.append(el("dt", {}, name), el("dd", { id: `memory-${id}`, dataset: { value: String(value) } }, text));
    c.append(dl);

    const siteRows = (rows, withCount) => rows.map((r) => [`${r[0]}`, `${r[1]}:${r[2]}`, bytes(r[3]), ...(withCount ? [r[4].toLocaleString("en-US")] : [])]);
    if (data.sites.length) c.append(section("Top allocation sites (bytes that appeared between snapshots)", ["Function", "Line", "Bytes", "Count"], siteRows(data.sites, true), "memory-sites", 2));
    if (data.leaked.length) c.append(section("Live at exit, by function", ["Function", "File", "Bytes"], siteRows(data.leaked, false), "memory-leaks", 2));
    if (gc.count) {
      c.append(section("Pause histogram", ["Pause", "Collections"], gc.histogram.map((n, i) => [PAUSE_BUCKETS[i], n.toLocaleString("en-US")]), "memory-pauses"));
      if (gc.longest.length) c.append(section("Longest pauses", ["Triggered by (innermost first)", "Pause", "Generation", "At"],
        gc.longest.map((p) => [p.stack.length ? p.stack.join(" ← ") : "(no Python frame)", ns(p.ns), `gen${p.gen}`, ns(p.t)]), "memory-longest"));
    }
    if (data.growth.length) {
      c.append(section(`Object growth (${data.objectCounts} counts, first to last)`, ["Type", "Objects", "Bytes", "Now"],
        data.growth.map((g) => [g[0], (g[1] > 0 ? "+" : "") + g[1].toLocaleString("en-US"), bytes(g[2]), g[3].toLocaleString("en-US")]), "memory-growth"));
    }
    if (data.chain) c.append(el("p", { class: "chain" }, data.chain.steps.length ? `held by: ${data.chain.steps.join(" → ")}` : `no reference chain to a ${data.chain.type} from a module's globals was found`));
  }
}

// A heading and a table of text cells, the first textColumns of them left-aligned (a program's name, then its
// file); names are shown as text.
function section(title, headers, rows, id, textColumns = 1) {
  const cls = (i) => (i === 0 ? "name" : i < textColumns ? "file" : "");
  const table = el("table", { id, class: "small" });
  table.append(el("thead", {}, el("tr", {}, ...headers.map((h, i) => el("th", { class: i < textColumns ? "name" : "" }, h)))));
  const body = el("tbody");
  for (const row of rows) body.append(el("tr", {}, ...row.map((cell, i) => el("td", { class: cls(i) }, cell))));
  table.append(body);
  return el("div", { class: "memory-section" }, el("h3", {}, title), table);
}
