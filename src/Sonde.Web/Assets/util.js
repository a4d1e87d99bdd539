// Helpers every view shares. Names from the profiled program are untrusted: they only ever reach the page
// through textContent (el) or canvas fillText, never as markup.

export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function formatValue(value, unit) {
  if (unit === "nanoseconds") {
    const abs = Math.abs(value);
    if (abs >= 1e9) return (value / 1e9).toFixed(2) + " s";
    if (abs >= 1e6) return (value / 1e6).toFixed(1) + " ms";
    if (abs >= 1e3) return (value / 1e3).toFixed(1) + " µs";
    return value + " ns";
  }
  if (unit === "bytes") {
    const abs = Math.abs(value);
    if (abs >= 1 << 30) return (value / (1 << 30)).toFixed(2) + " GiB";
    if (abs >= 1 << 20) return (value / (1 << 20)).toFixed(1) + " MiB";
    if (abs >= 1 << 10) return (value / (1 << 10)).toFixed(1) + " KiB";
    return value + " B";
  }
  return value.toLocaleString("en-US");
}

export function percent(part, whole) {
  if (!(whole > 0)) return "–";
  if (part === 0) return "0%";
  return (100 * part / whole).toFixed(Math.abs(part / whole) < 0.001 ? 3 : 1) + "%";
}

// A stable warm colour per function name, so a function keeps its colour across zooms and views.
export function warmColour(name) {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  const h = 10 + ((hash >>> 0) % 40);
  const l = 55 + ((hash >>> 8) % 15);
  return `hsl(${h}, 85%, ${l}%)`;
}

export function colourForKind(kind, name) {
  if (kind === "native") return "hsl(190, 50%, 65%)";
  if (kind === "thread" || kind === "process") return "hsl(220, 15%, 75%)";
  if (kind === "truncated") return "hsl(0, 0%, 80%)";
  return warmColour(name);
}

const tooltip = () => document.getElementById("tooltip");

// Shows a tooltip made of lines; each line is [className, text].
export function showTooltip(event, lines) {
  const tip = tooltip();
  clear(tip);
  for (const [cls, text] of lines) tip.append(el("div", { class: cls }, text));
  tip.hidden = false;
  const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
  const y = event.clientY + 16 + tip.offsetHeight > window.innerHeight ? event.clientY - tip.offsetHeight - 8 : event.clientY + 16;
  tip.style.left = Math.max(0, x) + "px";
  tip.style.top = Math.max(0, y) + "px";
}

export function hideTooltip() {
  tooltip().hidden = true;
}

// Sizes a canvas for the device's pixel ratio and returns its 2D context scaled to CSS pixels.
export function fitCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  canvas.width = Math.max(1, Math.floor(width * ratio));
  canvas.height = Math.max(1, Math.floor(height * ratio));
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

// Case-insensitive matcher for the search box: a /regex/ when written so, else a plain substring.
export function matcher(text) {
  const query = text.trim();
  if (!query) return null;
  if (query.length > 2 && query.startsWith("/") && query.endsWith("/")) {
    try {
      const pattern = new RegExp(query.slice(1, -1), "i");
      return (s) => pattern.test(s);
    } catch {
      return () => false;
    }
  }
  const lower = query.toLowerCase();
  return (s) => s.toLowerCase().includes(lower);
}
