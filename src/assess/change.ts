/**
 * Change between two years: per zone and level, the class-transition matrix of SL 190-2007 intensity classes (areas
 * in km², 6 × 6: row = class in year 1, column = class in year 2), the conservation rate and soil-loss area of each
 * year and their change, and a change raster.
 *
 * **Land.** Only cells that are valid (graded) in both years and not masked count, so that both rates are computed
 * on the same land and their difference is a change of erosion, not of coverage. The rates of the single-year table
 * ({@link conservationRate}) may therefore differ slightly from `rate1` / `rate2` when nodata differs between years.
 *
 * **Change raster** (Uint8, nodata 0): code `10 · c1 + c2` with c1, c2 ∈ 1…6 (for example 23 = light → moderate,
 * 21 = light → slight, 11 = slight in both years); 0 where either year is nodata or masked. The sign of the change is
 * `c2 − c1` (positive = worse).
 *
 * Sums are exact fixed point as in `rate.ts` (areas in 10⁻⁴ m² units, BigInt totals), so every level adds up
 * exactly. Complexity O(n) time, O(zones) memory besides the change raster.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import { Raster, type TypedArray } from '../raster/raster.js';
import { classThresholds, modulusFactor, SL190_BOUNDS_T_KM2, toleranceValue, type SoilLossUnits, type ToleranceRegion } from './grading.js';
import { AREA_UNITS_PER_M2, zoneRollup } from './rate.js';
import { zonesFromRaster, type ZoneId, type ZoneLayer } from './zones.js';

const T2 = 2 ** 53;
const STRIDE = 37; // 36 transitions + cells seen

/** Options of {@link classChange}. */
export interface ChangeOptions {
  /** What the two rasters hold: soil loss A (graded here) or SL 190 class codes 1–6 (0 nodata). @defaultValue 'soil-loss' */
  input?: 'soil-loss' | 'classes';
  /** Units of A (required for soil loss). */
  units?: SoilLossUnits;
  /** Uniform tolerance T (t·km⁻²·yr⁻¹ or region) (required for soil loss). */
  tolerance?: number | ToleranceRegion;
  /** Class bounds above T. @defaultValue `[2500, 5000, 8000, 15000]` */
  classBounds?: readonly [number, number, number, number];
  /** Mask (non-zero = not land). */
  mask?: Raster;
}

/** One row of a change table. */
export interface ChangeRow {
  /** Zone id (`'total'` for the whole grid). */
  zone: ZoneId;
  /** Zone name. */
  name: string;
  /** Level. */
  level: string;
  /** Land area valid in both years, km². */
  landAreaKm2: number;
  /** Transition areas, km²: `transitionKm2[i][j]` from class i+1 in year 1 to class j+1 in year 2. */
  transitionKm2: number[][];
  /** Conservation rate in year 1 and 2, percent (NaN without land). */
  rate1: number;
  /** Conservation rate in year 2, percent. */
  rate2: number;
  /** rate2 − rate1, percentage points. */
  rateChange: number;
  /** Soil-loss area (light and above), year 1, km². */
  lossArea1Km2: number;
  /** Soil-loss area, year 2, km². */
  lossArea2Km2: number;
  /** lossArea2 − lossArea1, km². */
  lossAreaChangeKm2: number;
}

/** Result of {@link classChange}. */
export interface ChangeResult {
  /** Rows: whole grid first, then zones depth-first. */
  readonly rows: ChangeRow[];
  /** Change raster: `10·c1 + c2`, 0 nodata. */
  readonly change: Raster<Uint8Array>;
  /** Warnings (zones without cells, nodata counts). */
  readonly warnings: string[];
}

function classesOf(r: Raster, options: ChangeOptions, what: string): Uint8Array {
  if ((options.input ?? 'soil-loss') === 'classes') {
    const d = r.data;
    const out = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v >= 1 && v <= 6 && Number.isInteger(v) && v !== r.nodata) out[i] = v;
      else if (!(v === 0 || v !== v || v === r.nodata)) throw new RusleError('BAD_VALUE', `${what}: class rasters hold 1–6 (0 or nodata for none), found ${v} at cell ${i}`);
    }
    return out;
  }
  const f = modulusFactor(options.units, 'classChange: options.units');
  const th = classThresholds(toleranceValue(options.tolerance, 'classChange: options.tolerance'), options.classBounds ?? SL190_BOUNDS_T_KM2);
  const d = r.data;
  const out = new Uint8Array(d.length);
  const nd = r.nodata === null ? NaN : r.nodata;
  const t0 = th[0]!, t1 = th[1]!, t2 = th[2]!, t3 = th[3]!, t4 = th[4]!;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    const m = v === nd ? NaN : v * f;
    out[i] = !(m >= 0) ? 0 : m < t0 ? 1 : m < t1 ? 2 : m < t2 ? 3 : m < t3 ? 4 : m < t4 ? 5 : 6;
  }
  return out;
}

/**
 * Class transitions, rate change and a change raster between two years.
 *
 * @param a1 - year 1: soil loss A (float, NaN nodata) or class raster (with `input: 'classes'`).
 * @param a2 - year 2, on the same grid.
 * @param zones - zone layer, integer zone raster, or null (whole grid only).
 * @param options - input kind, units and tolerance (soil loss), class bounds, mask.
 * @returns rows per zone and level, the change raster (`10·c1 + c2`) and warnings.
 * @throws RusleError `GRID_MISMATCH` when the rasters are not on one grid; `BAD_UNITS`/`BAD_VALUE` for units,
 *   tolerance or class codes; `NO_OVERLAP`.
 *
 * @example
 * ```ts
 * const { rows, change } = classChange(a2020, a2024, layer, { units: 't/ha/yr', tolerance: 'red-soil' });
 * rows[0].rateChange; // percentage points, whole grid
 * ```
 */
export function classChange(a1: Raster, a2: Raster, zones: ZoneLayer | Raster | null, options: ChangeOptions = {}): ChangeResult {
  if (!(a1 instanceof Raster) || !(a2 instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'classChange: a1 and a2 must be Rasters');
  assertAligned(a1, a2, ['a1', 'a2']);
  const layer = zones instanceof Raster ? zonesFromRaster(zones) : zones;
  if (layer) assertAligned(a1, layer.raster, ['a1', 'zones']);
  if (options.mask) assertAligned(a1, options.mask, ['a1', 'options.mask']);
  const c1 = classesOf(a1, options, 'a1');
  const c2 = classesOf(a2, options, 'a2');
  const W = a1.width, H = a1.height;
  const change = new Uint8Array(W * H);
  const areas = a1.grid.rowCellAreasM2();
  const slotOf = new Map<number, number>();
  const codes: number[] = [NaN];
  let partial = new Float64Array(STRIDE * 8);
  const totals: bigint[] = new Array<bigint>(STRIDE * 8).fill(0n);
  const z = layer?.raster.data ?? null;
  const zNd = layer?.raster.nodata ?? NaN;
  const zero = layer?.zeroIsNone ?? false;
  const m: TypedArray | null = options.mask?.data ?? null;
  const mNd = options.mask?.nodata ?? NaN;
  let maxQa = 1;
  for (let r = 0; r < H; r++) maxQa = Math.max(maxQa, Math.round(areas[r]! * AREA_UNITS_PER_M2));
  const limit = Math.max(1, Math.floor(T2 / maxQa) - 1);
  let since = 0;
  let nodataBoth = 0;
  const flush = (): void => {
    for (let s = 0; s < codes.length; s++) {
      const o = s * STRIDE;
      for (let j = 0; j < STRIDE; j++) {
        const v = partial[o + j]!;
        if (v !== 0) { totals[o + j] = totals[o + j]! + BigInt(v); partial[o + j] = 0; }
      }
    }
  };
  let lastCode = NaN, slot = 0;
  for (let r = 0; r < H; r++) {
    const qa = Math.round(areas[r]! * AREA_UNITS_PER_M2);
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      if (z !== null) {
        const code = z[i]!;
        if (code !== lastCode) {
          lastCode = code;
          if (code === zNd || code !== code || (zero && code === 0)) slot = 0;
          else {
            let s = slotOf.get(code);
            if (s === undefined) {
              s = codes.length;
              codes.push(code);
              slotOf.set(code, s);
              if ((s + 1) * STRIDE > partial.length) {
                const p2 = new Float64Array(partial.length * 2); p2.set(partial); partial = p2;
                for (let k = totals.length; k < p2.length; k++) totals.push(0n);
              }
            }
            slot = s;
          }
        }
      }
      const o = slot * STRIDE;
      partial[o + 36] = partial[o + 36]! + 1;
      const x = c1[i]!, y = c2[i]!;
      if (x === 0 || y === 0) { nodataBoth++; continue; }
      if (m !== null) { const mv = m[i]!; if (mv !== 0 && mv === mv && mv !== mNd) continue; }
      change[i] = 10 * x + y;
      const k = o + (x - 1) * 6 + (y - 1);
      partial[k] = partial[k]! + qa;
      if (++since >= limit) { flush(); since = 0; }
    }
  }
  flush();
  const roll = zoneRollup(layer, codes, totals, STRIDE, 36, 'classChange');
  const rows: ChangeRow[] = [changeRow('total', 'total', 'total', roll.total)];
  for (const { node, sums } of roll.order) rows.push(changeRow(node.id, node.name, node.level, sums));
  const warnings = [...roll.warnings];
  if (nodataBoth > 0) warnings.push(`${nodataBoth} cells are nodata in one year or both and are not counted as land`);
  return { rows, change: new Raster(a1.grid, change, 0), warnings };
}

function changeRow(zone: ZoneId, name: string, level: string, s: bigint[]): ChangeRow {
  const km2 = (v: bigint): number => Number(v) / (AREA_UNITS_PER_M2 * 1e6);
  const matrix: number[][] = [];
  let land = 0n, slight1 = 0n, slight2 = 0n;
  for (let i = 0; i < 6; i++) {
    const row: number[] = [];
    for (let j = 0; j < 6; j++) {
      const v = s[i * 6 + j]!;
      row.push(km2(v));
      land += v;
      if (i === 0) slight1 += v;
      if (j === 0) slight2 += v;
    }
    matrix.push(row);
  }
  const rate1 = land === 0n ? NaN : (Number(slight1) / Number(land)) * 100;
  const rate2 = land === 0n ? NaN : (Number(slight2) / Number(land)) * 100;
  const loss1 = km2(land - slight1);
  const loss2 = km2(land - slight2);
  return {
    zone, name, level, landAreaKm2: km2(land), transitionKm2: matrix,
    rate1, rate2, rateChange: rate2 - rate1,
    lossArea1Km2: loss1, lossArea2Km2: loss2, lossAreaChangeKm2: km2(slight1 - slight2),
  };
}

/**
 * The change table as CSV: one line per zone with the rates, loss areas, their changes and the 36 transition areas
 * (columns `c1→c2`, km²).
 *
 * @example
 * ```ts
 * writeFileSync('change.csv', changeTableToCsv(result));
 * ```
 */
export function changeTableToCsv(result: Pick<ChangeResult, 'rows'>): string {
  const head = ['zone', 'name', 'level', 'landAreaKm2', 'rate1', 'rate2', 'rateChange', 'lossArea1Km2', 'lossArea2Km2', 'lossAreaChangeKm2'];
  for (let i = 1; i <= 6; i++) for (let j = 1; j <= 6; j++) head.push(`${i}→${j} (km2)`);
  const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const num = (v: number): string => (Number.isFinite(v) ? String(+v.toFixed(6)) : '');
  const lines = [head.join(',')];
  for (const r of result.rows) {
    lines.push([
      String(r.zone), r.name, r.level, num(r.landAreaKm2), num(r.rate1), num(r.rate2), num(r.rateChange),
      num(r.lossArea1Km2), num(r.lossArea2Km2), num(r.lossAreaChangeKm2), ...r.transitionKm2.flat().map(num),
    ].map(cell).join(','));
  }
  return '\ufeff' + lines.join('\n') + '\n';
}
