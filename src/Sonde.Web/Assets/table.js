import { el, clear, formatValue, percent } from "./util.js";

const MAX_ROWS = 1000;

// The function table: sortable by any column, filtered by name or file, and the selected function's callers and
// callees beside it. Only the first rows of the current order are put in the page.
export class FunctionTableView {
  constructor(app) {
    this.app = app;
    this.data = null;
    this.sortKey = "total";
    this.descending = true;
    this.selected = -1;
    this.filter = document.getElementById("table-filter");
    this.filter.addEventListener("input", () => this.render());
  }

  setData(data) {
    this.data = data;
    this.relations = null;
    this.render();
    if (this.selected >= 0) this.select(this.selected);
  }

  columns() {
    const cols = [
      ["name", "Function"], ["file", "File"], ["own", "Own"], ["ownPct", "Own %"], ["total", "Total"], ["totalPct", "Total %"],
    ];
    if (this.data.calls) cols.push(["calls", "Calls"]);
    return cols;
  }

  value(row, key) {
    const f = this.app.functions;
    switch (key) {
      case "name": return f.name[row[0]];
      case "file": return f.file[row[0]];
      case "own": case "ownPct": return row[1];
      case "total": case "totalPct": return row[2];
      case "calls": return row[3] || 0;
    }
  }

  render() {
    if (!this.data) return;
    const f = this.app.functions;
    const table = document.getElementById("functions");
    const head = table.tHead, body = table.tBodies[0];
    clear(head);
    const headRow = el("tr");
    for (const [key, label] of this.columns()) {
      const th = el("th", { class: key === "name" || key === "file" ? "name" : "", dataset: { key } },
        label + (key === this.sortKey ? (this.descending ? " ▼" : " ▲") : ""));
      th.addEventListener("click", () => {
        if (this.sortKey === key) this.descending = !this.descending;
        else { this.sortKey = key; this.descending = key !== "name" && key !== "file"; }
        this.render();
      });
      headRow.append(th);
    }
    head.append(headRow);

    const query = this.filter.value.trim().toLowerCase();
    let rows = this.data.rows;
    if (query) rows = rows.filter((r) => f.name[r[0]].toLowerCase().includes(query) || f.file[r[0]].toLowerCase().includes(query));
    const key = this.sortKey, sign = this.descending ? -1 : 1;
    rows = rows.slice().sort((a, b) => {
      const x = this.value(a, key), y = this.value(b, key);
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
    document.getElementById("table-count").textContent =
      `${rows.length.toLocaleString("en-US")} functions` + (rows.length > MAX_ROWS ? `, first ${MAX_ROWS} shown` : "");
    clear(body);
    const unit = this.data.unit, whole = this.data.total;
    const match = this.app.match;
    for (const r of rows.slice(0, MAX_ROWS)) {
      const tr = el("tr", { dataset: { fn: r[0] } },
        el("td", { class: "name" }, f.name[r[0]]),
        el("td", { class: "file" }, f.line[r[0]] ? `${f.file[r[0]]}:${f.line[r[0]]}` : f.file[r[0]]),
        el("td", {}, formatValue(r[1], unit)), el("td", {}, percent(r[1], whole)),
        el("td", {}, formatValue(r[2], unit)), el("td", {}, percent(r[2], whole)));
      if (this.data.calls) tr.append(el("td", {}, (r[3] || 0).toLocaleString("en-US")));
      if (r[0] === this.selected) tr.classList.add("selected");
      if (match && match(f.name[r[0]])) tr.classList.add("match");
      tr.addEventListener("click", () => this.select(r[0]));
      tr.addEventListener("dblclick", () => this.app.showSource(f.file[r[0]], f.line[r[0]]));
      body.append(tr);
    }
    this.renderRelations();
  }

  async select(fn) {
    this.selected = fn;
    for (const tr of document.querySelectorAll("#functions tbody tr")) tr.classList.toggle("selected", Number(tr.dataset.fn) === fn);
    document.body.dataset.state = "loading";
    try {
      this.relations = await this.app.fetchJson(`/api/p/0/relations?w=${this.app.weight}&t=${this.app.thread}&fn=${fn}`);
      this.renderRelations();
    } catch (error) {
      this.app.fail(error);
    }
    document.body.dataset.state = "ready";
  }

  // The selected function's callers and callees, fetched per function so the table's own JSON stays small.
  renderRelations() {
    const f = this.app.functions;
    const relations = this.relations && this.relations.fn === this.selected ? this.relations : { callers: [], callees: [] };
    document.getElementById("relations-name").textContent = this.selected >= 0 ? f.name[this.selected] : "(click a function)";
    const fill = (id, rows) => {
      const body = document.querySelector(`#${id} tbody`);
      clear(body);
      for (const [other, total, calls] of rows) {
        const tr = el("tr", {}, el("td", { class: "name" }, f.name[other]),
          el("td", {}, formatValue(total, this.data.unit)), el("td", {}, percent(total, this.data.total)));
        if (this.data.calls) tr.append(el("td", {}, `${(calls || 0).toLocaleString("en-US")} calls`));
        tr.addEventListener("click", () => this.select(other));
        body.append(tr);
      }
    };
    fill("callers", relations.callers);
    fill("callees", relations.callees);
  }
}
