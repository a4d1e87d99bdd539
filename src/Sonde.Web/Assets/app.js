import { CallTree } from "./tree.js";
import { FlameChart } from "./flame.js";
import { Sunburst } from "./sunburst.js";
import { FunctionTableView } from "./table.js";
import { CallTreeView } from "./calltree.js";
import { SourceView } from "./source.js";
import { TimelineView } from "./timeline.js";
import { DiffView } from "./diff.js";
import { MemoryView } from "./memory.js";
import { el, formatValue, percent, showTooltip, hideTooltip, matcher } from "./util.js";

// The page: loads the summary, then the view in front; every aggregate comes from the server, built once per
// weight and thread. document.body.dataset.state says "ready" when the view in front has drawn, which the
// browser tests wait for.
class App {
  constructor() {
    this.view = "flame";
    this.weight = 0;
    this.thread = -1;
    this.match = null;
    this.tree = null;
    this.flame = new FlameChart(document.getElementById("flame-canvas"), {
      inverted: false, onHover: (n, e) => this.hover(this.tree, n, e), onZoom: (n) => this.zoomed("flame", n),
    });
    this.sunburst = new Sunburst(document.getElementById("sunburst-canvas"), {
      onHover: (n, e) => this.hover(this.tree, n, e), onZoom: (n) => this.zoomed("sunburst", n),
    });
    this.table = new FunctionTableView(this);
    this.calltree = new CallTreeView(this);
    this.source = new SourceView(this);
    this.timeline = new TimelineView(this);
    this.memory = new MemoryView(this);
    this.diff = null;
  }

  async fetchJson(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  async fetchText(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.text();
  }

  unit() {
    return this.summary.weights[this.weight]?.unit || "count";
  }

  async start() {
    const profiles = await this.fetchJson("/api/profiles");
    this.summary = await this.fetchJson("/api/p/0/summary");
    this.functions = this.summary.functions;
    document.getElementById("profile-name").textContent = this.summary.name;
    document.title = `Sonde: ${this.summary.name}`;
    this.describe();
    const weight = document.getElementById("weight");
    this.summary.weights.forEach((w, i) => weight.append(el("option", { value: i }, `${w.name} (${w.unit})`)));
    weight.addEventListener("change", () => this.useWeight(Number(weight.value)));
    const thread = document.getElementById("thread");
    this.listThreads();
    thread.addEventListener("change", () => { this.thread = Number(thread.value); this.reload(); });
    if (profiles.some((p) => p.role === "base")) document.querySelector('[data-view="diff"]').hidden = false;
    document.querySelector('[data-view="memory"]').hidden = !this.summary.memory;
    this.memory.setWeights(this.summary.weights);
    this.source.setFiles(this.summary.sources);
    for (const button of document.querySelectorAll("#tabs button")) button.addEventListener("click", () => this.show(button.dataset.view));
    document.getElementById("flame-reset").addEventListener("click", () => this.flame.zoom(-1));
    document.getElementById("sunburst-reset").addEventListener("click", () => this.sunburst.zoom(-1));
    const search = document.getElementById("search");
    search.addEventListener("input", () => this.search(search.value));
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { this.flame.zoom(-1); this.sunburst.zoom(-1); }
      if (e.key === "/" && document.activeElement !== search) { e.preventDefault(); search.focus(); }
    });
    window.addEventListener("resize", () => this.redraw());
    await this.reload();
    if (this.summary.live) this.follow();
  }

  // Switches the weight every view shows (and optionally the view), as the weight selector does.
  async useWeight(index, view = this.view) {
    this.weight = index;
    document.getElementById("weight").value = String(index);
    this.view = view;
    await this.reload();
  }

  listThreads() {
    const thread = document.getElementById("thread");
    while (thread.options.length > 1) thread.remove(1);
    this.summary.threads.forEach((t, i) => thread.append(el("option", { value: i }, t.name ? `${t.name} (${t.tid})` : `thread ${t.tid}`)));
    thread.value = String(this.thread);
  }

  // A live recording (sonde record --serve): each update event means a newer copy of the profile; updates that
  // arrive while one is loading collapse into one.
  follow() {
    document.body.dataset.live = this.summary.live;
    const events = new EventSource("/api/events");
    events.addEventListener("update", async (event) => {
      this.pending = JSON.parse(event.data);
      if (this.refreshing) return;
      this.refreshing = true;
      try {
        while (this.pending) {
          this.pending = null;
          this.summary = await this.fetchJson("/api/p/0/summary");
          this.functions = this.summary.functions;
          this.describe();
          this.listThreads();
          this.source.setFiles(this.summary.sources);
          document.querySelector('[data-view="memory"]').hidden = !this.summary.memory;
          this.memoryData = null;
          await this.reload();
          document.body.dataset.live = this.summary.live;
          document.body.dataset.samples = String(this.summary.samples);
        }
      } catch (error) {
        this.fail(error);
      } finally {
        this.refreshing = false;
      }
    });
  }

  describe() {
    const s = this.summary, m = s.metadata;
    const parts = [`${s.samples.toLocaleString("en-US")} samples`, s.mode];
    if (s.samples === 0) parts.push(s.live ? "waiting for the first samples" : "nothing was sampled, so there is nothing to draw");
    if (s.live) parts.unshift(s.live === "recording" ? "LIVE: recording" : "recording ended");
    if (s.exact) parts.push("exact call counts");
    if (m.python) parts.push(`Python ${m.python}`);
    if (m.durationNs) parts.push(formatValue(m.durationNs, "nanoseconds"));
    if (m.rateHz) parts.push(`${m.rateHz} Hz`);
    if (m.command) parts.push(m.command);
    document.getElementById("meta").textContent = parts.join(" · ");
  }

  async reload() {
    document.body.dataset.state = "loading";
    const query = `w=${this.weight}&t=${this.thread}`;
    const tree = await this.fetchJson(`/api/p/0/tree?${query}`);
    this.tree = new CallTree(tree, this.functions);
    this.tableData = null;
    this.timelineData = null;
    this.calltreeLoaded = false;
    const hit = this.applySearch();
    // A reload (live update, weight or thread) keeps the zoom on the same path of functions where it still exists.
    this.flame.setTree(this.tree, hit, true);
    this.sunburst.setTree(this.tree, hit, true);
    for (const view of this.view === "sunburst" ? ["flame", "sunburst"] : ["sunburst", "flame"]) this.zoomed(view, this[view].zoomNode);
    await this.show(this.view);
  }

  async show(view) {
    document.body.dataset.state = "loading";
    this.view = view;
    for (const button of document.querySelectorAll("#tabs button")) button.classList.toggle("active", button.dataset.view === view);
    const section = view === "icicle" ? "flame" : view;
    for (const s of document.querySelectorAll(".view")) s.classList.toggle("active", s.id === `view-${section}`);
    document.body.dataset.view = view;
    hideTooltip();
    try {
      if (view === "flame" || view === "icicle") {
        this.flame.inverted = view === "icicle";
        this.flame.draw();
      } else if (view === "sunburst") this.sunburst.draw();
      else if (view === "table") {
        if (!this.tableData) {
          this.tableData = await this.fetchJson(`/api/p/0/table?w=${this.weight}&t=${this.thread}`);
          this.table.setData(this.tableData);
        } else this.table.render();
      } else if (view === "tree") {
        if (!this.calltreeLoaded) { this.calltree.setTree(this.tree); this.calltreeLoaded = true; }
      } else if (view === "source") {
        if (!this.source.container.firstChild && this.summary.sources.length) await this.source.load(this.summary.sources[0], 0);
      } else if (view === "timeline") {
        if (!this.timelineData) this.timelineData = await this.fetchJson(`/api/p/0/timeline?w=${this.weight}`);
        this.timeline.setData(this.timelineData);
      } else if (view === "memory") {
        if (!this.memoryData) {
          this.memoryData = await this.fetchJson("/api/p/0/memory");
          this.memory.setData(this.memoryData);
        }
      } else if (view === "diff") {
        this.diff ??= new DiffView(this);
        if (this.diffWeight !== this.weight) {
          this.diff.setData(await this.fetchJson(`/api/diff?w=${this.weight}`));
          this.diffWeight = this.weight;
        } else this.diff.chart.draw();
      }
    } catch (error) {
      this.fail(error);
    }
    document.body.dataset.state = "ready";
  }

  showSource(file, line) {
    if (!this.source.has(file)) return;
    this.show("source").then(() => this.source.load(file, line));
  }

  redraw() {
    if (this.view === "flame" || this.view === "icicle") this.flame.draw();
    else if (this.view === "sunburst") this.sunburst.draw();
    else if (this.view === "timeline") this.timeline.draw();
    else if (this.view === "diff") this.diff?.chart.draw();
  }

  search(text) {
    this.match = matcher(text);
    const hit = this.applySearch();
    this.flame.hit = hit;
    this.sunburst.hit = hit;
    this.redraw();
    if (this.view === "table") this.table.render();
    if (this.view === "tree") { this.calltree.setTree(this.tree); }
  }

  // Marks the frames the search matches and reports their share; returns the marks for the charts.
  applySearch() {
    const { hit, covered } = this.tree.search(this.match);
    document.getElementById("search-result").textContent = this.match ? `matched ${percent(covered, this.tree.grandTotal)}` : "";
    document.body.dataset.matched = this.match ? String(covered) : "";
    return hit;
  }

  zoomed(view, node) {
    const t = this.tree;
    const path = node < 0 ? "" : t.path(node).map((n) => t.name(n)).join(" › ");
    document.getElementById(`${view}-path`).textContent = path;
    document.body.dataset.zoom = node < 0 ? "" : t.name(node);
  }

  hover(tree, node, event) {
    if (node < 0 || !tree) return hideTooltip();
    const unit = this.unit(), whole = tree.grandTotal;
    const where = tree.line(node) ? `${tree.file(node)}:${tree.line(node)}` : tree.file(node);
    const lines = [["t-name", tree.name(node)]];
    if (where) lines.push(["t-file", where]);
    lines.push(["", `total ${formatValue(tree.total[node], unit)} (${percent(tree.total[node], whole)})`]);
    lines.push(["", `own ${formatValue(tree.own[node], unit)} (${percent(tree.own[node], whole)})`]);
    if (this.summary.weights[this.weight]?.name !== "samples") {
      lines.push(["", `weight: ${this.summary.weights[this.weight]?.name}`]);
    } else lines.push(["", `${tree.total[node].toLocaleString("en-US")} samples`]);
    showTooltip(event, lines);
  }

  fail(error) {
    const box = document.getElementById("error");
    box.textContent = String(error.message || error);
    box.hidden = false;
  }
}

const app = new App();
window.sonde = app;
app.start().catch((error) => { app.fail(error); document.body.dataset.state = "error"; });
