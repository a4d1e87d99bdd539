import { colourForKind, fitCanvas } from "./util.js";

const RINGS = 12;

// A sunburst, as snakeviz draws one: the zoomed function in the centre, callees in rings outward, each arc's
// angle its share of the centre's total. Clicking an arc zooms to it; clicking the centre zooms out one level.
export class Sunburst {
  constructor(canvas, { onHover = () => {}, onZoom = () => {} } = {}) {
    this.canvas = canvas;
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
      if (node === this.zoomNode && node >= 0) this.zoom(this.tree.parent[node]);
      else this.zoom(node);
    });
  }

  // As FlameChart.setTree: no drawing until the caller asks.
  setTree(tree, hit = null, keepZoom = false) {
    const zoom = keepZoom && this.tree && this.zoomNode >= 0 ? tree.find(this.tree, this.zoomNode) : -1;
    this.tree = tree;
    this.zoomNode = zoom;
    this.hit = hit;
  }
  zoom(node) { this.zoomNode = node; this.draw(); this.onZoom(node); }

  geometry() {
    const width = this.canvas.parentElement.clientWidth || 800;
    const height = Math.max(300, this.canvas.parentElement.clientHeight - 40);
    const radius = Math.min(width, height) / 2 - 4;
    return { width, height, cx: width / 2, cy: height / 2, ring: radius / (RINGS + 1) };
  }

  centreTotal() {
    const t = this.tree;
    return this.zoomNode < 0 ? t.grandTotal : t.total[this.zoomNode];
  }

  draw() {
    const t = this.tree;
    if (!t || this.canvas.offsetParent === null) return;
    const g = this.geometry();
    const ctx = fitCanvas(this.canvas, g.width, g.height);
    ctx.clearRect(0, 0, g.width, g.height);
    const whole = this.centreTotal();
    if (whole <= 0) return;
    ctx.beginPath();
    ctx.arc(g.cx, g.cy, g.ring, 0, 2 * Math.PI);
    ctx.fillStyle = this.zoomNode < 0 ? "#d1d5db" : this.fill(this.zoomNode);
    ctx.fill();
    const visit = (kids, start, ring) => {
      if (ring > RINGS) return;
      let angle = start;
      for (const n of kids) {
        const sweep = (t.total[n] / whole) * 2 * Math.PI;
        if (sweep * ring * g.ring < 0.5) { angle += sweep; continue; }
        ctx.beginPath();
        ctx.arc(g.cx, g.cy, (ring + 1) * g.ring, angle, angle + sweep);
        ctx.arc(g.cx, g.cy, ring * g.ring, angle + sweep, angle, true);
        ctx.closePath();
        ctx.fillStyle = this.fill(n);
        ctx.fill();
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 0.5;
        ctx.stroke();
        visit(t.kids(n), angle, ring + 1);
        angle += sweep;
      }
    };
    visit(t.kids(this.zoomNode), -Math.PI / 2, 1);
  }

  fill(n) {
    const t = this.tree;
    if (this.hit) return this.hit[n] === 1 ? "#d946ef" : "#e5e7eb";
    return colourForKind(t.kind(n), t.name(n));
  }

  nodeAt(event) {
    const t = this.tree;
    if (!t) return -2;
    const rect = this.canvas.getBoundingClientRect();
    const g = this.geometry();
    const dx = event.clientX - rect.left - g.cx, dy = event.clientY - rect.top - g.cy;
    const ring = Math.floor(Math.hypot(dx, dy) / g.ring);
    if (ring === 0) return this.zoomNode;
    if (ring > RINGS) return -2;
    let angle = Math.atan2(dy, dx) + Math.PI / 2;
    if (angle < 0) angle += 2 * Math.PI;
    const whole = this.centreTotal();
    let value = (angle / (2 * Math.PI)) * whole;
    let kids = t.kids(this.zoomNode);
    for (let level = 1; ; level++) {
      let node = -2;
      for (const k of kids) {
        if (value < t.total[k]) { node = k; break; }
        value -= t.total[k];
      }
      if (node === -2 || level === ring) return node;
      kids = t.kids(node);
    }
  }
}
