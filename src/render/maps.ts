/**
 * PNG quick-look maps of rasters: pure functions `Raster → PNG bytes` (encoded by pngjs); write the bytes with
 * `writeFileAtomic`. Continuous maps (soil loss A on a log10 scale; LS and any factor on a linear or quantile
 * stretch) get a colour bar with tick labels; class maps (SL 190-2007 intensity classes) get swatches with labels.
 * Nodata is fully transparent. Grids larger than `maxSize` pixels on a side are reduced by an integer factor: block mean of the
 * valid cells for continuous values, block majority (ties → the smaller code) for classes; a block with no valid
 * cell is nodata.
 *
 * Colours come from `./colors.ts` (ramps and the SL 190-2007 class colours, with their sources).
 *
 * Complexity: O(cells) for the reduction, O(pixels) for drawing.
 * @module
 */

import pngjs from 'pngjs';
import { Raster } from '../raster/raster.js';
import { RusleError } from '../raster/errors.js';
import { drawText, textWidth, GLYPH_HEIGHT } from './font.js';
import { SL190_CLASS_COLORS, SL190_CLASS_NAMES, rampColor, type RampName, type Rgb } from './colors.js';

/** A reduced grid of values (NaN = nodata). */
export interface Reduced {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Values, NaN for nodata. */
  readonly values: Float64Array;
  /** Reduction factor (cells per pixel side). */
  readonly factor: number;
}

function isValidValue(raster: Raster, v: number): boolean {
  return v === v && (raster.nodata === null || v !== raster.nodata);
}

/**
 * Reduces a raster to at most `maxSize` pixels on its longer side by an integer factor: the mean of the valid
 * cells of each block (`mode: 'mean'`) or their most frequent value (`'majority'`, ties → the smaller value).
 */
export function reduceRaster(raster: Raster, maxSize: number, mode: 'mean' | 'majority'): Reduced {
  if (!(maxSize >= 1)) throw new RusleError('BAD_ARGUMENT', `reduceRaster: maxSize must be ≥ 1 pixel, got ${maxSize}`);
  const w = raster.width, h = raster.height, d = raster.data;
  const factor = Math.max(1, Math.ceil(Math.max(w, h) / maxSize));
  const ow = Math.ceil(w / factor), oh = Math.ceil(h / factor);
  const out = new Float64Array(ow * oh).fill(NaN);
  if (factor === 1) {
    for (let i = 0; i < w * h; i++) { const v = d[i]!; if (isValidValue(raster, v)) out[i] = v; }
    return { width: ow, height: oh, values: out, factor };
  }
  if (mode === 'mean') {
    const sum = new Float64Array(ow * oh);
    const cnt = new Uint32Array(ow * oh);
    for (let r = 0; r < h; r++) {
      const orow = Math.floor(r / factor) * ow;
      for (let c = 0; c < w; c++) {
        const v = d[r * w + c]!;
        if (!isValidValue(raster, v)) continue;
        const o = orow + Math.floor(c / factor);
        sum[o] += v; cnt[o]++;
      }
    }
    for (let i = 0; i < out.length; i++) if (cnt[i]! > 0) out[i] = sum[i]! / cnt[i]!;
  } else {
    const counts = new Map<number, number>();
    for (let orow = 0; orow < oh; orow++) {
      for (let ocol = 0; ocol < ow; ocol++) {
        counts.clear();
        const r1 = Math.min(h, (orow + 1) * factor), c1 = Math.min(w, (ocol + 1) * factor);
        for (let r = orow * factor; r < r1; r++) {
          for (let c = ocol * factor; c < c1; c++) {
            const v = d[r * w + c]!;
            if (isValidValue(raster, v)) counts.set(v, (counts.get(v) ?? 0) + 1);
          }
        }
        let best = NaN, bestN = 0;
        for (const [v, n] of counts) if (n > bestN || (n === bestN && v < best)) { best = v; bestN = n; }
        out[orow * ow + ocol] = best;
      }
    }
  }
  return { width: ow, height: oh, values: out, factor };
}

/**
 * {@link reduceRaster} over full-width row bands of a grid of `width × height` cells (for example the blocks of an
 * open GeoTIFF), never holding more than one band and the reduced grid: same result as `reduceRaster` on the whole
 * raster. Majority mode takes integer codes 0–255 (class rasters).
 */
export async function reduceBlocks(
  blocks: AsyncIterable<{ window: { x: number; y: number; width: number; height: number }; raster: Raster }>,
  width: number, height: number, maxSize: number, mode: 'mean' | 'majority',
): Promise<Reduced> {
  const factor = Math.max(1, Math.ceil(Math.max(width, height) / Math.min(maxSize, MAP_DEFAULTS.hardMaxSize)));
  const ow = Math.ceil(width / factor), oh = Math.ceil(height / factor);
  const out = new Float64Array(ow * oh).fill(NaN);
  const sum = mode === 'mean' ? new Float64Array(ow * oh) : null;
  const cnt = mode === 'mean' ? new Uint32Array(ow * oh) : null;
  const counts = mode === 'majority' ? new Uint32Array(ow * 256) : null;
  let currentRow = -1;
  const flush = (orow: number): void => {
    if (!counts || orow < 0) return;
    for (let oc = 0; oc < ow; oc++) {
      let best = NaN, bestN = 0;
      for (let v = 0; v < 256; v++) { const n = counts[oc * 256 + v]!; if (n > bestN) { best = v; bestN = n; } }
      out[orow * ow + oc] = best;
    }
    counts.fill(0);
  };
  for await (const { window: win, raster } of blocks) {
    if (win.x !== 0 || win.width !== width) throw new RusleError('BAD_ARGUMENT', 'reduceBlocks: blocks must be full-width row bands');
    const d = raster.data;
    for (let r = 0; r < win.height; r++) {
      const y = win.y + r;
      const orow = Math.floor(y / factor);
      if (counts && orow !== currentRow) { flush(currentRow); currentRow = orow; }
      for (let c = 0; c < width; c++) {
        const v = d[r * width + c]!;
        if (!isValidValue(raster, v)) continue;
        const o = orow * ow + Math.floor(c / factor);
        if (sum) { sum[o] += v; cnt![o]++; } else if (v >= 0 && v < 256) counts![Math.floor(c / factor) * 256 + v]++;
      }
    }
  }
  if (counts) flush(currentRow);
  if (sum) for (let i = 0; i < out.length; i++) if (cnt![i]! > 0) out[i] = sum[i]! / cnt![i]!;
  return { width: ow, height: oh, values: out, factor };
}

/** Enlarges a small reduced grid by pixel replication so its longer side reaches at least `minSize` pixels. */
export function enlargeReduced(red: Reduced, minSize: number): Reduced {
  const s = Math.floor(minSize / Math.max(red.width, red.height));
  if (s < 2) return red;
  const w = red.width * s, h = red.height * s;
  const out = new Float64Array(w * h);
  for (let r = 0; r < h; r++) {
    const src = Math.floor(r / s) * red.width;
    for (let c = 0; c < w; c++) out[r * w + c] = red.values[src + Math.floor(c / s)]!;
  }
  return { width: w, height: h, values: out, factor: red.factor / s };
}

/** How a continuous map spreads values over its colour ramp. */
export type Stretch = 'linear' | 'log' | 'quantile';

/** Options of {@link continuousMapPng}. */
export interface ContinuousMapOptions {
  /** Title drawn above the legend (units included), e.g. `A (t/ha/yr)`. */
  title: string;
  /**
   * `linear`: min..max of the data (or `min`/`max`); `quantile`: the 2nd..98th percentile; `log`: log10 between
   * the given `min`/`max` or the 2nd and 99.8th percentiles of the positive values (values ≤ 0 take the lowest
   * colour).
   * @defaultValue `'linear'`
   */
  stretch?: Stretch;
  /** Colour ramp. @defaultValue `'viridis'` */
  ramp?: RampName;
  /** Lower end of the scale (data units); default from the data. */
  min?: number;
  /** Upper end of the scale (data units); default from the data. */
  max?: number;
  /** Longest side of the map in pixels. @defaultValue 1200 (never more than 2000) */
  maxSize?: number;
  /** Small grids are enlarged by pixel replication to at least this many pixels on the longer side. @defaultValue 480 */
  minSize?: number;
}

/** Defaults of the map renderers. */
export const MAP_DEFAULTS = { stretch: 'linear' as Stretch, ramp: 'viridis' as RampName, maxSize: 1200, hardMaxSize: 2000, minSize: 480 };

/** The scale a continuous map used (for the HTML legend). */
export interface ScaleInfo {
  /** Stretch used. */
  readonly stretch: Stretch;
  /** Value at the low end of the ramp. */
  readonly min: number;
  /** Value at the high end of the ramp. */
  readonly max: number;
  /** Ramp used. */
  readonly ramp: RampName;
}

/** A PNG map and what it shows. */
export interface MapPng {
  /** PNG bytes. */
  readonly png: Buffer;
  /** Image width, pixels. */
  readonly width: number;
  /** Image height, pixels. */
  readonly height: number;
  /** Cells per pixel side of the map part. */
  readonly factor: number;
  /** The scale (continuous maps only). */
  readonly scale?: ScaleInfo;
}

function quantiles(values: Float64Array, ps: readonly number[], positiveOnly: boolean): number[] {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) { const x = values[i]!; if (x === x && (!positiveOnly || x > 0)) v.push(x); }
  if (v.length === 0) return ps.map(() => NaN);
  const s = Float64Array.from(v).sort();
  return ps.map((p) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))]!);
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'E').replace('e', 'E');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  if (a >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(2).replace(/0+$/, '').replace(/\.$/, '');
}

const TEXT: Rgb = [30, 30, 30];
const LEGEND_SCALE = 2;
const PAD = 10;

function blank(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 4);
}

function fillRect(rgba: Uint8Array, W: number, x: number, y: number, w: number, h: number, c: Rgb, alpha = 255): void {
  for (let r = y; r < y + h; r++) for (let col = x; col < x + w; col++) {
    const o = (r * W + col) * 4;
    rgba[o] = c[0]; rgba[o + 1] = c[1]; rgba[o + 2] = c[2]; rgba[o + 3] = alpha;
  }
}

function encode(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new pngjs.PNG({ width, height, colorType: 6 });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return pngjs.PNG.sync.write(png, { colorType: 6 });
}

function layoutWidth(mapWidth: number, minLegend: number): number {
  return Math.max(mapWidth, minLegend);
}

function clampMaxSize(maxSize: number | undefined): number {
  const m = maxSize ?? MAP_DEFAULTS.maxSize;
  if (!(m >= 16)) throw new RusleError('BAD_ARGUMENT', `maxSize must be ≥ 16 pixels, got ${maxSize}`);
  return Math.min(m, MAP_DEFAULTS.hardMaxSize);
}

/**
 * Renders a continuous raster as a PNG map with a colour bar, tick labels and a title below the map.
 *
 * @example
 * ```ts
 * const { png } = continuousMapPng(A, { title: 'A (t/ha/yr)', stretch: 'log', ramp: 'ylorrd' });
 * ```
 */
export function continuousMapPng(raster: Raster, options: ContinuousMapOptions): MapPng {
  return continuousMapFromReduced(reduceRaster(raster, clampMaxSize(options.maxSize), 'mean'), options);
}

/** {@link continuousMapPng} from an already reduced grid (see {@link reduceBlocks} for files larger than memory). */
export function continuousMapFromReduced(reduced: Reduced, options: ContinuousMapOptions): MapPng {
  const stretch = options.stretch ?? MAP_DEFAULTS.stretch;
  const ramp = options.ramp ?? MAP_DEFAULTS.ramp;
  const maxSize = clampMaxSize(options.maxSize);
  const red = enlargeReduced(reduced, Math.min(maxSize, options.minSize ?? MAP_DEFAULTS.minSize));
  const vals = red.values;
  let lo: number, hi: number;
  if (stretch === 'log') {
    // Positive values only; the 2nd and 99.8th percentiles, so a few near-zero cells do not stretch the scale
    // over many empty decades (values beyond the ends take the end colours).
    const [q0, q1] = quantiles(vals, [0.02, 0.998], true);
    lo = options.min ?? q0!; hi = options.max ?? q1!;
    if (!(lo > 0)) lo = 1e-3;
    if (!(hi > lo)) hi = lo * 10;
  } else {
    const [q0, q1] = stretch === 'quantile' ? quantiles(vals, [0.02, 0.98], false) : quantiles(vals, [0, 1], false);
    lo = options.min ?? q0!; hi = options.max ?? q1!;
    if (!Number.isFinite(lo)) lo = 0;
    if (!(hi > lo)) hi = lo + 1;
  }
  const llo = Math.log10(lo), lhi = Math.log10(hi);
  const pos = (v: number): number => (stretch === 'log' ? (v > 0 ? (Math.log10(v) - llo) / (lhi - llo) : 0) : (v - lo) / (hi - lo));

  // Ticks: decades for log, 5 even steps otherwise.
  const ticks: number[] = [];
  if (stretch === 'log') {
    const e0 = Math.ceil(llo - 1e-9), e1 = Math.floor(lhi + 1e-9);
    const stepE = Math.max(1, Math.ceil((e1 - e0 + 1) / 6));
    for (let e = e0; e <= e1; e += stepE) ticks.push(10 ** e);
    if (ticks.length < 2) ticks.splice(0, ticks.length, lo, hi);
  } else {
    for (let i = 0; i <= 4; i++) ticks.push(lo + ((hi - lo) * i) / 4);
  }
  const tickLabels = ticks.map(fmt);
  const cw = GLYPH_HEIGHT * LEGEND_SCALE;
  const minLegend = Math.max(360, textWidth(options.title, LEGEND_SCALE) + 2 * PAD);
  const W = layoutWidth(red.width, minLegend);
  const legendH = PAD + cw + 6 + 18 + 6 + cw + PAD;
  const H = red.height + legendH;
  const rgba = blank(W, H);
  const x0 = Math.floor((W - red.width) / 2);
  for (let r = 0; r < red.height; r++) {
    for (let c = 0; c < red.width; c++) {
      const v = vals[r * red.width + c]!;
      if (v !== v) continue;
      const col = rampColor(ramp, pos(v));
      const o = (r * W + x0 + c) * 4;
      rgba[o] = col[0]; rgba[o + 1] = col[1]; rgba[o + 2] = col[2]; rgba[o + 3] = 255;
    }
  }
  // Legend panel.
  const ly = red.height;
  fillRect(rgba, W, 0, ly, W, legendH, [255, 255, 255]);
  drawText(rgba, W, H, PAD, ly + PAD, options.title, TEXT, LEGEND_SCALE);
  const barX = PAD + 20, barW = W - 2 * PAD - 40, barY = ly + PAD + cw + 6;
  for (let i = 0; i < barW; i++) fillRect(rgba, W, barX + i, barY, 1, 18, rampColor(ramp, i / (barW - 1)));
  for (let k = 0; k < ticks.length; k++) {
    const tx = barX + Math.round(Math.min(1, Math.max(0, pos(ticks[k]!))) * (barW - 1));
    fillRect(rgba, W, tx, barY + 18, 1, 4, TEXT);
    const label = tickLabels[k]!;
    const lw = textWidth(label, LEGEND_SCALE);
    drawText(rgba, W, H, Math.min(W - lw, Math.max(0, tx - Math.floor(lw / 2))), barY + 24, label, TEXT, LEGEND_SCALE);
  }
  return { png: encode(rgba, W, H), width: W, height: H, factor: red.factor, scale: { stretch, min: lo, max: hi, ramp } };
}

/** One class of a class map: its code, colour and legend label. */
export interface ClassStyle {
  /** Class code in the raster. */
  readonly code: number;
  /** Colour. */
  readonly color: Rgb;
  /** Legend label (drawn upper case). */
  readonly label: string;
}

/** Options of {@link classMapPng}. */
export interface ClassMapOptions {
  /** Title drawn above the legend. */
  title: string;
  /** Classes in legend order; codes not listed are drawn grey. */
  classes: readonly ClassStyle[];
  /** Longest side of the map in pixels. @defaultValue 1200 (never more than 2000) */
  maxSize?: number;
  /** Small grids are enlarged by pixel replication to at least this many pixels on the longer side. @defaultValue 480 */
  minSize?: number;
}

/**
 * The SL 190-2007 class styles for a tolerance T (t·km⁻²·yr⁻¹): labels carry each class's bounds in
 * t·km⁻²·yr⁻¹.
 */
export function sl190ClassStyles(toleranceTKm2: number): ClassStyle[] {
  const b = [toleranceTKm2, 2500, 5000, 8000, 15000];
  const ranges = [`< ${b[0]}`, `${b[0]}-2500`, '2500-5000', '5000-8000', '8000-15000', '> 15000'];
  return SL190_CLASS_NAMES.map((n, i) => ({ code: i + 1, color: SL190_CLASS_COLORS[i + 1]!, label: `${n} ${ranges[i]}` }));
}

/**
 * Renders a class raster (integer codes) as a PNG map with a swatch legend.
 *
 * @example
 * ```ts
 * const { png } = classMapPng(classes, { title: 'SL 190-2007 classes (t/km2/yr)', classes: sl190ClassStyles(500) });
 * ```
 */
export function classMapPng(raster: Raster, options: ClassMapOptions): MapPng {
  return classMapFromReduced(reduceRaster(raster, clampMaxSize(options.maxSize), 'majority'), options);
}

/** {@link classMapPng} from an already reduced grid (see {@link reduceBlocks}). */
export function classMapFromReduced(reduced: Reduced, options: ClassMapOptions): MapPng {
  const maxSize = clampMaxSize(options.maxSize);
  const byCode = new Map(options.classes.map((c) => [c.code, c.color] as const));
  const lh = GLYPH_HEIGHT * LEGEND_SCALE;
  const rowH = lh + 8;
  const cols = 2;
  const labelW = Math.max(...options.classes.map((c) => textWidth(c.label, LEGEND_SCALE)), 0);
  const minLegend = Math.max(360, cols * (labelW + 40) + 2 * PAD, textWidth(options.title, LEGEND_SCALE) + 2 * PAD);
  // Small grids are enlarged to at least minSize, and to the legend's width when that is wider.
  const red = enlargeReduced(reduced, Math.min(maxSize, Math.max(options.minSize ?? MAP_DEFAULTS.minSize, options.minSize === undefined ? minLegend : 0)));
  const W = layoutWidth(red.width, minLegend);
  const rows = Math.ceil(options.classes.length / cols);
  const legendH = PAD + lh + 8 + rows * rowH + PAD;
  const H = red.height + legendH;
  const rgba = blank(W, H);
  const x0 = Math.floor((W - red.width) / 2);
  const grey: Rgb = [160, 160, 160];
  for (let r = 0; r < red.height; r++) {
    for (let c = 0; c < red.width; c++) {
      const v = red.values[r * red.width + c]!;
      if (v !== v) continue;
      const col = byCode.get(v) ?? grey;
      const o = (r * W + x0 + c) * 4;
      rgba[o] = col[0]; rgba[o + 1] = col[1]; rgba[o + 2] = col[2]; rgba[o + 3] = 255;
    }
  }
  const ly = red.height;
  fillRect(rgba, W, 0, ly, W, legendH, [255, 255, 255]);
  drawText(rgba, W, H, PAD, ly + PAD, options.title, TEXT, LEGEND_SCALE);
  const colW = Math.floor((W - 2 * PAD) / cols);
  options.classes.forEach((cls, i) => {
    const cx = PAD + (i % cols) * colW;
    const cy = ly + PAD + lh + 8 + Math.floor(i / cols) * rowH;
    fillRect(rgba, W, cx, cy, 24, lh, [60, 60, 60]);
    fillRect(rgba, W, cx + 1, cy + 1, 22, lh - 2, cls.color);
    drawText(rgba, W, H, cx + 32, cy, cls.label, TEXT, LEGEND_SCALE);
  });
  return { png: encode(rgba, W, H), width: W, height: H, factor: red.factor };
}
