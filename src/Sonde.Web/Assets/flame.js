import { colourForKind, fitCanvas } from "./util.js";

const ROW = 18;
const MAX_CANVAS_PX = 32000;

// A flame graph (root at the bottom) or icicle (root on top) drawn on a canvas from a CallTree. Clicking a frame
// zooms to it; clicking an ancestor bar above a zoomed frame zooms back out. Only frames at least half a pixel
// wide are visited, so drawing costs what is visible, not what the profile holds.
export class FlameChart {
  constructor(canvas, { inverted = false, colour = null, onHover = () => {}, onZoom = () => {} } = {}) {
    this.canvas = canvas;
    this.inverted = inverted;
    this.colour = colour;
    this.onHover = onHover;
    this.onZoom = onZoom;
    this.tree = null;
    this.zoomNode = -1;
    this.hit = null;
    canvas.addEventListener("mousemove", (e) => this.onHover(this.nodeAt(e), e));
    canvas.addEventListener("mouseleave", (e) => this.onHover(-1, e));
    canvas.addEventListener("click", (e) => {
      const node = this.nodeAt(e);
      if (node === -2) return;
      this.zoom(node);
    });
  }

  // Takes a new tree and search highlight without drawing (the caller draws once when all is set). A tree of the
  // same profile built again (a live update, another weight) keeps the zoom on the same path of functions.
  setTree(tree, hit = null, keepZoom = false) {
    const zoom = keepZoom && this.tree && this.zoomNode >= 0 ? tree.find(this.tree, this.zoomNode) : -1;
    this.tree = tree;
    this.zoomNode = zoom;
    this.hit = hit;
  }

  zoom(node) {
    this.zoomNode = node;
    this.draw();
    this.onZoom(node);
  }

  rows() {
    const ratio = window.devicePixelRatio || 1;
    return Math.min(this.tree.maxDepth + 1, Math.floor(MAX_CANVAS_PX / ratio / ROW));
  }

  range() {
    const t = this.tree, z = this.zoomNode;
    return z < 0 ? [0, t.grandTotal] : [t.offset[z], t.offset[z] + t.total[z]];
  }

  rowTop(depth, rows) {
    return this.inverted ? depth * ROW : (rows - 1 - depth) * ROW;
  }

  draw() {
    const t = this.tree;
    if (!t || !this.canvas.isConnected || this.canvas.offsetParent === null) return;
    const width = this.canvas.parentElement.clientWidth || 800;
    const rows = this.rows();
    const ctx = fitCanvas(this.canvas, width, rows * ROW);
    ctx.clearRect(0, 0, width, rows * ROW);
    ctx.font = "12px ui-monospace, monospace";
    ctx.textBaseline = "middle";
    this.charWidth = ctx.measureText("M").width || 7;
    const [x0, x1] = this.range();
    if (x1 <= x0) return;
    const scale = width / (x1 - x0);
    const z = this.zoomNode;
    // Ancestors of the zoomed frame span the whole width, dimmed: clicking one zooms out to it.
    if (z >= 0) {
      for (const a of t.path(z)) {
        if (a === z) break;
        this.bar(ctx, a, 0, width, rows, true);
      }
    }
    const stack = z < 0 ? [...t.roots] : [z];
    while (stack.length) {
      const n = stack.pop();
      const w = t.total[n] * scale;
      if (w < 0.5 || t.depth[n] >= rows) continue;
      this.bar(ctx, n, (t.offset[n] - x0) * scale, w, rows, false);
      const kids = t.children[n];
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }

  bar(ctx, n, x, w, rows, dimmed) {
    const t = this.tree;
    const y = this.rowTop(t.depth[n], rows);
    const name = t.name(n);
    let fill = this.colour ? this.colour(n) : colourForKind(t.kind(n), name);
    if (this.hit) fill = this.hit[n] === 1 ? "#d946ef" : "#e5e7eb";
    ctx.globalAlpha = dimmed ? 0.55 : 1;
    ctx.fillStyle = fill;
    ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), ROW - 1);
    ctx.globalAlpha = 1;
    if (w > 3 * this.charWidth) {
      const fits = Math.floor((w - 6) / this.charWidth);
      const label = name.length > fits ? name.slice(0, Math.max(fits - 1, 1)) + "…" : name;
      ctx.fillStyle = "#111827";
      ctx.fillText(label, x + 3, y + ROW / 2);
    }
  }

  // The node under the mouse: -1 for none, -2 for outside any bar.
  nodeAt(event) {
    const t = this.tree;
    if (!t) return -2;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    const rows = this.rows();
    const row = Math.floor(y / ROW);
    const depth = this.inverted ? row : rows - 1 - row;
    if (depth < 0 || depth >= rows) return -2;
    const z = this.zoomNode;
    if (z >= 0 && depth < t.depth[z]) return t.path(z)[depth];
    const [x0, x1] = this.range();
    const value = x0 + (x / rect.width) * (x1 - x0);
    let candidates = z < 0 ? t.roots : [z];
    let level = z < 0 ? 0 : t.depth[z];
    for (;;) {
      const node = candidates.find((c) => value >= t.offset[c] && value < t.offset[c] + t.total[c]);
      if (node === undefined) return -2;
      if (level === depth) return node;
      candidates = t.kids(node);
      level++;
    }
  }
}
