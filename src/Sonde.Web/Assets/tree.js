// The merged call tree the server sends (parallel arrays, parents before children), with what drawing needs:
// children sorted heaviest first, depth, and each node's offset within its parent in weight units.
export class CallTree {
  constructor(data, functions) {
    this.functions = functions;
    this.parent = data.parent;
    this.fn = data.fn;
    this.own = data.own;
    this.total = data.totals;
    this.grandTotal = data.total;
    const n = this.parent.length;
    this.count = n;
    this.children = new Array(n);
    this.roots = [];
    this.depth = new Int32Array(n);
    this.offset = new Float64Array(n);
    this.maxDepth = 0;
    for (let i = 0; i < n; i++) {
      const p = this.parent[i];
      if (p < 0) this.roots.push(i);
      else {
        (this.children[p] || (this.children[p] = [])).push(i);
        this.depth[i] = this.depth[p] + 1;
        if (this.depth[i] > this.maxDepth) this.maxDepth = this.depth[i];
      }
    }
    const heaviest = (a, b) => this.total[b] - this.total[a];
    this.roots.sort(heaviest);
    let x = 0;
    for (const r of this.roots) { this.offset[r] = x; x += this.total[r]; }
    for (let i = 0; i < n; i++) {
      const kids = this.children[i];
      if (!kids) continue;
      kids.sort(heaviest);
      let at = this.offset[i];
      for (const k of kids) { this.offset[k] = at; at += this.total[k]; }
    }
  }

  name(node) { return this.functions.name[this.fn[node]]; }
  file(node) { return this.functions.file[this.fn[node]]; }
  line(node) { return this.functions.line[this.fn[node]]; }
  kind(node) { return this.functions.kind[this.fn[node]]; }
  kids(node) { return node < 0 ? this.roots : (this.children[node] || []); }

  // Node ids from the outermost ancestor down to node.
  path(node) {
    const path = [];
    for (let n = node; n >= 0; n = this.parent[n]) path.push(n);
    return path.reverse();
  }

  // The node reached by following the same functions (by name, file and line) from a root as node does in
  // other, a tree of the same profile built again; the deepest match when the whole path is gone, -1 for none.
  find(other, node) {
    if (node < 0) return -1;
    const key = (t, n) => `${t.name(n)}\u0000${t.file(n)}\u0000${t.line(n)}`;
    let found = -1;
    for (const n of other.path(node)) {
      const want = key(other, n);
      const next = this.kids(found).find((k) => key(this, k) === want);
      if (next === undefined) break;
      found = next;
    }
    return found;
  }

  // Marks nodes whose function matches; returns the weight they cover, counting nested matches once.
  search(match) {
    const hit = new Uint8Array(this.count);
    if (!match) return { hit: null, covered: 0 };
    const byFunction = new Map();
    let covered = 0;
    for (let i = 0; i < this.count; i++) {
      const f = this.fn[i];
      let m = byFunction.get(f);
      if (m === undefined) {
        m = match(this.functions.name[f]) || match(this.functions.file[f]);
        byFunction.set(f, m);
      }
      const p = this.parent[i];
      if (m) {
        hit[i] = 1;
        if (p < 0 || hit[p] !== 1 && hit[p] !== 2) covered += this.total[i];
      }
      if (!m && p >= 0 && (hit[p] === 1 || hit[p] === 2)) hit[i] = 2; // under a match: covered already
    }
    return { hit, covered };
  }
}
