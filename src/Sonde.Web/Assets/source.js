import { el, clear, formatValue, percent } from "./util.js";

// A source file with each line's own and total weight, its background heated by the total's share.
export class SourceView {
  constructor(app) {
    this.app = app;
    this.select = document.getElementById("source-file");
    this.container = document.getElementById("source");
    this.note = document.getElementById("source-note");
    this.select.addEventListener("change", () => this.load(this.select.value, 0));
  }

  setFiles(files) {
    clear(this.select);
    for (const f of files) this.select.append(el("option", { value: f }, f));
    if (!files.length) this.note.textContent = "None of this profile's source files were found on this machine.";
  }

  has(file) {
    return this.app.summary.sources.includes(file);
  }

  async load(file, line) {
    if (!file || !this.has(file)) {
      this.note.textContent = "This file was not found on this machine.";
      return;
    }
    this.select.value = file;
    const [text, heat] = await Promise.all([
      this.app.fetchText(`/api/source?file=${encodeURIComponent(file)}`),
      this.app.fetchJson(`/api/p/0/lines?file=${encodeURIComponent(file)}&w=${this.app.weight}`),
    ]);
    const own = new Map(), total = new Map();
    let max = 0;
    for (const [l, o, t] of heat.lines) { own.set(l, o); total.set(l, t); max = Math.max(max, t); }
    const exact = new Map(heat.exact.map(([l, hits, ns]) => [l, [hits, ns]]));
    this.note.textContent = heat.perLine ? "Heat per executing line." : "This profile kept functions, not lines: each function's first line carries its weight.";
    clear(this.container);
    const fragment = document.createDocumentFragment();
    text.split("\n").forEach((source, i) => {
      const n = i + 1, t = total.get(n) || 0;
      const row = el("div", { class: "line", dataset: { line: n } },
        el("span", { class: "no" }, n),
        el("span", { class: "own" }, own.get(n) ? formatValue(own.get(n), heat.unit) : ""),
        el("span", { class: "total" }, t ? percent(t, heat.grandTotal) : (exact.has(n) ? formatValue(exact.get(n)[1], "nanoseconds") : "")),
        el("code", {}, source));
      if (t && max) row.style.background = `rgba(239, 68, 68, ${(0.08 + 0.6 * t / max).toFixed(3)})`;
      fragment.append(row);
    });
    this.container.append(fragment);
    if (line) this.container.querySelector(`[data-line="${Number(line)}"]`)?.scrollIntoView({ block: "center" });
  }
}
