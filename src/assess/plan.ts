/**
 * Reaching a target conservation rate: which soil-loss land to treat, with which measure, in which order.
 *
 * **Model.** A measure changes one factor to a new value on eligible land (for example afforestation: C → 0.03 on
 * given land-cover codes; terraces: P → 0.2 on cropland steeper than a slope). Since A is a product of factors, the
 * new soil loss of a cell is `A_new = A · F_new / F_old` for the changed factor F (a cell with F_old = 0 already has
 * A = 0). A cell **converts** when it is soil-loss land now (modulus ≥ T) and the best eligible measure (smallest
 * A_new; ties to the first measure listed) brings it below T.
 *
 * **Need.** Per zone, the area that must become slight to reach the target rate is
 * `need = target/100 · land − slight` (0 when the zone is already at or above R*).
 *
 * **Choice (cells).** Each converting cell adds its own area both to the treated and to the converted area, so every
 * selection of converting cells is equally efficient and the least treated area is reached by taking converting cells
 * until the need is met (overshoot below one cell). Among them we take first the cells whose treatment removes the
 * most soil (tonnes/yr = (A − A_new) · area), ties by cell index, so that the plan also removes the most soil for
 * its area. This greedy rule is ours (no official ranking rule exists in SL 190-2007 or GB/T 16453).
 *
 * **Choice (small watersheds).** With a watershed raster, the unit of treatment is a (zone, watershed) pair: treating
 * it applies the best measure on all of its eligible soil-loss cells (treated area), of which the converting ones
 * become slight (converted area). Units are taken in decreasing order of converted / treated area (ties: larger
 * converted area, then smaller watershed id) until the need is met: the classic greedy rule for a covering problem
 * with a ratio objective, which is not guaranteed optimal (the problem is a knapsack) but is within one unit of it.
 *
 * **Output.** A priority raster (Int32: the rank of the cell's treatment within its zone, 1 = first; 0 untreated), a
 * measure raster (Uint8: index + 1 of the measure applied; 0 none), and per zone the land area, the rate before, the
 * need, the treated and converted areas, the rate reached and whether the target is reachable with the measures.
 *
 * Complexity O(n + k log k) for k candidate cells (or units). Memory O(n). Areas are true cell areas.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import { Raster } from '../raster/raster.js';
import { classThresholds, modulusFactor, toleranceValue, type SoilLossUnits, type ToleranceRegion } from './grading.js';
import { zonesFromRaster, zoneKey, type ZoneId, type ZoneLayer } from './zones.js';

/** A candidate measure: the factor it changes, its new value, and where it may be applied. */
export interface Measure {
  /** Name, for reports (e.g. `afforestation`, `terraces`). */
  name: string;
  /** The factor the measure changes (its current values are `factors[factor]`). */
  factor: 'C' | 'P';
  /** The factor's value after the measure (dimensionless, ≥ 0). */
  value: number;
  /** Land-cover codes where the measure applies (needs `landCover`); all land when omitted. */
  landCover?: readonly number[];
  /** Minimum slope in degrees, inclusive (needs `slopeDegrees`). */
  minSlopeDegrees?: number;
  /** Maximum slope in degrees, exclusive (needs `slopeDegrees`). */
  maxSlopeDegrees?: number;
}

/** Options of {@link planTarget}. */
export interface PlanOptions {
  /** Units of A. Required. */
  units: SoilLossUnits;
  /** Tolerable soil loss T (t·km⁻²·yr⁻¹ or region). Required. */
  tolerance: number | ToleranceRegion;
  /** Target conservation rate, percent (0–100). Required. */
  targetRate: number;
  /** Candidate measures, in order of preference for ties. Required (at least one). */
  measures: readonly Measure[];
  /** Current factor values on A's grid (or constants): the factor each measure changes must be given. */
  factors: { C?: Raster | number; P?: Raster | number };
  /** Land-cover codes on A's grid (for measures with `landCover`). */
  landCover?: Raster;
  /** Slope in degrees on A's grid (for measures with slope limits). */
  slopeDegrees?: Raster;
  /** Zones (each must reach the target); the whole grid when omitted. */
  zones?: ZoneLayer | Raster | null;
  /** Small watersheds (integer ids): treat whole units instead of single cells. */
  watersheds?: Raster;
  /** Mask (non-zero = not land). */
  mask?: Raster;
}

/** One row of a plan: a zone (or `total`). */
export interface PlanRow {
  /** Zone id (`'total'` for the sum over zones). */
  zone: ZoneId;
  /** Zone name. */
  name: string;
  /** Land area, km². */
  landAreaKm2: number;
  /** Conservation rate now, percent. */
  rateBefore: number;
  /** Target, percent. */
  targetRate: number;
  /** Soil-loss area that must become slight, km² (0 when already at the target). */
  needKm2: number;
  /** Area where a measure is applied, km². */
  treatedAreaKm2: number;
  /** Area that becomes slight, km². */
  convertedAreaKm2: number;
  /** Largest area that could become slight with the measures, km². */
  convertibleAreaKm2: number;
  /** Conservation rate after the plan, percent. */
  rateReached: number;
  /** True when the target is reached. */
  reachable: boolean;
}

/** Result of {@link planTarget}. */
export interface PlanResult {
  /** Treatment rank within the zone (1 = first), 0 untreated. */
  readonly priority: Raster<Int32Array>;
  /** Index + 1 of the measure applied, 0 none. */
  readonly measure: Raster<Uint8Array>;
  /** Rows: `total` first, then zones by id. */
  readonly rows: PlanRow[];
  /** Zones whose target is unreachable with the measures, and other notes. */
  readonly warnings: string[];
}

function factorAt(f: Raster | number, i: number): number {
  return typeof f === 'number' ? f : f.data[i]!;
}

/**
 * Plans the least treated area that reaches a target conservation rate per zone, and ranks where to act first.
 *
 * @param a - soil loss A (NaN nodata) in `options.units`.
 * @param options - units, tolerance, target rate, measures, current factors, land cover, slope, zones, watersheds, mask.
 * @returns priority and measure rasters, per-zone rows, warnings (unreachable targets).
 * @throws RusleError `BAD_VALUE` for a bad target or measure; `BAD_ARGUMENT` when a measure needs an input that was
 *   not given; `GRID_MISMATCH` when inputs are not on A's grid.
 *
 * @example
 * ```ts
 * const plan = planTarget(a, {
 *   units: 't/ha/yr', tolerance: 'red-soil', targetRate: 86.57, zones: layer,
 *   factors: { C: c, P: p }, landCover: lulc, slopeDegrees: slope,
 *   measures: [
 *     { name: 'afforestation', factor: 'C', value: 0.03, landCover: [3, 4] },
 *     { name: 'terraces', factor: 'P', value: 0.2, landCover: [1], minSlopeDegrees: 5 },
 *   ],
 * });
 * plan.rows.filter((r) => !r.reachable);
 * ```
 */
export function planTarget(a: Raster, options: PlanOptions): PlanResult {
  if (!(a instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'planTarget: a must be a Raster of soil loss');
  const f = modulusFactor(options?.units, 'planTarget: options.units');
  const th = classThresholds(toleranceValue(options.tolerance, 'planTarget: options.tolerance'));
  const T = th[0]!;
  const target = options.targetRate;
  if (!(target >= 0 && target <= 100)) throw new RusleError('BAD_VALUE', `planTarget: targetRate must be a percentage in 0–100, got ${target}`);
  const measures: readonly Measure[] = options.measures;
  if (!Array.isArray(measures as unknown) || measures.length === 0 || measures.length > 254) throw new RusleError('BAD_VALUE', 'planTarget: give 1–254 measures');
  for (const m of measures) {
    if (!(m.value >= 0) || !Number.isFinite(m.value)) throw new RusleError('BAD_VALUE', `planTarget: measure '${m.name}' value must be a finite number ≥ 0, got ${m.value}`);
    if (m.factor !== 'C' && m.factor !== 'P') throw new RusleError('BAD_VALUE', `planTarget: measure '${m.name}' factor must be 'C' or 'P'`);
    const fv = options.factors?.[m.factor];
    if (fv === undefined) throw new RusleError('BAD_ARGUMENT', `planTarget: measure '${m.name}' changes ${m.factor}; give its current values in options.factors.${m.factor}`);
    if (fv instanceof Raster) assertAligned(a, fv, ['a', `options.factors.${m.factor}`]);
    if (m.landCover && !options.landCover) throw new RusleError('BAD_ARGUMENT', `planTarget: measure '${m.name}' is limited to land-cover codes; give options.landCover`);
    if ((m.minSlopeDegrees !== undefined || m.maxSlopeDegrees !== undefined) && !options.slopeDegrees) {
      throw new RusleError('BAD_ARGUMENT', `planTarget: measure '${m.name}' has slope limits; give options.slopeDegrees`);
    }
  }
  for (const [name, r] of [['landCover', options.landCover], ['slopeDegrees', options.slopeDegrees], ['watersheds', options.watersheds], ['mask', options.mask]] as const) {
    if (r) assertAligned(a, r, ['a', `options.${name}`]);
  }
  const layer = options.zones instanceof Raster ? zonesFromRaster(options.zones) : options.zones ?? null;
  if (layer) assertAligned(a, layer.raster, ['a', 'options.zones']);

  const W = a.width, H = a.height, n = W * H;
  const areas = a.grid.rowCellAreasM2();
  const lcSets = measures.map((m) => (m.landCover ? new Set(m.landCover) : null));
  const lc = options.landCover?.data ?? null;
  const sl = options.slopeDegrees?.data ?? null;
  const mk = options.mask?.data ?? null;
  const mNd = options.mask?.nodata ?? NaN;
  const zd = layer?.raster.data ?? null;
  const zNd = layer?.raster.nodata ?? NaN;
  const zero = layer?.zeroIsNone ?? false;
  const aNd = a.nodata === null ? NaN : a.nodata;

  // Zone groups by leaf node (several codes may map to one zone).
  const groupOf = new Map<string, number>();
  const groups: { id: ZoneId; name: string; land: number; slight: number }[] = [];
  const cellGroup = new Int32Array(n).fill(-1);
  const best = new Uint8Array(n); // measure index + 1 that converts or reduces, 0 none
  const reduction = new Float64Array(n); // tonnes/yr removed by the best measure
  const converts = new Uint8Array(n);
  let lastCode = NaN, lastGroup = -1;
  for (let r = 0; r < H; r++) {
    const area = areas[r]!;
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const v = a.data[i]!;
      if (v !== v || v === aNd || !(v >= 0)) continue;
      if (mk) { const mv = mk[i]!; if (mv !== 0 && mv === mv && mv !== mNd) continue; }
      let g = 0;
      if (zd) {
        const code = zd[i]!;
        if (code !== lastCode) {
          lastCode = code;
          if (code === zNd || code !== code || (zero && code === 0)) lastGroup = -1;
          else {
            const node = layer!.leafOfCode.get(code) ?? { id: code, name: String(code) };
            const k = zoneKey(node.id);
            let gi = groupOf.get(k);
            if (gi === undefined) { gi = groups.length; groupOf.set(k, gi); groups.push({ id: node.id, name: node.name, land: 0, slight: 0 }); }
            lastGroup = gi;
          }
        }
        if (lastGroup < 0) continue;
        g = lastGroup;
      } else if (groups.length === 0) {
        groups.push({ id: 'all', name: 'whole grid', land: 0, slight: 0 });
      }
      cellGroup[i] = g;
      const grp = groups[g]!;
      grp.land += area;
      const mod = v * f;
      if (mod < T) { grp.slight += area; continue; }
      // soil-loss cell: best eligible measure
      let bestA = Infinity, bestK = -1;
      for (let k = 0; k < measures.length; k++) {
        const m = measures[k]!;
        if (lcSets[k] && !lcSets[k]!.has(lc![i]!)) continue;
        if (m.minSlopeDegrees !== undefined && !(sl![i]! >= m.minSlopeDegrees)) continue;
        if (m.maxSlopeDegrees !== undefined && !(sl![i]! < m.maxSlopeDegrees)) continue;
        const old = factorAt(options.factors[m.factor]!, i);
        const aNew = old > 0 ? (mod * m.value) / old : mod === 0 ? 0 : NaN;
        if (aNew === aNew && aNew < bestA) { bestA = aNew; bestK = k; }
      }
      if (bestK >= 0 && bestA < mod) {
        best[i] = bestK + 1;
        reduction[i] = ((mod - bestA) * area) / 1e6;
        if (bestA < T) converts[i] = 1;
      }
    }
  }
  const priority = new Int32Array(n);
  const measureOut = new Uint8Array(n);
  const treated = new Float64Array(groups.length);
  const converted = new Float64Array(groups.length);
  const convertible = new Float64Array(groups.length);
  const need = groups.map((g) => Math.max(0, (target / 100) * g.land - g.slight));
  for (let i = 0; i < n; i++) if (converts[i]) { const g = cellGroup[i]!; convertible[g] = convertible[g]! + areas[Math.floor(i / W)]!; }

  if (!options.watersheds) {
    // cells: per group, converting cells by decreasing soil-loss reduction, ties by index
    const byGroup: number[][] = groups.map(() => []);
    for (let i = 0; i < n; i++) if (converts[i]) byGroup[cellGroup[i]!]!.push(i);
    byGroup.forEach((cells, g) => {
      if (!(need[g]! > 0)) return;
      cells.sort((x, y) => reduction[y]! - reduction[x]! || x - y);
      let rank = 0;
      for (const i of cells) {
        if (converted[g]! >= need[g]! - 1e-9) break;
        const area = areas[Math.floor(i / W)]!;
        priority[i] = ++rank;
        measureOut[i] = best[i]!;
        treated[g] = treated[g]! + area;
        converted[g] = converted[g]! + area;
      }
    });
  } else {
    const ws = options.watersheds.data;
    const wsNd = options.watersheds.nodata ?? NaN;
    // units: (group, watershed id)
    const unitOf = new Map<string, number>();
    const units: { g: number; ws: number; treated: number; converted: number; cells: number[] }[] = [];
    for (let i = 0; i < n; i++) {
      if (!best[i]) continue;
      const w = ws[i]!;
      if (w === wsNd || w !== w) continue;
      const g = cellGroup[i]!;
      const key = `${g}:${w}`;
      let u = unitOf.get(key);
      if (u === undefined) { u = units.length; unitOf.set(key, u); units.push({ g, ws: w, treated: 0, converted: 0, cells: [] }); }
      const area = areas[Math.floor(i / W)]!;
      const unit = units[u]!;
      unit.treated += area;
      if (converts[i]) unit.converted += area;
      unit.cells.push(i);
    }
    const byGroup: number[][] = groups.map(() => []);
    units.forEach((u, k) => { if (u.converted > 0) byGroup[u.g]!.push(k); });
    byGroup.forEach((list, g) => {
      if (!(need[g]! > 0)) return;
      list.sort((x, y) => {
        const ux = units[x]!, uy = units[y]!;
        return uy.converted / uy.treated - ux.converted / ux.treated || uy.converted - ux.converted || ux.ws - uy.ws;
      });
      let rank = 0;
      for (const k of list) {
        if (converted[g]! >= need[g]! - 1e-9) break;
        const u = units[k]!;
        rank++;
        for (const i of u.cells) { priority[i] = rank; measureOut[i] = best[i]!; }
        treated[g] = treated[g]! + u.treated;
        converted[g] = converted[g]! + u.converted;
      }
    });
  }

  const warnings: string[] = [];
  const rows: PlanRow[] = [];
  const km2 = (m2: number): number => m2 / 1e6;
  let tl = 0, ts = 0, tn = 0, tt = 0, tc = 0, tcv = 0;
  const zoneRows: PlanRow[] = groups.map((g, k) => {
    const rateBefore = g.land > 0 ? (g.slight / g.land) * 100 : NaN;
    const rateReached = g.land > 0 ? ((g.slight + converted[k]!) / g.land) * 100 : NaN;
    const reachable = g.land > 0 && converted[k]! >= need[k]! - 1e-9;
    if (!reachable && g.land > 0) {
      warnings.push(`zone ${g.id} (${g.name}): the target ${target} % is unreachable with the given measures — at most ${rateReached.toFixed(2)} % (${km2(need[k]! - converted[k]!).toFixed(4)} km² short)`);
    }
    tl += g.land; ts += g.slight; tn += need[k]!; tt += treated[k]!; tc += converted[k]!; tcv += convertible[k]!;
    return {
      zone: g.id, name: g.name, landAreaKm2: km2(g.land), rateBefore, targetRate: target, needKm2: km2(need[k]!),
      treatedAreaKm2: km2(treated[k]!), convertedAreaKm2: km2(converted[k]!), convertibleAreaKm2: km2(convertible[k]!), rateReached, reachable,
    };
  });
  rows.push({
    zone: 'total', name: 'total', landAreaKm2: km2(tl), rateBefore: tl > 0 ? (ts / tl) * 100 : NaN, targetRate: target, needKm2: km2(tn),
    treatedAreaKm2: km2(tt), convertedAreaKm2: km2(tc), convertibleAreaKm2: km2(tcv), rateReached: tl > 0 ? ((ts + tc) / tl) * 100 : NaN,
    reachable: zoneRows.every((r) => r.reachable),
  });
  const order = zoneRows.map((r, k) => k).sort((x, y) => {
    const a1 = zoneRows[x]!.zone, b1 = zoneRows[y]!.zone;
    return typeof a1 === 'number' && typeof b1 === 'number' ? a1 - b1 : String(a1) < String(b1) ? -1 : String(a1) > String(b1) ? 1 : 0;
  });
  for (const k of order) rows.push(zoneRows[k]!);
  return { priority: new Raster(a.grid, priority, 0), measure: new Raster(a.grid, measureOut, 0), rows, warnings };
}
