/**
 * The disturbance-patch map: patches coloured by risk class over a grey background — a hillshade of the DEM
 * (illumination from azimuth 315°, altitude 45°, the usual cartographic convention; Burrough & McDonnell 1998,
 * "Principles of Geographical Information Systems", §8.4) or the soil-loss map on a log scale.
 *
 * Large grids are reduced by an integer factor: the background takes the block mean of its valid cells and a block
 * shows the highest risk of any patch cell in it, so that small patches stay visible. Nodata is transparent.
 *
 * Complexity O(cells).
 * @module
 */

import pngjs from 'pngjs';
import type { RiskClass } from '../../assess/risk.js';
import type { Raster } from '../../raster/raster.js';
import { slopeAspect } from '../../terrain/slope.js';
import { drawText, GLYPH_HEIGHT } from '../../render/font.js';
import type { Rgb } from '../../render/colors.js';

/** Colours of the risk classes (ours: the red–orange–yellow warning order). */
export const RISK_COLORS: Readonly<Record<RiskClass | 'none', Rgb>> = {
  high: [215, 25, 28], medium: [253, 174, 97], low: [255, 255, 140], none: [43, 131, 186],
};

/** Options of {@link patchRiskMapPng}. */
export interface PatchRiskMapOptions {
  /** Background: a DEM (drawn as a hillshade) or soil loss (log10 greys). */
  background?: { kind: 'dem' | 'soil-loss'; raster: Raster };
  /** Title under the map. */
  title: string;
  /** Longest side, pixels. @defaultValue 1200 */
  maxSize?: number;
}

function backgroundGreys(bg: PatchRiskMapOptions['background']): Float64Array | undefined {
  if (!bg) return undefined;
  const r = bg.raster;
  const n = r.width * r.height;
  const out = new Float64Array(n).fill(NaN);
  if (bg.kind === 'dem') {
    const { slopeRad, aspectRad } = slopeAspect(r);
    const zen = (45 * Math.PI) / 180, az = (315 * Math.PI) / 180;
    for (let i = 0; i < n; i++) {
      const s = slopeRad.data[i]!, a = aspectRad.data[i]!;
      if (s !== s) continue;
      const h = Math.cos(zen) * Math.cos(s) + Math.sin(zen) * Math.sin(s) * Math.cos(az - (a === a ? a : 0));
      out[i] = Math.max(0, h);
    }
  } else {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { const v = r.data[i]!; if (v > 0) { const l = Math.log10(v); if (l < lo) lo = l; if (l > hi) hi = l; } }
    for (let i = 0; i < n; i++) {
      const v = r.data[i]!;
      if (v !== v || r.isNodataAt(i)) continue;
      out[i] = v > 0 && hi > lo ? 1 - (Math.log10(v) - lo) / (hi - lo) : 1;
    }
  }
  return out;
}

/**
 * A PNG of patches (`labels`, 0 = none) coloured by `riskOf(patchId)`, over a hillshade or soil-loss background,
 * with a legend.
 *
 * @example
 * ```ts
 * const png = patchRiskMapPng(result.labels, (id) => riskById.get(id), { title: 'Disturbance patches by risk', background: { kind: 'dem', raster: dem } });
 * ```
 */
export function patchRiskMapPng(labels: Raster, riskOf: (id: number) => RiskClass | undefined, options: PatchRiskMapOptions): Buffer {
  const W0 = labels.width, H0 = labels.height;
  const maxSize = Math.min(options.maxSize ?? 1200, 2000);
  const f = Math.max(1, Math.ceil(Math.max(W0, H0) / maxSize));
  const scale = f === 1 ? Math.max(1, Math.floor(480 / Math.max(W0, H0))) : 1;
  const w = Math.ceil(W0 / f), h = Math.ceil(H0 / f);
  const greys = backgroundGreys(options.background);
  const gSum = new Float64Array(w * h), gN = new Float64Array(w * h);
  const rank = new Uint8Array(w * h); // 0 none, 1 no risk, 2 low, 3 medium, 4 high
  const RANK: Record<RiskClass, number> = { low: 2, medium: 3, high: 4 };
  const cache = new Map<number, number>();
  for (let r = 0; r < H0; r++) {
    for (let c = 0; c < W0; c++) {
      const i = r * W0 + c, o = Math.floor(r / f) * w + Math.floor(c / f);
      if (greys) { const g = greys[i]!; if (g === g) { gSum[o] = gSum[o]! + g; gN[o] = gN[o]! + 1; } }
      const id = labels.data[i]!;
      if (id > 0) {
        let k = cache.get(id);
        if (k === undefined) { const rc = riskOf(id); k = rc ? RANK[rc] : 1; cache.set(id, k); }
        if (k > rank[o]!) rank[o] = k;
      }
    }
  }
  const colors: Rgb[] = [[0, 0, 0], RISK_COLORS.none, RISK_COLORS.low, RISK_COLORS.medium, RISK_COLORS.high];
  const mw = w * scale, mh = h * scale;
  const legend: [Rgb, string][] = [[RISK_COLORS.high, 'HIGH RISK'], [RISK_COLORS.medium, 'MEDIUM'], [RISK_COLORS.low, 'LOW'], [RISK_COLORS.none, 'NO RISK GRADE']];
  const lh = GLYPH_HEIGHT * 2;
  const Wimg = Math.max(mw, 420), legendH = 10 + lh + 8 + 2 * (lh + 8) + 10;
  const Himg = mh + legendH;
  const rgba = new Uint8Array(Wimg * Himg * 4);
  const x0 = Math.floor((Wimg - mw) / 2);
  for (let y = 0; y < mh; y++) {
    for (let x = 0; x < mw; x++) {
      const o = Math.floor(y / scale) * w + Math.floor(x / scale);
      const p = (y * Wimg + x0 + x) * 4;
      const k = rank[o]!;
      if (k > 0) { const c = colors[k]!; rgba[p] = c[0]; rgba[p + 1] = c[1]; rgba[p + 2] = c[2]; rgba[p + 3] = 255; continue; }
      if (gN[o]! > 0) { const g = Math.round(60 + 170 * (gSum[o]! / gN[o]!)); rgba[p] = g; rgba[p + 1] = g; rgba[p + 2] = g; rgba[p + 3] = 255; }
      else if (!greys) { rgba[p] = 235; rgba[p + 1] = 235; rgba[p + 2] = 235; rgba[p + 3] = 255; }
    }
  }
  for (let y = mh; y < Himg; y++) for (let x = 0; x < Wimg; x++) { const p = (y * Wimg + x) * 4; rgba[p] = 255; rgba[p + 1] = 255; rgba[p + 2] = 255; rgba[p + 3] = 255; }
  const text: Rgb = [30, 30, 30];
  drawText(rgba, Wimg, Himg, 10, mh + 10, options.title.toUpperCase(), text, 2);
  legend.forEach(([c, label], k) => {
    const cx = 10 + (k % 2) * Math.floor((Wimg - 20) / 2), cy = mh + 10 + lh + 8 + Math.floor(k / 2) * (lh + 8);
    for (let y = cy; y < cy + lh; y++) for (let x = cx; x < cx + 24; x++) { const p = (y * Wimg + x) * 4; const edge = y === cy || y === cy + lh - 1 || x === cx || x === cx + 23; rgba[p] = edge ? 60 : c[0]; rgba[p + 1] = edge ? 60 : c[1]; rgba[p + 2] = edge ? 60 : c[2]; rgba[p + 3] = 255; }
    drawText(rgba, Wimg, Himg, cx + 32, cy, label, text, 2);
  });
  const png = new pngjs.PNG({ width: Wimg, height: Himg, colorType: 6 });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return pngjs.PNG.sync.write(png, { colorType: 6 });
}
