/**
 * Early warning for human-caused soil loss (人为水土流失): disturbance patches (扰动图斑: construction sites, mines,
 * spoil heaps, as GeoJSON polygons in lon/lat) → the soil loss each patch would have when disturbed against its
 * undisturbed baseline, a risk class per patch and a ranked warning list.
 *
 * **Disturbed soil loss.** On a patch the cover and practice factors become those of the disturbance (bare soil:
 * C = 1, P = 1 by default, as for bare fallow in Wischmeier & Smith 1978, AH537, where C = 1 and P = 1 define the unit
 * plot; or values given per patch type or per feature). With the potential soil loss R·K·LS (in A's units) the
 * disturbed A is `R·K·LS · C_d · P_d`; without it, `A · (C_d / C) · (P_d / P)` from the baseline A and its C and P
 * (cells where C or P is 0 then have no defined disturbed value and are skipped, and counted in the warnings).
 *
 * **Risk class (our rule).** No national standard grades patch risk from a predicted modulus: the Ministry of Water
 * Resources' 《生产建设项目水土保持信息化监管技术规定（试行）》 (2018) defines disturbance patches and their
 * monitoring but no risk scale, and SL 190-2007 grades intensity only. We therefore state our rule, built on SL
 * 190-2007's classes of the patch's area-weighted mean disturbed modulus M_d and on the increase ratio M_d / M_b
 * over the baseline mean M_b:
 * - **high**: M_d is intense or above (≥ 5000 t·km⁻²·yr⁻¹), or moderate (≥ 2500) with a ratio ≥ 5;
 * - **medium**: M_d at or above the tolerable loss T (light or moderate), not high;
 * - **low**: M_d below T.
 * The warning list is ranked by added soil loss (t/yr, (A_d − A_b) · area summed over the patch), then by risk class,
 * then by patch order.
 *
 * Complexity O(n) after rasterisation. Memory O(n) for the patch raster.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned, type Grid } from '../raster/grid.js';
import { Raster } from '../raster/raster.js';
import { classThresholds, intensityClassOf, INTENSITY_CLASS_NAMES, modulusFactor, toleranceValue, type SoilLossUnits, type ToleranceRegion } from './grading.js';
import { rasterizePolygons, type PolygonRings } from './rasterize.js';
import { lonLatToGrid } from './reproject.js';
import { geoJsonFeatures, projectPolygons, type GeoJsonLike } from './zones.js';

/** Risk classes of a disturbance patch. */
export type RiskClass = 'high' | 'medium' | 'low';

/** C and P of a disturbance. */
export interface DisturbanceFactors {
  /** Cover-management factor when disturbed. @defaultValue 1 (bare soil) */
  C?: number;
  /** Support-practice factor when disturbed. @defaultValue 1 */
  P?: number;
}

/** Options of {@link disturbanceRisk}. */
export interface RiskOptions {
  /** Units of A (and of `potential`). Required. */
  units: SoilLossUnits;
  /** Tolerable soil loss T (t·km⁻²·yr⁻¹ or region). Required. */
  tolerance: number | ToleranceRegion;
  /** Potential soil loss R·K·LS on A's grid, in `units` (preferred when given). */
  potential?: Raster;
  /** Baseline C and P (rasters or constants), used when `potential` is not given. */
  factors?: { C?: Raster | number; P?: Raster | number };
  /** Property holding the patch id. @defaultValue the feature id, else its order */
  idField?: string;
  /** Property holding the disturbance type (e.g. `construction`, `mine`, `spoil`). @defaultValue 'type' */
  typeField?: string;
  /** Disturbed C and P by type. */
  byType?: Readonly<Record<string, DisturbanceFactors>>;
  /** Properties holding per-feature C and P (override `byType`). */
  cField?: string;
  /** Property holding the per-feature P. */
  pField?: string;
  /** Take every cell a patch touches. @defaultValue false */
  allTouched?: boolean;
}

/** One patch of the warning list. */
export interface RiskRow {
  /** Rank in the warning list (1 = first). */
  rank: number;
  /** Patch id. */
  patch: string | number;
  /** Disturbance type. */
  type: string;
  /** Area on the grid, km² (valid cells). */
  areaKm2: number;
  /** Disturbed C and P used. */
  C: number;
  /** Disturbed P used. */
  P: number;
  /** Mean baseline modulus, t·km⁻²·yr⁻¹. */
  baselineModulus: number;
  /** Mean disturbed modulus, t·km⁻²·yr⁻¹. */
  disturbedModulus: number;
  /** disturbed / baseline (Infinity when the baseline is 0). */
  increaseRatio: number;
  /** SL 190-2007 class (1–6) of the disturbed mean modulus. */
  disturbedClass: number;
  /** Its name (English / Chinese). */
  disturbedClassName: string;
  /** Added soil loss, t/yr. */
  addedSoilLossT: number;
  /** Risk class (our rule, see the module notes). */
  risk: RiskClass;
}

/** Result of {@link disturbanceRisk}. */
export interface RiskResult {
  /** Ranked warning list. */
  readonly rows: RiskRow[];
  /** Patches not on the grid, skipped cells. */
  readonly warnings: string[];
}

/**
 * The risk class of a patch from its disturbed mean modulus (t·km⁻²·yr⁻¹), increase ratio and T (our rule; see the
 * module notes).
 * @example
 * ```ts
 * riskClassOf(3000, 6, 500); // 'high'
 * ```
 */
export function riskClassOf(disturbedModulus: number, ratio: number, toleranceT: number): RiskClass {
  if (disturbedModulus >= 5000 || (disturbedModulus >= 2500 && ratio >= 5)) return 'high';
  if (disturbedModulus >= toleranceT) return 'medium';
  return 'low';
}

const RISK_ORDER: Record<RiskClass, number> = { high: 0, medium: 1, low: 2 };

/**
 * Predicted soil loss of disturbance patches against their baseline, risk classes and a ranked warning list.
 *
 * @param a - baseline soil loss A (NaN nodata) in `options.units`.
 * @param patches - GeoJSON polygons (lon/lat) with an id and a type property.
 * @param options - units, tolerance, potential R·K·LS or baseline C/P, C/P by type or per feature.
 * @returns ranked rows and warnings.
 * @throws RusleError `BAD_ARGUMENT` when neither `potential` nor `factors` is given; `GRID_MISMATCH`; `BAD_VALUE`
 *   for bad C/P values; `NO_OVERLAP` when no patch is on the grid.
 *
 * @example
 * ```ts
 * const { rows } = disturbanceRisk(a, sites, { units: 't/ha/yr', tolerance: 'red-soil', factors: { C: c, P: 1 },
 *   byType: { spoil: { C: 1, P: 1 }, construction: { C: 0.8, P: 1 } } });
 * rows[0].risk; // 'high' | 'medium' | 'low'
 * ```
 */
export function disturbanceRisk(a: Raster, patches: GeoJsonLike, options: RiskOptions): RiskResult {
  if (!(a instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'disturbanceRisk: a must be a Raster of soil loss');
  const f = modulusFactor(options?.units, 'disturbanceRisk: options.units');
  const T = classThresholds(toleranceValue(options.tolerance, 'disturbanceRisk: options.tolerance'))[0]!;
  const th = classThresholds(T);
  if (!options.potential && !options.factors) throw new RusleError('BAD_ARGUMENT', 'disturbanceRisk: give options.potential (R·K·LS) or options.factors (baseline C and P)');
  if (options.potential) assertAligned(a, options.potential, ['a', 'options.potential']);
  const cB = options.factors?.C ?? 1;
  const pB = options.factors?.P ?? 1;
  if (cB instanceof Raster) assertAligned(a, cB, ['a', 'options.factors.C']);
  if (pB instanceof Raster) assertAligned(a, pB, ['a', 'options.factors.P']);
  const grid: Grid = a.grid;
  const feats = geoJsonFeatures(patches);
  const toGrid = lonLatToGrid(grid.crs);
  const typeField = options.typeField ?? 'type';
  const meta = feats.map((ft, i) => {
    const props = ft.properties ?? {};
    const idRaw = options.idField !== undefined ? props[options.idField] : ft.id ?? i + 1;
    const id = typeof idRaw === 'number' || typeof idRaw === 'string' ? idRaw : i + 1;
    const type = String(props[typeField] ?? 'unknown');
    const byType = options.byType?.[type] ?? {};
    const num = (field: string | undefined, fallback: number | undefined, what: string): number => {
      const v = field !== undefined && props[field] !== undefined ? Number(props[field]) : fallback ?? 1;
      if (!(v >= 0) || !Number.isFinite(v)) throw new RusleError('BAD_VALUE', `disturbanceRisk: patch ${id}: disturbed ${what} must be a finite number ≥ 0, got ${String(v)}`);
      return v;
    };
    return { id, type, C: num(options.cField, byType.C, 'C'), P: num(options.pField, byType.P, 'P') };
  });
  const polys: PolygonRings[][] = feats.map((ft) => {
    const g = ft.geometry;
    if (!g) return [];
    if (g.type === 'Polygon') return projectPolygons([g.coordinates as PolygonRings], toGrid);
    if (g.type === 'MultiPolygon') return projectPolygons(g.coordinates as PolygonRings[], toGrid);
    throw new RusleError('BAD_VALUE', `disturbanceRisk: patches must be Polygon or MultiPolygon, got ${g.type}`);
  });
  const burnt = rasterizePolygons(grid, polys, meta.map((_, i) => i + 1), { allTouched: options.allTouched === true });
  const k = meta.length;
  const area = new Float64Array(k), base = new Float64Array(k), dist = new Float64Array(k);
  let skipped = 0;
  const W = a.width;
  const areas = grid.rowCellAreasM2();
  const nd = a.nodata === null ? NaN : a.nodata;
  for (let i = 0; i < burnt.data.length; i++) {
    const p = burnt.data[i]! - 1;
    if (p < 0) continue;
    const v = a.data[i]!;
    if (v !== v || v === nd || !(v >= 0)) continue;
    const m = meta[p]!;
    let aD: number;
    if (options.potential) {
      const pot = options.potential.data[i]!;
      if (!(pot >= 0)) { skipped++; continue; }
      aD = pot * m.C * m.P;
    } else {
      const c = typeof cB === 'number' ? cB : cB.data[i]!;
      const pp = typeof pB === 'number' ? pB : pB.data[i]!;
      if (!(c > 0) || !(pp > 0)) { skipped++; continue; }
      aD = v * (m.C / c) * (m.P / pp);
    }
    const ar = areas[Math.floor(i / W)]!;
    area[p] = area[p]! + ar;
    base[p] = base[p]! + v * f * ar;
    dist[p] = dist[p]! + aD * f * ar;
  }
  const warnings: string[] = [];
  const rows: RiskRow[] = [];
  meta.forEach((m, p) => {
    if (burnt.cellsPerFeature[p] === 0) { warnings.push(`patch ${m.id} (${m.type}) does not overlap the grid`); return; }
    if (area[p] === 0) { warnings.push(`patch ${m.id} (${m.type}) has no valid cell`); return; }
    const mb = base[p]! / area[p]!;
    const md = dist[p]! / area[p]!;
    const ratio = mb > 0 ? md / mb : md > 0 ? Infinity : 1;
    const cls = intensityClassOf(md, th);
    rows.push({
      rank: 0, patch: m.id, type: m.type, areaKm2: area[p]! / 1e6, C: m.C, P: m.P,
      baselineModulus: mb, disturbedModulus: md, increaseRatio: ratio, disturbedClass: cls,
      disturbedClassName: `${INTENSITY_CLASS_NAMES[cls]!.en} ${INTENSITY_CLASS_NAMES[cls]!.zh}`,
      addedSoilLossT: (dist[p]! - base[p]!) / 1e6, risk: riskClassOf(md, ratio, T),
    });
  });
  if (burnt.conflicts > 0) warnings.push(`${burnt.conflicts} cells lie in more than one patch; each was given to the first patch`);
  if (skipped > 0) warnings.push(`${skipped} patch cells have no defined disturbed soil loss (baseline C or P is 0, or no potential) and were skipped`);
  if (feats.length > 0 && rows.length === 0 && warnings.every((w) => w.includes('does not overlap'))) {
    throw new RusleError('NO_OVERLAP', `disturbanceRisk: none of the ${feats.length} patches overlaps the grid`);
  }
  const order = rows.map((_, i) => i).sort((x, y) => rows[y]!.addedSoilLossT - rows[x]!.addedSoilLossT || RISK_ORDER[rows[x]!.risk] - RISK_ORDER[rows[y]!.risk] || x - y);
  const ranked = order.map((i, r) => ({ ...rows[i]!, rank: r + 1 }));
  return { rows: ranked, warnings };
}

/**
 * The warning list as CSV (UTF-8 with BOM).
 *
 * @example
 * ```ts
 * writeFileSync('warnings.csv', riskTableToCsv(result));
 * ```
 */
export function riskTableToCsv(result: Pick<RiskResult, 'rows'>): string {
  const head = ['rank', 'patch', 'type', 'risk', 'areaKm2', 'C', 'P', 'baselineModulus', 'disturbedModulus', 'increaseRatio', 'disturbedClass', 'disturbedClassName', 'addedSoilLossT'];
  const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const num = (v: number): string => (Number.isNaN(v) ? '' : v === Infinity ? 'inf' : String(+v.toFixed(6)));
  const lines = [head.join(',')];
  for (const r of result.rows) {
    lines.push([String(r.rank), String(r.patch), r.type, r.risk, num(r.areaKm2), num(r.C), num(r.P), num(r.baselineModulus), num(r.disturbedModulus),
      num(r.increaseRatio), String(r.disturbedClass), r.disturbedClassName, num(r.addedSoilLossT)].map(cell).join(','));
  }
  return '\ufeff' + lines.join('\n') + '\n';
}
