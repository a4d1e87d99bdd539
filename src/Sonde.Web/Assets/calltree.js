import { el, clear, percent } from "./util.js";

// The call tree as nested rows, children heaviest first. Rows are made when their parent opens, so a tree of
// any size costs only what is expanded.
export class CallTreeView {
  constructor(app) {
    this.app = app;
    this.tree = null;
    this.container = document.getElementById("calltree");
    document.getElementById("tree-expand").addEventListener("click", () => this.expandHotPath());
    document.getElementById("tree-collapse").addEventListener("click", () => this.setTree(this.tree, false));
  }

  setTree(tree, expand = true) {
    this.tree = tree;
    clear(this.container);
    for (const r of tree.roots) this.container.append(this.node(r));
    if (expand) this.expandHotPath();
  }

  node(n) {
    const t = this.tree;
    const hasKids = t.kids(n).length > 0;
    const label = t.line(n) ? `${t.name(n)}  ${t.file(n)}:${t.line(n)}` : `${t.name(n)}  ${t.file(n)}`;
    const row = el("div", { class: "row", role: "treeitem" },
      el("span", { class: "toggle" }, hasKids ? "▸" : " "),
      el("span", { class: "pct" }, percent(t.total[n], t.grandTotal)),
      el("span", { class: "pct" }, percent(t.own[n], t.grandTotal)),
      el("span", { class: "label" }, label));
    if (this.app.match && this.app.match(t.name(n))) row.classList.add("match");
    const wrapper = el("div", { class: "node", dataset: { node: n } }, row);
    row.addEventListener("click", () => this.toggle(wrapper));
    return wrapper;
  }

  toggle(wrapper, open) {
    const n = Number(wrapper.dataset.node);
    let kids = wrapper.querySelector(":scope > .kids");
    const isOpen = kids !== null && !kids.hidden;
    const want = open === undefined ? !isOpen : open;
    if (want && !kids) {
      kids = el("div", { class: "kids", role: "group" });
      for (const k of this.tree.kids(n)) kids.append(this.node(k));
      wrapper.append(kids);
    }
    if (kids) kids.hidden = !want;
    const toggle = wrapper.querySelector(":scope > .row > .toggle");
    if (this.tree.kids(n).length) toggle.textContent = want ? "▾" : "▸";
    return kids;
  }

  // Opens the heaviest child at each level while it holds at least a tenth of the total.
  expandHotPath() {
    const t = this.tree;
    let container = this.container;
    for (let depth = 0; depth < 60; depth++) {
      const wrapper = container.querySelector(":scope > .node");
      if (!wrapper) return;
      const n = Number(wrapper.dataset.node);
      if (t.total[n] < t.grandTotal / 10 || !t.kids(n).length) return;
      container = this.toggle(wrapper, true);
    }
  }
}
