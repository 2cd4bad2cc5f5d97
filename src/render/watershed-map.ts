/**
 * A map of watershed units: each unit filled by a value (its priority score or export modulus) on a colour ramp,
 * unit outlines in dark grey, and each ranked unit's rank written at the cell of the unit nearest its centroid.
 * Reduced by block majority of the labels when the grid is larger than `maxSize`. PNG (RGBA) with a title line.
 * @module
 */

import pngjs from 'pngjs';
import type { Raster } from '../raster/raster.js';
import { rampColor, type RampName } from './colors.js';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.js';

/** Options of {@link watershedMapPng}. */
export interface WatershedMapOptions {
  /** Title under the map. */
  readonly title: string;
  /** Fill value per unit id (NaN or missing: grey). */
  readonly valueOf: (id: number) => number;
  /** Rank per unit id (0 or missing: no label). */
  readonly rankOf?: (id: number) => number;
  /** Colour ramp. @defaultValue 'ylorrd' */
  readonly ramp?: RampName;
  /** Longest side, pixels. @defaultValue 1200 */
  readonly maxSize?: number;
  /** Write ranks up to this number only. @defaultValue 30 */
  readonly maxRanks?: number;
}

/**
 * The units map as PNG bytes.
 * @example
 * ```ts
 * const png = watershedMapPng(units.labels, { title: 'Units by priority', valueOf: (id) => score.get(id) ?? NaN, rankOf: (id) => rank.get(id) ?? 0 });
 * ```
 */
export function watershedMapPng(labels: Raster, options: WatershedMapOptions): Buffer {
  const W0 = labels.width, H0 = labels.height;
  const maxSize = Math.min(options.maxSize ?? 1200, 2000);
  const f = Math.max(1, Math.ceil(Math.max(W0, H0) / maxSize));
  const scale = f === 1 ? Math.max(1, Math.floor(480 / Math.max(W0, H0))) : 1;
  const w = Math.ceil(W0 / f), h = Math.ceil(H0 / f);
  // reduced labels: the label of the block's first labelled cell in row-major order (block majority costs a map per
  // block; the first cell keeps the outlines one cell wide)
  const red = new Int32Array(w * h);
  const sumR = new Map<number, [number, number, number]>();
  for (let r = 0; r < H0; r++) {
    for (let c = 0; c < W0; c++) {
      const id = labels.data[r * W0 + c]!;
      if (!(id > 0)) continue;
      const o = Math.floor(r / f) * w + Math.floor(c / f);
      if (red[o] === 0) red[o] = id;
      const s = sumR.get(id) ?? [0, 0, 0];
      s[0] += r; s[1] += c; s[2]++;
      sumR.set(id, s);
    }
  }
  const values = new Map<number, number>();
  let lo = Infinity, hi = -Infinity;
  for (const id of sumR.keys()) {
    const v = options.valueOf(id);
    values.set(id, v);
    if (v === v) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  const mw = w * scale, mh = h * scale;
  const lh = GLYPH_HEIGHT * 2;
  const Wimg = Math.max(mw, 420), Himg = mh + 10 + lh + 10;
  const rgba = new Uint8Array(Wimg * Himg * 4).fill(255);
  const x0 = Math.floor((Wimg - mw) / 2);
  const ramp = options.ramp ?? 'ylorrd';
  for (let y = 0; y < mh; y++) {
    for (let x = 0; x < mw; x++) {
      const rr = Math.floor(y / scale), cc = Math.floor(x / scale);
      const o = rr * w + cc;
      const id = red[o]!;
      const p = (y * Wimg + x0 + x) * 4;
      if (id === 0) { rgba[p] = 235; rgba[p + 1] = 235; rgba[p + 2] = 235; continue; }
      const edge = (cc + 1 < w && red[o + 1] !== id) || (rr + 1 < h && red[o + w] !== id) || (cc > 0 && red[o - 1] !== id && red[o - 1] === 0) || (rr > 0 && red[o - w] !== id && red[o - w] === 0);
      if (edge && (x % scale === scale - 1 || y % scale === scale - 1 || scale === 1)) { rgba[p] = 40; rgba[p + 1] = 40; rgba[p + 2] = 40; continue; }
      const v = values.get(id)!;
      const col = v === v ? rampColor(ramp, hi > lo ? (v - lo) / (hi - lo) : 0.5) : [190, 190, 190] as const;
      rgba[p] = col[0]; rgba[p + 1] = col[1]; rgba[p + 2] = col[2];
    }
  }
  // ranks at the unit's cell nearest its centroid
  const maxRanks = options.maxRanks ?? 30;
  if (options.rankOf) {
    for (const [id, s] of sumR) {
      const rank = options.rankOf(id);
      if (!(rank > 0) || rank > maxRanks) continue;
      const ry = s[0] / s[2], rx = s[1] / s[2];
      const t = String(rank);
      const ts = scale * f <= 2 ? 1 : 2;
      const px = x0 + Math.round((rx / f) * scale) - Math.floor(textWidth(t, ts) / 2);
      const py = Math.round((ry / f) * scale) - Math.floor((GLYPH_HEIGHT * ts) / 2);
      drawText(rgba, Wimg, Himg, px + 1, py + 1, t, [255, 255, 255], ts);
      drawText(rgba, Wimg, Himg, px, py, t, [0, 0, 0], ts);
    }
  }
  drawText(rgba, Wimg, Himg, 10, mh + 10, options.title.toUpperCase(), [30, 30, 30], 2);
  const png = new pngjs.PNG({ width: Wimg, height: Himg, colorType: 6 });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return pngjs.PNG.sync.write(png, { colorType: 6 });
}
