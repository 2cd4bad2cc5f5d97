/**
 * Erosion-intensity grading after SL 190-2007 《土壤侵蚀分类分级标准》 (Standards for classification and gradation of
 * soil erosion), Ministry of Water Resources of the People's Republic of China, 2008 (replaces SL 190-96).
 *
 * Water-erosion intensity classes by mean annual erosion modulus M (t·km⁻²·a⁻¹), with T the tolerable soil loss of
 * the erosion region (SL 190-2007, the tolerable-loss table and the water-erosion intensity table):
 *
 * | class | name | M |
 * |---|---|---|
 * | 1 | slight 微度 | M < T |
 * | 2 | light 轻度 | T ≤ M < 2500 |
 * | 3 | moderate 中度 | 2500 ≤ M < 5000 |
 * | 4 | intense 强烈 | 5000 ≤ M < 8000 |
 * | 5 | very intense 极强烈 | 8000 ≤ M < 15000 |
 * | 6 | severe 剧烈 | M ≥ 15000 |
 *
 * T (t·km⁻²·a⁻¹): 500 for the southern red-soil hills and the southwest rocky mountains, 200 for the northeast
 * black-soil region and the northern rocky mountains, 1000 for the northwest Loess Plateau. When T ≠ 500 the light
 * class runs from T to 2500.
 *
 * **Bounds.** The standard's table writes the classes as "<500, 500–2500, 2500–5000, 5000–8000, 8000–15000,
 * >15000" and does not say which class a value exactly at a bound takes. We pin the convention that the **lower bound
 * is inclusive for the higher class** (a modulus of exactly 2500 is moderate): the slight row reads "< T", which puts
 * T itself in the light class, and monitoring literature applying SL 190-2007 counts severe erosion as "≥ 15 000
 * t/(km²·a)" (e.g. Ma Yaya et al., Research of Soil and Water Conservation, on the Loess Plateau: "土壤侵蚀模数大于等于
 * 15 000 t/(km²·a)的剧烈水蚀面积"). The same rule is applied at every bound so the classes partition [0, ∞).
 *
 * **Nodata.** The output holds 0 for nodata: NaN input, negative A (not a soil loss), cells with no tolerance (a
 * zone without a tolerance when tolerances are per zone). Complexity O(n), one pass, no allocation besides the output.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { Raster, type FloatArray, type TypedArray } from '../raster/raster.js';
import { assertAligned } from '../raster/grid.js';

/** Units of a soil-loss raster A. `t/ha/yr` (RUSLE's SI unit) is × 100 to t·km⁻²·yr⁻¹ (SL 190-2007's unit). */
export type SoilLossUnits = 't/ha/yr' | 't/km2/yr';

/** Erosion regions of SL 190-2007 with their tolerable soil loss. */
export type ToleranceRegion = 'red-soil' | 'southwest' | 'black-soil' | 'northern-rocky' | 'loess';

/** Tolerable soil loss T per region, t·km⁻²·yr⁻¹ (SL 190-2007, tolerable soil loss by erosion region). */
export const REGION_TOLERANCE_T_KM2: Readonly<Record<ToleranceRegion, number>> = {
  'red-soil': 500,
  southwest: 500,
  'black-soil': 200,
  'northern-rocky': 200,
  loess: 1000,
};

/** Class codes: 0 nodata, 1 slight … 6 severe. */
export const INTENSITY_NODATA = 0;

/** English and Chinese names of classes 1–6 (index 0 is nodata). */
export const INTENSITY_CLASS_NAMES: readonly { en: string; zh: string }[] = [
  { en: 'nodata', zh: '无数据' },
  { en: 'slight', zh: '微度' },
  { en: 'light', zh: '轻度' },
  { en: 'moderate', zh: '中度' },
  { en: 'intense', zh: '强烈' },
  { en: 'very intense', zh: '极强烈' },
  { en: 'severe', zh: '剧烈' },
];

/** The upper class bounds of SL 190-2007 above T: light/moderate, moderate/intense, intense/very intense, very intense/severe (t·km⁻²·yr⁻¹). */
export const SL190_BOUNDS_T_KM2: readonly [number, number, number, number] = [2500, 5000, 8000, 15000];

/**
 * A tolerance: a number (t·km⁻²·yr⁻¹), a region preset, or per zone: a zone raster (integer ids on the A grid) with
 * a map from zone id to a number or region (`default` for ids not listed; without it such cells are nodata).
 */
export type Tolerance =
  | number
  | ToleranceRegion
  | { zones: Raster; byZone: Readonly<Record<string | number, number | ToleranceRegion>>; default?: number | ToleranceRegion };

/** Options of {@link gradeIntensity}. */
export interface GradeOptions {
  /** Units of A. Required: never assumed. */
  units: SoilLossUnits;
  /** Tolerable soil loss T (t·km⁻²·yr⁻¹), a region preset, or per-zone tolerances. Required. */
  tolerance: Tolerance;
  /**
   * The four bounds above T (t·km⁻²·yr⁻¹), ascending, each > T.
   * @defaultValue `[2500, 5000, 8000, 15000]` (SL 190-2007)
   */
  classBounds?: readonly [number, number, number, number];
  /** Output raster to fill (same grid), to avoid an allocation. */
  out?: Raster<Uint8Array>;
}

/** Defaults of the grading options. */
export const GRADE_DEFAULTS = { classBounds: SL190_BOUNDS_T_KM2 } as const;

/**
 * Factor that converts A in `units` to t·km⁻²·yr⁻¹; throws `BAD_UNITS` for anything else.
 * @example
 * ```ts
 * modulusFactor('t/ha/yr'); // 100
 * ```
 */
export function modulusFactor(units: unknown, what = 'units'): number {
  if (units === 't/ha/yr') return 100;
  if (units === 't/km2/yr') return 1;
  throw new RusleError('BAD_UNITS', `${what} must be 't/ha/yr' or 't/km2/yr' (the units of A are never assumed), got ${JSON.stringify(units)}`);
}

/**
 * Resolves a number or region preset to T in t·km⁻²·yr⁻¹; throws `BAD_VALUE` for an unknown region or a bad number.
 * @example
 * ```ts
 * toleranceValue('loess'); // 1000
 * ```
 */
export function toleranceValue(t: number | ToleranceRegion | unknown, what = 'tolerance'): number {
  if (typeof t === 'string') {
    const v = REGION_TOLERANCE_T_KM2[t as ToleranceRegion];
    if (v === undefined) {
      throw new RusleError('BAD_VALUE', `${what}: unknown region '${t}'; expected one of ${Object.keys(REGION_TOLERANCE_T_KM2).join(', ')} or a number in t/km2/yr`);
    }
    return v;
  }
  if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) {
    throw new RusleError('BAD_VALUE', `${what} must be a positive number of t/km2/yr or a region preset, got ${String(t)}`);
  }
  return t;
}

/**
 * Validates class bounds against T and returns them as a Float64Array [T, b1, b2, b3, b4]; `BAD_VALUE` unless they
 * ascend above T.
 * @example
 * ```ts
 * classThresholds(200); // [200, 2500, 5000, 8000, 15000]
 * ```
 */
export function classThresholds(tolerance: number, bounds: readonly number[] = SL190_BOUNDS_T_KM2): Float64Array {
  if (!Array.isArray(bounds) || bounds.length !== 4 || !bounds.every((b) => Number.isFinite(b))) {
    throw new RusleError('BAD_VALUE', `classBounds must be four finite numbers (t/km2/yr), got ${JSON.stringify(bounds)}`);
  }
  const th = new Float64Array([tolerance, bounds[0]!, bounds[1]!, bounds[2]!, bounds[3]!]);
  for (let i = 1; i < 5; i++) {
    if (!(th[i]! > th[i - 1]!)) {
      throw new RusleError('BAD_VALUE', `class bounds must ascend above the tolerance: got T = ${tolerance} and bounds [${bounds.join(', ')}] (the light class runs from T to the first bound)`);
    }
  }
  return th;
}

/**
 * Class (1–6) of one erosion modulus M in t·km⁻²·yr⁻¹ against thresholds [T, b1, b2, b3, b4] (lower bound
 * inclusive for the higher class); 0 for NaN or negative M.
 * @example
 * ```ts
 * intensityClassOf(2500, classThresholds(500)); // 3 (moderate)
 * ```
 */
export function intensityClassOf(modulus: number, thresholds: ArrayLike<number>): number {
  if (!(modulus >= 0)) return INTENSITY_NODATA;
  if (modulus < thresholds[0]!) return 1;
  if (modulus < thresholds[1]!) return 2;
  if (modulus < thresholds[2]!) return 3;
  if (modulus < thresholds[3]!) return 4;
  if (modulus < thresholds[4]!) return 5;
  return 6;
}

/** Bins of a {@link ClassLut} below the top bound. */
const LUT_BINS = 2048;

/**
 * An exact lookup table for grading: the modulus range [0, b4] cut into 2048 bins of width `1/invWidth`.
 * `lut[i]` is the class of every modulus whose bin index `min(m · invWidth, top) | 0` is i, or 0 when bins i − 1 … i + 1
 * touch a threshold (the caller then grades with the comparison chain). Bin indices are off by at most one from
 * the exact m / width (one rounding), and class is monotone in m, so a non-zero entry is exact. Replaces a
 * five-way compare chain, whose branches mispredict on noisy maps, by one multiply and one byte load.
 * @internal
 */
export interface ClassLut {
  /** Class per bin (0 = near a threshold: use the chain). */
  readonly lut: Uint8Array;
  /** Bins per t·km⁻²·yr⁻¹. */
  readonly invWidth: number;
  /** Last bin index (everything above holds class 6). */
  readonly top: number;
}

/**
 * Builds the {@link ClassLut} of thresholds [T, b1, b2, b3, b4] (t·km⁻²·yr⁻¹, ascending).
 * @example
 * ```ts
 * const { lut, invWidth, top } = classLut(classThresholds(500));
 * lut[Math.min(3000 * invWidth, top) | 0]; // 3 (moderate), or 0 near a bound
 * ```
 * @internal
 */
export function classLut(th: ArrayLike<number>): ClassLut {
  const width = th[4]! / LUT_BINS;
  const top = LUT_BINS + 3;
  const lut = new Uint8Array(top + 1);
  for (let i = 0; i < top; i++) {
    const c = intensityClassOf(Math.max(0, (i - 1.5) * width), th);
    lut[i] = c === intensityClassOf((i + 2.5) * width, th) ? c : 0;
  }
  lut[top] = intensityClassOf((top - 1.5) * width, th) === 6 ? 6 : 0;
  return { lut, invWidth: 1 / width, top };
}

/** Kernel: one threshold set for all cells. `f` converts A to t·km⁻²·yr⁻¹. */
function gradeUniform(a: TypedArray, f: number, th: Float64Array, out: Uint8Array, isFloat: boolean, nodata: number | null): void {
  const t0 = th[0]!, t1 = th[1]!, t2 = th[2]!, t3 = th[3]!, t4 = th[4]!;
  const { lut, invWidth, top } = classLut(th);
  const n = a.length;
  const nd = isFloat || nodata === null ? NaN : nodata;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    const m = v * f;
    if (!(m >= 0) || v === nd) { out[i] = 0; continue; }
    let k = lut[Math.min(m * invWidth, top) | 0]!;
    if (k === 0) k = m < t0 ? 1 : m < t1 ? 2 : m < t2 ? 3 : m < t3 ? 4 : m < t4 ? 5 : 6;
    out[i] = k;
  }
}

/**
 * Maps integer zone ids to a dense index for per-zone lookups. Ids must be integers; `lookup(id)` returns −1 for
 * unknown ids.
 * @internal
 */
export class IdIndex {
  private readonly dense: Int32Array | null;
  private readonly min: number;
  private readonly map: Map<number, number> | null;
  constructor(ids: readonly number[]) {
    let min = Infinity, max = -Infinity;
    for (const id of ids) { if (id < min) min = id; if (id > max) max = id; }
    this.min = ids.length ? min : 0;
    if (ids.length && max - min < 1 << 24) {
      this.dense = new Int32Array(max - min + 1).fill(-1);
      ids.forEach((id, k) => { this.dense![id - min] = k; });
      this.map = null;
    } else {
      this.dense = null;
      this.map = new Map(ids.map((id, k) => [id, k]));
    }
  }
  lookup(id: number): number {
    if (this.dense) {
      const j = id - this.min;
      return j >= 0 && j < this.dense.length && Number.isInteger(j) ? this.dense[j]! : -1;
    }
    return this.map!.get(id) ?? -1;
  }
}

/**
 * Grades soil loss A into the six SL 190-2007 water-erosion intensity classes.
 *
 * @param a - soil loss A (float raster, NaN = nodata), in `options.units`.
 * @param options - units of A (required), tolerance T (required), optional class bounds and `out`.
 * @returns a `Uint8Array` raster on A's grid: 1 slight, 2 light, 3 moderate, 4 intense, 5 very intense, 6 severe,
 *   0 nodata (`nodata` = 0).
 * @throws RusleError `BAD_UNITS` when `units` is missing or unknown; `BAD_VALUE` for a bad tolerance or class bounds;
 *   `GRID_MISMATCH` when a per-zone tolerance raster or `out` is not on A's grid.
 *
 * @example
 * ```ts
 * const classes = gradeIntensity(a, { units: 't/ha/yr', tolerance: 'red-soil' });
 * classes.data[0]; // 1 … 6, 0 = nodata
 * ```
 */
export function gradeIntensity(a: Raster, options: GradeOptions): Raster<Uint8Array> {
  if (!(a instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'gradeIntensity: a must be a Raster of soil loss');
  const f = modulusFactor(options?.units, 'gradeIntensity: options.units');
  const bounds = options.classBounds ?? GRADE_DEFAULTS.classBounds;
  const out = options.out ?? new Raster(a.grid, new Uint8Array(a.data.length), INTENSITY_NODATA);
  if (options.out) assertAligned(a, options.out, ['a', 'options.out']);
  const isFloat = a.data instanceof Float32Array || a.data instanceof Float64Array;
  const tol = options.tolerance;
  if (typeof tol === 'number' || typeof tol === 'string') {
    gradeUniform(a.data, f, classThresholds(toleranceValue(tol, 'gradeIntensity: options.tolerance'), bounds), out.data, isFloat, a.nodata);
    return out;
  }
  if (!tol || !(tol.zones instanceof Raster)) {
    throw new RusleError('BAD_VALUE', 'gradeIntensity: options.tolerance must be a number (t/km2/yr), a region preset, or { zones, byZone }');
  }
  assertAligned(a, tol.zones, ['a', 'options.tolerance.zones']);
  const ids = Object.keys(tol.byZone).map(Number);
  if (ids.some((id) => !Number.isInteger(id))) throw new RusleError('BAD_VALUE', 'gradeIntensity: options.tolerance.byZone keys must be integer zone ids');
  const index = new IdIndex(ids);
  const sets = ids.map((id) => classThresholds(toleranceValue(tol.byZone[id], `gradeIntensity: tolerance of zone ${id}`), bounds));
  const fallback = tol.default !== undefined ? classThresholds(toleranceValue(tol.default, 'gradeIntensity: options.tolerance.default'), bounds) : null;
  gradeByZone(a.data, f, tol.zones.data, tol.zones.nodata, index, sets, fallback, out.data, isFloat, a.nodata);
  return out;
}

function gradeByZone(
  a: TypedArray, f: number, z: TypedArray, zNodata: number | null, index: IdIndex, sets: Float64Array[], fallback: Float64Array | null,
  out: Uint8Array, isFloat: boolean, nodata: number | null,
): void {
  const n = a.length;
  const nd = nodata === null ? NaN : nodata;
  const znd = zNodata === null ? NaN : zNodata;
  let lastId = NaN;
  let th: Float64Array | null = null;
  for (let i = 0; i < n; i++) {
    const id = z[i]!;
    if (id !== lastId) {
      lastId = id;
      const k = id === znd || id !== id ? -1 : index.lookup(id);
      th = k >= 0 ? sets[k]! : fallback;
    }
    const v = a[i]!;
    if (th === null || (!isFloat && v === nd)) { out[i] = 0; continue; }
    out[i] = intensityClassOf(v * f, th);
  }
}

/** True when a raster is a float raster. @internal */
export function isFloatRaster(r: Raster): r is Raster<FloatArray> {
  return r.data instanceof Float32Array || r.data instanceof Float64Array;
}
