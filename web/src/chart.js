// Small canvas charts for live training (issue 9): cost curves of several runs, and a decision
// boundary heat map. No chart library: a few dozen lines of canvas drawing, redrawn at most once
// per animation frame by the caller.

/** Okabe-Ito colours (colour-blind safe), a lighter variant for dark mode. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const PALETTE_DARK = ["#56B4E9", "#FF8A3D", "#2FD1A0", "#E89AC7", "#F0C04F", "#9ED8F7", "#EEEEEE"];

export function colour(index, dark) {
  const palette = dark ? PALETTE_DARK : PALETTE;
  return palette[index % palette.length];
}

export function isDark() {
  return document.body?.getAttribute("data-md-color-scheme") === "slate";
}

/** Size the canvas backing store to its CSS box times devicePixelRatio; returns the 2-D context. */
function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth || canvas.width));
  const height = Math.max(1, Math.round(canvas.clientHeight || canvas.height));
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

function niceTicks(low, high, count = 4) {
  const span = high - low || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const mult = [1, 2, 5, 10].find((m) => span / (m * step) <= count) || 10;
  const unit = mult * step;
  const ticks = [];
  for (let t = Math.ceil(low / unit) * unit; t <= high + 1e-12; t += unit) ticks.push(Number(t.toPrecision(6)));
  return ticks;
}

function format(value) {
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return value.toExponential(0);
  return String(Number(value.toPrecision(3)));
}

/**
 * Draw cost curves. `curves`: [{colour, points: [[epoch, cost], ...], dashed, bold}].
 * The y axis is logarithmic when the costs span more than a factor of 30.
 */
export function drawCurves(canvas, curves, { epochs = null } = {}) {
  const { ctx, width, height } = prepare(canvas);
  const style = getComputedStyle(canvas);
  const fg = style.getPropertyValue("--md-default-fg-color").trim() || "#333";
  const faint = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
  const pad = { left: 48, right: 10, top: 10, bottom: 30 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  let maxEpoch = epochs || 1;
  let low = Infinity;
  let high = -Infinity;
  for (const curve of curves) {
    for (const [x, y] of curve.points) {
      if (y === null || !Number.isFinite(y)) continue;
      maxEpoch = Math.max(maxEpoch, x + 1);
      low = Math.min(low, y);
      high = Math.max(high, y);
    }
  }
  if (!Number.isFinite(low)) {
    low = 0;
    high = 1;
  }
  const log = low > 0 && high / low > 30;
  const fy = log ? Math.log10 : (v) => v;
  let y0 = fy(low);
  let y1 = fy(high);
  if (y1 - y0 < 1e-9) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const margin = (y1 - y0) * 0.05;
  y0 -= margin;
  y1 += margin;
  const sx = (x) => pad.left + (x / Math.max(1, maxEpoch - 1)) * plotW;
  const sy = (y) => pad.top + (1 - (fy(y) - y0) / (y1 - y0)) * plotH;

  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = fg;
  ctx.strokeStyle = faint;
  ctx.lineWidth = 1;
  // Grid and tick labels
  const yTicks = log
    ? niceTicks(Math.floor(y0), Math.ceil(y1), 4).filter((t) => Number.isInteger(t)).map((t) => 10 ** t)
    : niceTicks(y0, y1, 4);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of yTicks) {
    const y = sy(t);
    if (y < pad.top - 1 || y > pad.top + plotH + 1) continue;
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(pad.left + plotW, y);
    ctx.stroke();
    ctx.fillText(format(t), pad.left - 4, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of niceTicks(0, maxEpoch - 1, 5)) {
    ctx.fillText(String(t), sx(t), pad.top + plotH + 4);
  }
  ctx.fillText("epoch", pad.left + plotW / 2, pad.top + plotH + 16);
  ctx.save();
  ctx.translate(10, pad.top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(log ? "cost (log)" : "cost", 0, -6);
  ctx.restore();
  ctx.strokeStyle = fg;
  ctx.strokeRect(pad.left, pad.top, plotW, plotH);

  // Curves
  for (const curve of curves) {
    ctx.strokeStyle = curve.colour;
    ctx.globalAlpha = curve.bold ? 1 : 0.7;
    ctx.lineWidth = curve.bold ? 2.2 : 1.4;
    ctx.setLineDash(curve.dashed ? [5, 4] : []);
    ctx.beginPath();
    let started = false;
    for (const [x, y] of curve.points) {
      if (y === null || !Number.isFinite(y) || (log && y <= 0)) {
        started = false;
        continue;
      }
      if (started) ctx.lineTo(sx(x), sy(y));
      else ctx.moveTo(sx(x), sy(y));
      started = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}

/** Draw a boundary frame {size, extent: [x0, x1, y0, y1], values (row 0 = lowest y), points}. */
export function drawBoundary(canvas, frame, points) {
  const { ctx, width, height } = prepare(canvas);
  const { size, extent, values } = frame;
  if (!size || !Array.isArray(values) || values.length !== size * size) return;
  const dark = isDark();
  const [c0, c1] = [hex(colour(0, dark)), hex(colour(1, dark))];
  const image = ctx.createImageData(size, size);
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      const p = values[row * size + col];
      const target = p >= 0.5 ? c1 : c0;
      const strength = 0.15 + 0.5 * Math.abs(p - 0.5);
      const k = ((size - 1 - row) * size + col) * 4; // canvas rows go down, y goes up
      image.data[k] = target[0];
      image.data[k + 1] = target[1];
      image.data[k + 2] = target[2];
      image.data[k + 3] = Math.round(255 * strength);
    }
  }
  const tile = document.createElement("canvas");
  tile.width = size;
  tile.height = size;
  tile.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, width, height);
  const [x0, x1, y0, y1] = extent;
  for (const [px, py, label] of points || []) {
    const cx = ((px - x0) / (x1 - x0)) * width;
    const cy = (1 - (py - y0) / (y1 - y0)) * height;
    ctx.beginPath();
    ctx.arc(cx, cy, 2.6, 0, 2 * Math.PI);
    ctx.fillStyle = colour(label ? 1 : 0, dark);
    ctx.fill();
    ctx.lineWidth = 0.8;
    ctx.strokeStyle = dark ? "#000" : "#fff";
    ctx.stroke();
  }
}

function hex(colourText) {
  const n = parseInt(colourText.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
