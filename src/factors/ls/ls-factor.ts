/**
 * The LS factor from a DEM (`lsFactor`) or from slope and upslope-area rasters (`lsFromSlopeAndArea`).
 *
 * Pipeline of `lsFactor`: fill depressions → slope → routing → slope length λ or upslope area → L · S, with the
 * formulas of `formulas.ts` chosen by a preset (`presets.ts`) or by options. Methods:
 * - `slope-length`: 1-D cumulative λ along D8 (`slopeLength`, Van Remortel et al. 2001, 2004; Zhang et al. 2013)
 *   with `L.rusle` on λ or `L.segment` on (λ_in, λ); S and m from the D8 downslope angle (or Horn slope).
 * - `desmet-govers`: Desmet & Govers (1996) eq. 6 on the upslope area at the cell's inlet (m²), with the
 *   flow-width factor x from aspect or 1; SAGA's variant feeds A / D instead (`areaConvention: 'sca-saga'`).
 * - `moore-burch`: `LS.mooreBurch1986` on the specific catchment area (A / cell width).
 * - `grass-r.watershed`: the slope length and mean-gradient S of GRASS `r.watershed length_slope`.
 *
 * Nodata: any nodata input cell gives NaN. Units: slope in radians internally; λ horizontal metres; areas m² from
 * the grid's true cell areas (per row on geographic grids). Complexity: O(n log n) for the filling, O(n) otherwise;
 * memory ≈ 60 bytes per cell at peak.
 *
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { assertAligned } from '../../raster/grid.js';
import { Raster, floatValues, isFloatArray, type FloatArray } from '../../raster/raster.js';
import { slopeLength } from '../../terrain/slope-length.js';
import { neighbourDistances } from '../../terrain/neighbours.js';
import {
  sCsle, sLiu1994, sMcCool1987, sMcCool1987Short, sNearing1997, sWischmeierSmith1978,
} from './formulas.js';
import { M_CODE, S_CODE } from './kernel-math.js';
import { lsSlopeLengthKernelAngle, slopeLengthLsKernel } from './slope-length-ls.js';
import { flowWidthFromAngle, lsDesmetGoversKernel, lsMooreBurchKernel } from './area-kernels.js';
import { grassKernel } from './grass.js';
import { conditionDem, d8Codes, hornSlopeAspect, hornSlopePercent, hornSlopePercentAndFlowWidth, upslopeArea } from './hydrology.js';
import {
  LS_BASE_OPTIONS, LS_PRESETS,
  type LsLFormula, type LsLengthMethod, type LsMFormula, type LsPresetName, type LsPresetOptions, type LsSFormula,
} from './presets.js';

/** A raster's values as a Float64 copy, NaN for nodata. */
function float64Values(r: Raster): Float64Array {
  return floatValues(r.data, r.nodata, new Float64Array(r.data.length));
}

/** Options of {@link lsFactor}; a `preset` sets the rest, which any explicit option overrides. */
export interface LsFactorOptions extends Partial<LsPresetOptions> {
  /**
   * Named option set mirroring a tool (see `LS_PRESETS`).
   * @defaultValue `'rusle-aml'`
   */
  readonly preset?: LsPresetName;
  /** Fill depressions (Priority-Flood+ε) before routing; turn off for an already conditioned DEM. @defaultValue true */
  readonly fill?: boolean;
  /** Also return L, S, slope (radians) and λ (m) or upslope area (m²) rasters. @defaultValue false */
  readonly intermediates?: boolean;
  /**
   * D8 codes already computed on the (conditioned) DEM, reused by the slope-length and grass methods instead of
   * routing again. Use with `fill: false` and the DEM they were computed on.
   * @defaultValue computed
   */
  readonly flowDirection?: Raster<Uint8Array>;
  /**
   * Upslope area in m² (the cell included) already computed, reused by the area methods instead of routing again
   * (the flow-width aspect then comes from the Horn aspect, not from D∞ angles).
   * @defaultValue computed with `routing`
   */
  readonly upslopeAreaM2?: Raster;
}

/** Result of {@link lsFactor} and {@link lsFromSlopeAndArea}. */
export interface LsFactorResult {
  /** LS, dimensionless, Float32, NaN = nodata. */
  readonly ls: Raster<Float32Array>;
  /** L factor (only with `intermediates`; not for `moore-burch`). */
  readonly l?: Raster<Float32Array>;
  /** S factor (only with `intermediates`; not for `moore-burch`). */
  readonly s?: Raster<Float32Array>;
  /** Slope used by S and m, radians (only with `intermediates`). */
  readonly slopeRad?: Raster<Float32Array>;
  /** Slope length λ, metres (slope-length and grass methods, only with `intermediates`). */
  readonly lengthM?: Raster<Float32Array>;
  /** Upslope area including the cell, m² (area methods, only with `intermediates`). */
  readonly upslopeAreaM2?: Raster<Float32Array>;
  /** The options actually used (preset merged with overrides). */
  readonly options: LsPresetOptions & { readonly preset: LsPresetName | 'custom' };
}

/** Defaults of {@link lsFactor}. */
export const LS_FACTOR_DEFAULTS = Object.freeze({ preset: 'rusle-aml' as LsPresetName, fill: true, intermediates: false });

const S_FUNCS: Readonly<Record<LsSFormula, (slopeRad: number) => number>> = {
  'S.mccool1987': sMcCool1987,
  'S.mccool1987short': sMcCool1987Short,
  'S.liu1994': sLiu1994,
  'S.csle': sCsle,
  'S.nearing1997': sNearing1997,
  'S.wischmeierSmith1978': sWischmeierSmith1978,
};

function resolveOptions(options: LsFactorOptions, where: string): LsPresetOptions & { preset: LsPresetName | 'custom' } {
  const presetName = options.preset ?? LS_FACTOR_DEFAULTS.preset;
  const preset = LS_PRESETS[presetName];
  if (!preset) throw new RusleError('BAD_ARGUMENT', `${where}: unknown preset '${String(presetName)}'; presets are ${Object.keys(LS_PRESETS).join(', ')}`);
  const o: Record<string, unknown> = { ...preset };
  let custom = false;
  for (const k of Object.keys(LS_BASE_OPTIONS)) {
    const v = (options as Record<string, unknown>)[k];
    if (v !== undefined) {
      if (v !== o[k]) custom = true;
      o[k] = v;
    }
  }
  const r = o as unknown as LsPresetOptions;
  if (!(r.sFormula in S_FUNCS)) throw new RusleError('BAD_ARGUMENT', `${where}: sFormula '${r.sFormula}' is not one of ${Object.keys(S_FUNCS).join(', ')}`);
  if (!['m.mccool1989', 'm.usle', 'm.csle', 'm.invest', 'm.constant'].includes(r.mFormula)) throw new RusleError('BAD_ARGUMENT', `${where}: mFormula '${r.mFormula}' is not one of m.mccool1989, m.usle, m.csle, m.invest, m.constant`);
  if (!['L.rusle', 'L.segment'].includes(r.lFormula)) throw new RusleError('BAD_ARGUMENT', `${where}: lFormula '${r.lFormula}' is not L.rusle or L.segment`);
  if (!['slope-length', 'desmet-govers', 'moore-burch', 'grass-r.watershed'].includes(r.method)) throw new RusleError('BAD_ARGUMENT', `${where}: method '${r.method}' is not slope-length, desmet-govers, moore-burch or grass-r.watershed`);
  if (!(r.rillRatio > 0)) throw new RusleError('BAD_ARGUMENT', `${where}: rillRatio must be > 0 (0.5 low, 1 moderate, 2 high), got ${String(r.rillRatio)}`);
  if (!(r.mConstant >= 0 && r.mConstant <= 1)) throw new RusleError('BAD_ARGUMENT', `${where}: mConstant must be in [0, 1], got ${String(r.mConstant)}`);
  if (!(r.capL > 0)) throw new RusleError('BAD_ARGUMENT', `${where}: capL must be > 0 (Infinity for none), got ${String(r.capL)}`);
  if (!(r.maxLengthM > 0)) throw new RusleError('BAD_ARGUMENT', `${where}: maxLengthM must be > 0 m (Infinity for none), got ${String(r.maxLengthM)}`);
  if (!(r.channelThresholdM2 > 0)) throw new RusleError('BAD_ARGUMENT', `${where}: channelThresholdM2 must be > 0 m² (Infinity for none), got ${String(r.channelThresholdM2)}`);
  return { ...r, preset: custom ? 'custom' : presetName };
}

// ---------------------------------------------------------------------------------------------------------------
// kernels (shared per-cell formula helpers are in kernel-math.ts; the slope-length kernels in slope-length-ls.ts)


// ---------------------------------------------------------------------------------------------------------------
// public API

function toF32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}

/**
 * The LS factor (dimensionless) of a DEM, by a preset or explicit options.
 *
 * @param dem - elevations in metres (any sample type; float NaN or the integer nodata = nodata), on a projected grid
 *   with a known linear unit or a geographic grid (true distances and areas are used, never degrees as metres).
 * @param options - `preset` (default `'rusle-aml'`) and overrides: `method`, `sFormula`, `mFormula`, `lFormula`,
 *   `routing`, `maxLengthM` (cap on λ, m), `capL` (cap on L), `channelThresholdM2`, `cutoffBelow5Pct`,
 *   `cutoffAtOrAbove5Pct`, `rillRatio`, `fill`, `intermediates`.
 * @returns `{ ls, options }` plus L, S, slope, λ or area when `intermediates` is set.
 * @throws RusleError `BAD_ARGUMENT` for an unknown preset or a bad option; `BAD_UNITS` when the grid's unit is
 *   unknown.
 * @example
 * ```ts
 * const { ls } = lsFactor(dem, { preset: 'csle', maxLengthM: 300 });
 * ```
 */
export function lsFactor(dem: Raster, options: LsFactorOptions = {}): LsFactorResult {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'lsFactor: dem must be a Raster of elevations in metres');
  const o = resolveOptions(options, 'lsFactor');
  const fill = options.fill ?? LS_FACTOR_DEFAULTS.fill;
  const inter = options.intermediates ?? LS_FACTOR_DEFAULTS.intermediates;
  const grid = dem.grid;
  const n = grid.width * grid.height;
  const z = conditionDem(dem, fill);
  const sCode = S_CODE[o.sFormula];
  const mCode = M_CODE[o.mFormula];
  const out = new Float32Array(n);
  const outL = inter && o.method !== 'moore-burch' ? new Float32Array(n) : null;
  const outS = inter && o.method !== 'moore-burch' ? new Float32Array(n) : null;
  const extra: { slopeRad?: Raster<Float32Array>; lengthM?: Raster<Float32Array>; upslopeAreaM2?: Raster<Float32Array> } = {};
  const method: LsLengthMethod = o.method;
  if (method === 'grass-r.watershed') {
    const codes = options.flowDirection ?? d8Codes(z);
    if (options.flowDirection) assertAligned(dem, options.flowDirection, ['dem', 'flowDirection']);
    const lenOut = inter ? new Float32Array(n) : null;
    const slopeOut = inter ? new Float32Array(n) : null;
    grassKernel(z.data, codes.data, grid.width, grid.height, neighbourDistances(grid).byDirectionM, o.maxLengthM, o.rillRatio, out, lenOut, slopeOut);
    if (lenOut) extra.lengthM = new Raster(grid, lenOut);
    if (slopeOut) extra.slopeRad = new Raster(grid, slopeOut);
  } else if (method === 'slope-length' && o.slopeSource === 'horn') {
    const sl = slopeLength(z, {
      flowDirection: options.flowDirection ?? d8Codes(z),
      cutoffBelow5Pct: o.cutoffBelow5Pct, cutoffAtOrAbove5Pct: o.cutoffAtOrAbove5Pct,
      channelThresholdM2: o.channelThresholdM2, maxLengthM: o.maxLengthM, withInletLength: o.lFormula === 'L.segment',
    });
    const lenIn = sl.lengthInM ? sl.lengthInM.data : null;
    const slope = hornSlopeAspect(z).slopeRad;
    const len = sl.lengthM.data;
    for (let i = 0; i < n; i++) if (len[i] !== len[i]) slope[i] = NaN;
    lsSlopeLengthKernelAngle(slope, sl.lengthM.data, lenIn, sCode, mCode, o.rillRatio, o.mConstant, o.capL, out, outL, outS);
    if (inter) {
      extra.slopeRad = new Raster(grid, Float32Array.from(slope));
      extra.lengthM = sl.lengthM;
    }
  } else if (method === 'slope-length') {
    // the D8 downslope tangent of the sweep: λ and LS in one pass (slope-length-ls.ts), no atan / sin per cell
    const fd = options.flowDirection ?? d8Codes(z);
    if (options.flowDirection) {
      assertAligned(dem, fd, ['dem', 'flowDirection']);
      if (!(fd.data instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', 'lsFactor: flowDirection must be a Uint8Array raster of D8 codes');
    }
    const lenOut = inter ? new Float32Array(n) : null;
    const tanOut = inter ? new Float32Array(n) : null;
    slopeLengthLsKernel(fd.data, z.data, grid.width, grid.height, neighbourDistances(grid).byDirectionM, grid.rowCellAreasM2(), {
      cutLow: o.cutoffBelow5Pct, cutHigh: o.cutoffAtOrAbove5Pct, channelM2: o.channelThresholdM2, maxLen: o.maxLengthM,
      sCode, mCode, ratio: o.rillRatio, mConst: o.mConstant, capL: o.capL, segment: o.lFormula === 'L.segment',
    }, out, { l: outL, s: outS, len: lenOut, tan: tanOut });
    if (lenOut && tanOut) {
      extra.lengthM = new Raster(grid, lenOut);
      extra.slopeRad = new Raster(grid, Float32Array.from(tanOut, Math.atan));
    }
  } else {
    let up: { areaM2: FloatArray; dinfAngle?: Float32Array };
    if (options.upslopeAreaM2) {
      assertAligned(dem, options.upslopeAreaM2, ['dem', 'upslopeAreaM2']);
      const given = options.upslopeAreaM2.data;
      up = { areaM2: isFloatArray(given) ? given : float64Values(options.upslopeAreaM2) };
    } else up = upslopeArea(z, o.routing);
    const area = up.areaM2;
    if (method === 'desmet-govers') {
      // Horn slope as a percentage (tan θ · 100): the kernel needs tan θ and sin θ, never the angle. Flow width
      // x = |sin α| + |cos α|: from InVEST's D∞ flow angle (cells without a facet, -1, take x = 1), else from the
      // Horn gradient in the slope's pass (no aspect, no trigonometry).
      // Without intermediates the slope is written into the output array and the kernel works in place (it reads a
      // cell's slope before writing its LS): no separate slope array to allocate and fill.
      let pct: Float32Array;
      let flowWidth: Float64Array | null = null;
      const pctInto = inter ? undefined : out;
      if (o.flowWidth === 'aspect' && !up.dinfAngle) ({ slopePercent: pct, flowWidth } = hornSlopePercentAndFlowWidth(z, pctInto));
      else {
        pct = hornSlopePercent(z, pctInto);
        if (o.flowWidth === 'aspect' && up.dinfAngle) flowWidth = flowWidthFromAngle(up.dinfAngle);
      }
      lsDesmetGoversKernel(pct, 0.01, null, area, flowWidth, grid.rowCellWidthsMeters(), grid.rowCellAreasM2(),
        grid.width, o.areaConvention === 'sca-saga', sCode, mCode, o.rillRatio, o.mConstant, o.capL, out, outL, outS);
      if (inter) extra.slopeRad = new Raster(grid, Float32Array.from(pct, (v) => Math.atan(v * 0.01)));
    } else {
      const { slopeRad } = hornSlopeAspect(z);
      const widths = grid.rowCellWidthsMeters();
      const sca = new Float64Array(n);
      for (let i = 0; i < n; i++) sca[i] = area[i]! / widths[(i / grid.width) | 0]!;
      lsMooreBurchKernel(slopeRad, sca, out);
      if (inter) extra.slopeRad = new Raster(grid, toF32(slopeRad));
    }
    if (inter) extra.upslopeAreaM2 = new Raster(grid, area instanceof Float32Array ? Float32Array.from(area) : toF32(area));
  }
  return {
    ls: new Raster(grid, out),
    ...(outL ? { l: new Raster(grid, outL) } : {}),
    ...(outS ? { s: new Raster(grid, outS) } : {}),
    ...extra,
    options: o,
  };
}

/** Unit of a slope raster given to {@link lsFromSlopeAndArea}. */
export type LsSlopeUnits = 'radians' | 'degrees' | 'percent';
/** Unit of an upslope-area raster: m² (cell included), specific catchment area in m, or contributing cells (cell included). */
export type LsAreaUnits = 'm2' | 'sca' | 'cells';

/** Options of {@link lsFromSlopeAndArea}. */
export interface LsFromSlopeAndAreaOptions {
  /** Unit of `slope` (required, never guessed). */
  readonly slopeUnits: LsSlopeUnits;
  /** Unit of `area` (required): `m2` and `cells` include the cell itself, as flow accumulation does. */
  readonly areaUnits: LsAreaUnits;
  /** `desmet-govers` or `moore-burch`; or give `preset` (`saga-desmet-govers`, `invest`). */
  readonly method?: 'desmet-govers' | 'moore-burch';
  /** A preset of the area family (`saga-desmet-govers`, `invest`); its S, m, area convention and caps apply. */
  readonly preset?: LsPresetName;
  /** Aspect raster, radians clockwise from north, for the flow-width factor x (Desmet & Govers); x = 1 without it. */
  readonly aspectRad?: Raster;
  /** Overrides of the formulas and caps. */
  readonly sFormula?: LsSFormula;
  readonly mFormula?: LsMFormula;
  readonly rillRatio?: number;
  readonly capL?: number;
}

function slopeToRadians(v: number, units: LsSlopeUnits): number {
  return units === 'radians' ? v : units === 'degrees' ? (v * Math.PI) / 180 : Math.atan(v / 100);
}

/**
 * The LS factor from a slope raster and an upslope-area raster made elsewhere (GDAL, SAGA, GRASS, TauDEM…). Units
 * of both inputs are required.
 *
 * - `method: 'desmet-govers'`: A_in = area (m²) − cell area; x from `aspectRad` or 1; S and m from the options
 *   (default McCool 1987 / McCool 1989 moderate).
 * - `preset: 'saga-desmet-govers'`: exactly SAGA `ta_hydrology 22 -METHOD 1`: with `areaUnits: 'm2'` the area is
 *   divided by the cell size first (`-CONV 1`), with `'sca'` used as is (`-CONV 0`).
 * - `method: 'moore-burch'`: `LS.mooreBurch1986` on the specific catchment area (area / cell width; `sca` as is).
 * - `preset: 'invest'`: InVEST's Desmet & Govers (A_in = (cells − 1) · D², m classes, L ≤ 333).
 *
 * @param slope - slope raster in `slopeUnits`.
 * @param area - upslope area raster in `areaUnits`, on the same grid.
 * @param options - see {@link LsFromSlopeAndAreaOptions}.
 * @returns `{ ls, options }` (LS dimensionless, Float32, NaN = nodata in either input).
 * @throws RusleError `BAD_UNITS` when a unit is missing or unknown, or a slope value cannot be in `slopeUnits` (negative, above π/2 rad or 90°); `GRID_MISMATCH` when the grids differ;
 *   `BAD_ARGUMENT` for a preset of the slope-length family or neither method nor preset.
 * @example
 * ```ts
 * const { ls } = lsFromSlopeAndArea(slope, flowAcc, { slopeUnits: 'degrees', areaUnits: 'cells', method: 'moore-burch' });
 * ```
 */
export function lsFromSlopeAndArea(slope: Raster, area: Raster, options: LsFromSlopeAndAreaOptions): LsFactorResult {
  if (!(slope instanceof Raster) || !(area instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'lsFromSlopeAndArea: slope and area must be Rasters');
  const su = options?.slopeUnits;
  const au = options?.areaUnits;
  if (su !== 'radians' && su !== 'degrees' && su !== 'percent') throw new RusleError('BAD_UNITS', `lsFromSlopeAndArea: slopeUnits must be 'radians', 'degrees' or 'percent', got ${String(su)}`);
  if (au !== 'm2' && au !== 'sca' && au !== 'cells') throw new RusleError('BAD_UNITS', `lsFromSlopeAndArea: areaUnits must be 'm2', 'sca' or 'cells', got ${String(au)}`);
  assertAligned(slope, area, ['slope', 'area']);
  if (options.aspectRad) assertAligned(slope, options.aspectRad, ['slope', 'aspectRad']);
  let presetName: LsPresetName;
  if (options.preset) presetName = options.preset;
  else if (options.method === 'desmet-govers' || options.method === 'moore-burch') presetName = 'rusle-aml';
  else throw new RusleError('BAD_ARGUMENT', "lsFromSlopeAndArea: give method ('desmet-govers' | 'moore-burch') or an area preset ('saga-desmet-govers' | 'invest')");
  const methodOverride: Partial<LsPresetOptions> = options.method ? { method: options.method } : {};
  const o = resolveOptions({
    preset: presetName, ...methodOverride,
    ...(options.sFormula ? { sFormula: options.sFormula } : {}),
    ...(options.mFormula ? { mFormula: options.mFormula } : {}),
    ...(options.rillRatio !== undefined ? { rillRatio: options.rillRatio } : {}),
    ...(options.capL !== undefined ? { capL: options.capL } : {}),
  }, 'lsFromSlopeAndArea');
  if (o.method !== 'desmet-govers' && o.method !== 'moore-burch') {
    throw new RusleError('BAD_ARGUMENT', `lsFromSlopeAndArea: preset '${presetName}' computes a slope length from a DEM; use lsFactor, or an area preset (saga-desmet-govers, invest) or a method`);
  }
  const grid = slope.grid;
  const n = grid.width * grid.height;
  const w = grid.width;
  const widths = grid.rowCellWidthsMeters();
  const cellAreas = grid.rowCellAreasM2();
  const sd = slope.data;
  const snd = isFloatArray(sd) ? NaN : slope.nodata;
  const ad = area.data;
  const and = isFloatArray(ad) ? NaN : area.nodata;
  const slopeRad = new Float64Array(n);
  const areaM2 = new Float64Array(n);
  const scaM = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sv = sd[i]!;
    const av = ad[i]!;
    const r = (i / w) | 0;
    if (sv === sv && sv !== snd && (sv < 0 || (su === 'radians' && sv > Math.PI / 2) || (su === 'degrees' && sv > 90))) {
      const hint = su === 'radians' && sv <= 90 ? ' (are these degrees? then give slopeUnits: \'degrees\')' : '';
      throw new RusleError('BAD_UNITS', `lsFromSlopeAndArea: slope ${sv} at column ${i % w}, row ${r} is not a slope in ${su}${hint}`, { col: i % w, row: r, value: sv });
    }
    slopeRad[i] = sv !== sv || sv === snd ? NaN : slopeToRadians(sv, su);
    if (av !== av || av === and) {
      areaM2[i] = NaN;
      scaM[i] = NaN;
      continue;
    }
    const m2 = au === 'm2' ? av : au === 'cells' ? av * cellAreas[r]! : av * widths[r]!;
    areaM2[i] = m2;
    scaM[i] = au === 'sca' ? av : m2 / widths[r]!;
  }
  const out = new Float32Array(n);
  if (o.method === 'moore-burch') {
    lsMooreBurchKernel(slopeRad, scaM, out);
  } else {
    // SAGA (-CONV 1: A / cell size, -CONV 0: an SCA as given) takes x = 1; the others use the aspect when given.
    const sagaArea = o.areaConvention === 'sca-saga';
    const flowWidth = options.aspectRad && !sagaArea ? flowWidthFromAngle(float64Values(options.aspectRad)) : null;
    lsDesmetGoversKernel(null, 1, slopeRad, areaM2, flowWidth, widths, cellAreas, w, sagaArea, S_CODE[o.sFormula], M_CODE[o.mFormula], o.rillRatio, o.mConstant, o.capL, out, null, null);
  }
  return { ls: new Raster(grid, out), options: o };
}

export type { LsLFormula, LsMFormula, LsSFormula, LsLengthMethod };
