/**
 * The per-watershed table of the small-watershed programme: for each unit of a label raster (from `watershedUnits`
 * or `watershedsFromOutlets`), area, soil loss, sediment export at the outlet, mean SDR, area per SL 190-2007
 * intensity class, conservation rate, the downstream unit, loads routed through nested units, and a treatment
 * priority rank.
 *
 * **Priority (our rule, not a standard).** By default (`rankBy: 'loss-share'`) a unit's score is its soil-loss area
 * share weighted by intensity class: Σ_c w_c · area_c / land area over the classes light … severe, with weights
 * light 1, moderate 2, intense 3, very intense 4, severe 5 (`PRIORITY_CLASS_WEIGHTS`), so that a unit whose whole
 * area were severe would score 5. Other keys: `export` (sediment export at the unit's outlet, t/yr), `export-modulus`
 * (t·km⁻²·yr⁻¹), `rate-gap` (target rate − conservation rate, percentage points; needs `targetRate`). Rank 1 is the
 * highest score; ties go to the smaller id; units without land, and units flagged `small` (unless `rankSmallUnits`),
 * get no rank (rank 0) but keep their score.
 *
 * **Routing.** `routedExportT` = the unit's own export plus the routed export of every unit draining into it, so the
 * value at a basin's last unit is the basin's export, and summing `exportT` over all units equals summing
 * `routedExportT` over the units that drain off the grid (`downstreamId` 0): nothing counted twice.
 *
 * Nodata: cells with label 0 or nodata, or NaN soil loss, are not land (the land area counts cells with a soil loss
 * value); NaN export cells (stream cells in InVEST's SDR, cells not draining to a stream) add 0 export. Areas are true
 * areas (per row on geographic grids).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import { Raster } from '../raster/raster.js';
import { classThresholds, intensityClassOf, INTENSITY_CLASS_NAMES, modulusFactor, toleranceValue, type SoilLossUnits, type ToleranceRegion } from './grading.js';
import type { CsvHeaders } from './rate.js';

/** Weights of the classes slight … severe in the default priority score (ours). */
export const PRIORITY_CLASS_WEIGHTS: readonly number[] = Object.freeze([0, 1, 2, 3, 4, 5]);

/** Ranking keys of {@link watershedTable}. */
export type WatershedRankKey = 'loss-share' | 'export' | 'export-modulus' | 'rate-gap';

/** Unit attributes known from delineation, joined into the rows. */
export interface WatershedUnitInfo {
  readonly id: number;
  readonly downstreamId: number;
  readonly outletX?: number;
  readonly outletY?: number;
  readonly small?: boolean;
  readonly edge?: boolean;
}

/** Options of {@link watershedTable}. */
export interface WatershedTableOptions {
  /** Soil loss A per cell. */
  readonly soilLoss: Raster;
  /** Units of A (never assumed). */
  readonly units: SoilLossUnits;
  /** Tolerable loss, t·km⁻²·yr⁻¹, or a region preset. */
  readonly tolerance: number | ToleranceRegion;
  /** Sediment export per cell in the units of A (from `sedimentDelivery`). @defaultValue none */
  readonly sedimentExport?: Raster;
  /** SDR per cell (mean over the land cells with a value). @defaultValue none */
  readonly sdr?: Raster;
  /** Units from delineation (downstream ids, outlets, flags); without them, downstream ids are 0. @defaultValue none */
  readonly unitInfo?: readonly WatershedUnitInfo[];
  /** Ranking key. @defaultValue 'loss-share' */
  readonly rankBy?: WatershedRankKey;
  /** Target conservation rate, percent (for `rate-gap`). @defaultValue none */
  readonly targetRate?: number;
  /** Rank the units flagged `small` too (fragments at the grid edge are usually not worth a rank). @defaultValue false */
  readonly rankSmallUnits?: boolean;
}

/** Defaults of {@link watershedTable}. */
export const WATERSHED_TABLE_DEFAULTS = Object.freeze({ rankBy: 'loss-share' as WatershedRankKey });

/** One row of the table. */
export interface WatershedRow {
  id: number;
  downstreamId: number;
  /** Land area (cells with a soil-loss value), km². */
  landAreaKm2: number;
  /** Area per class slight … severe, km². */
  classAreasKm2: [number, number, number, number, number, number];
  /** Soil-loss area (light and above), km². */
  lossAreaKm2: number;
  /** Conservation rate, percent. */
  rate: number;
  /** Total soil loss, t/yr. */
  soilLossT: number;
  /** Mean modulus, t·km⁻²·yr⁻¹. */
  meanModulus: number;
  /** Sediment export leaving the unit's cells towards the streams, t/yr (NaN without export). */
  exportT: number;
  /** exportT per land area, t·km⁻²·yr⁻¹. */
  exportModulus: number;
  /** exportT plus the routed export of the units upstream, t/yr. */
  routedExportT: number;
  /** Mean SDR of the land cells with a value (NaN without SDR). */
  meanSdr: number;
  /** Priority score under `rankBy`. */
  score: number;
  /** Priority rank (1 = treat first); 0 when unranked. */
  rank: number;
  outletX: number;
  outletY: number;
  small: boolean;
  edge: boolean;
}

/** The table: rows by id, the ranking key and the weights used. */
export interface WatershedTable {
  readonly rows: WatershedRow[];
  readonly rankBy: WatershedRankKey;
  /** Class weights of the `loss-share` score. */
  readonly classWeights: readonly number[];
  readonly warnings: string[];
}

/**
 * Per-watershed soil loss, sediment export, SDR, intensity classes, conservation rate and treatment priority.
 *
 * @param labels - unit ids per cell (0 or nodata outside).
 * @param options - see {@link WatershedTableOptions}.
 * @returns rows ordered by id (see {@link WatershedRow}).
 * @throws RusleError `GRID_MISMATCH` for rasters on other grids; `BAD_UNITS` for missing units; `BAD_VALUE` for a
 *   bad tolerance, ranking key, or `rate-gap` without `targetRate`.
 * @example
 * ```ts
 * const t = watershedTable(units.labels, { soilLoss: A, units: 't/ha/yr', tolerance: 'red-soil', sedimentExport: s.export, sdr: s.sdr, unitInfo: units.units });
 * ```
 */
export function watershedTable(labels: Raster, options: WatershedTableOptions): WatershedTable {
  if (!(labels instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'labels: expected a Raster of unit ids');
  const A = options.soilLoss;
  if (!(A instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'soilLoss: expected a Raster');
  assertAligned(labels, A, ['labels', 'soilLoss']);
  if (options.sedimentExport) assertAligned(labels, options.sedimentExport, ['labels', 'sedimentExport']);
  if (options.sdr) assertAligned(labels, options.sdr, ['labels', 'sdr']);
  const factor = modulusFactor(options.units, 'units');
  const tol = toleranceValue(options.tolerance, 'tolerance');
  const th = classThresholds(tol);
  const rankBy = options.rankBy ?? WATERSHED_TABLE_DEFAULTS.rankBy;
  if (!['loss-share', 'export', 'export-modulus', 'rate-gap'].includes(rankBy)) throw new RusleError('BAD_VALUE', `rankBy: expected loss-share, export, export-modulus or rate-gap, got '${String(rankBy)}'`);
  if (rankBy === 'rate-gap' && !(typeof options.targetRate === 'number' && options.targetRate >= 0 && options.targetRate <= 100)) {
    throw new RusleError('BAD_VALUE', `targetRate: rankBy 'rate-gap' needs a target conservation rate in percent (0–100), got ${String(options.targetRate)}`);
  }
  if ((rankBy === 'export' || rankBy === 'export-modulus') && !options.sedimentExport) throw new RusleError('BAD_VALUE', `rankBy '${rankBy}' needs sedimentExport`);
  const grid = labels.grid;
  const w = grid.width;
  const h = grid.height;
  const areas = grid.rowCellAreasM2();
  const ld = labels.data;
  const lnd = labels.nodata;
  const ad = A.data;
  const and = A.nodata;
  const ed = options.sedimentExport?.data ?? null;
  const end = options.sedimentExport?.nodata ?? null;
  const sd = options.sdr?.data ?? null;
  const snd = options.sdr?.nodata ?? null;
  const rows = new Map<number, WatershedRow & { sdrSum: number; sdrN: number }>();
  const row = (id: number): WatershedRow & { sdrSum: number; sdrN: number } => {
    let r = rows.get(id);
    if (!r) {
      r = { id, downstreamId: 0, landAreaKm2: 0, classAreasKm2: [0, 0, 0, 0, 0, 0], lossAreaKm2: 0, rate: NaN, soilLossT: 0, meanModulus: NaN, exportT: ed ? 0 : NaN, exportModulus: NaN, routedExportT: NaN, meanSdr: NaN, score: NaN, rank: 0, outletX: NaN, outletY: NaN, small: false, edge: false, sdrSum: 0, sdrN: 0 };
      rows.set(id, r);
    }
    return r;
  };
  for (let r = 0; r < h; r++) {
    const km2 = areas[r]! / 1e6;
    for (let i = r * w, e = i + w; i < e; i++) {
      const id = ld[i]!;
      if (id === 0 || id !== id || (lnd !== null && id === lnd)) continue;
      const a = ad[i]!;
      if (a !== a || (and !== null && a === and)) continue;
      const u = row(id);
      const mod = a * factor;
      u.landAreaKm2 += km2;
      u.soilLossT += mod * km2;
      const cls = intensityClassOf(mod, th);
      if (cls > 0) u.classAreasKm2[cls - 1] += km2;
      if (ed) {
        const ev = ed[i]!;
        if (ev === ev && !(end !== null && ev === end)) u.exportT += ev * factor * km2;
      }
      if (sd) {
        const sv = sd[i]!;
        if (sv === sv && !(snd !== null && sv === snd)) { u.sdrSum += sv; u.sdrN++; }
      }
    }
  }
  const warnings: string[] = [];
  for (const info of options.unitInfo ?? []) {
    const u = row(info.id);
    u.downstreamId = info.downstreamId;
    u.outletX = info.outletX ?? NaN;
    u.outletY = info.outletY ?? NaN;
    u.small = info.small ?? false;
    u.edge = info.edge ?? false;
  }
  const small = (options.unitInfo ?? []).filter((u) => u.small);
  if (small.length > 0) {
    const edge = small.filter((u) => u.edge).length;
    const ids = small.slice(0, 20).map((u) => u.id).join(', ') + (small.length > 20 ? ', …' : '');
    warnings.push(`${small.length} units are below the minimum unit area (${edge} of them drain off the grid or into nodata and may be cut off by it): ${ids}`);
  }
  const list = [...rows.values()].sort((a, b) => a.id - b.id);
  for (const u of list) {
    if (u.landAreaKm2 > 0) {
      u.lossAreaKm2 = u.classAreasKm2[1] + u.classAreasKm2[2] + u.classAreasKm2[3] + u.classAreasKm2[4] + u.classAreasKm2[5];
      u.rate = (100 * (u.landAreaKm2 - u.lossAreaKm2)) / u.landAreaKm2;
      u.meanModulus = u.soilLossT / u.landAreaKm2;
      if (ed) u.exportModulus = u.exportT / u.landAreaKm2;
    }
    if (u.sdrN > 0) u.meanSdr = u.sdrSum / u.sdrN;
  }
  // routed export: upstream first (a unit's downstream id is processed after every unit above it)
  if (ed) {
    const byId = new Map(list.map((u) => [u.id, u]));
    const indeg = new Map<number, number>();
    for (const u of list) if (u.downstreamId && byId.has(u.downstreamId)) indeg.set(u.downstreamId, (indeg.get(u.downstreamId) ?? 0) + 1);
    for (const u of list) u.routedExportT = u.exportT;
    const queue = list.filter((u) => !indeg.get(u.id));
    for (let k = 0; k < queue.length; k++) {
      const u = queue[k]!;
      const d = byId.get(u.downstreamId);
      if (!d || d === u) continue;
      d.routedExportT += u.routedExportT;
      const left = (indeg.get(d.id) ?? 0) - 1;
      indeg.set(d.id, left);
      if (left === 0) queue.push(d);
    }
    if (queue.length !== list.length) throw new RusleError('BAD_VALUE', 'unitInfo: the downstream ids form a cycle');
  }
  for (const u of list) {
    if (!(u.landAreaKm2 > 0)) continue;
    switch (rankBy) {
      case 'loss-share': {
        let s = 0;
        for (let c = 1; c < 6; c++) s += PRIORITY_CLASS_WEIGHTS[c]! * u.classAreasKm2[c]!;
        u.score = s / u.landAreaKm2;
        break;
      }
      case 'export': u.score = u.exportT; break;
      case 'export-modulus': u.score = u.exportModulus; break;
      case 'rate-gap': u.score = options.targetRate! - u.rate; break;
    }
  }
  const ranked = list.filter((u) => u.score === u.score && (options.rankSmallUnits === true || !u.small)).sort((a, b) => b.score - a.score || a.id - b.id);
  ranked.forEach((u, k) => { u.rank = k + 1; });
  const out: WatershedRow[] = list.map(({ sdrSum: _s, sdrN: _n, ...r }) => r);
  return { rows: out, rankBy, classWeights: PRIORITY_CLASS_WEIGHTS, warnings };
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The table as CSV (UTF-8 with a byte-order mark, headers in Chinese, English or both as the rate table):
 * id, downstream id, rank, score, land area, soil-loss area, class areas light → severe, slight, conservation rate,
 * soil loss, mean modulus, export, export modulus, routed export, mean SDR, outlet x/y (or longitude/latitude when
 * the caller filled them so), small, edge.
 */
export function watershedTableToCsv(table: WatershedTable, options: { headers?: CsvHeaders } = {}): string {
  const lang = options.headers ?? 'both';
  const cols: [string, string][] = [
    ['编号', 'Id'], ['下游编号', 'Downstream id'], ['治理优先序', 'Priority rank'], [`优先指数(${table.rankBy})`, `Priority score (${table.rankBy})`],
    ['土地面积(km²)', 'Land area (km2)'], ['水土流失面积(km²)', 'Soil loss area (km2)'],
    ...[2, 3, 4, 5, 6].map((k): [string, string] => [`${INTENSITY_CLASS_NAMES[k]!.zh}(km²)`, `${cap(INTENSITY_CLASS_NAMES[k]!.en)} (km2)`]),
    [`${INTENSITY_CLASS_NAMES[1]!.zh}(km²)`, 'Slight (km2)'],
    ['水土保持率(%)', 'Conservation rate (%)'], ['土壤流失量(t/a)', 'Soil loss (t/yr)'], ['平均侵蚀模数(t/(km²·a))', 'Mean modulus (t/km2/yr)'],
    ['出口输沙量(t/a)', 'Sediment export (t/yr)'], ['输沙模数(t/(km²·a))', 'Export modulus (t/km2/yr)'], ['含上游输沙量(t/a)', 'Routed export (t/yr)'],
    ['平均泥沙输移比', 'Mean SDR'], ['出口X', 'Outlet x'], ['出口Y', 'Outlet y'], ['面积不足', 'Small'], ['边缘', 'Edge'],
  ];
  const header = cols.map(([zh, en]) => (lang === 'zh' ? zh : lang === 'en' ? en : `${zh} ${en}`));
  const fx = (v: number, n: number): string => (Number.isFinite(v) ? v.toFixed(n) : '');
  const lines = [header.map(csvCell).join(',')];
  for (const r of table.rows) {
    const c = r.classAreasKm2;
    lines.push([
      String(r.id), String(r.downstreamId), r.rank ? String(r.rank) : '', fx(r.score, 4), fx(r.landAreaKm2, 2), fx(r.lossAreaKm2, 2),
      fx(c[1], 2), fx(c[2], 2), fx(c[3], 2), fx(c[4], 2), fx(c[5], 2), fx(c[0], 2),
      fx(r.rate, 2), fx(r.soilLossT, 0), fx(r.meanModulus, 1), fx(r.exportT, 1), fx(r.exportModulus, 1), fx(r.routedExportT, 1),
      fx(r.meanSdr, 4), fx(r.outletX, 6), fx(r.outletY, 6), r.small ? '1' : '0', r.edge ? '1' : '0',
    ].map(csvCell).join(','));
  }
  return '\ufeff' + lines.join('\n') + '\n';
}

/** The table as JSON: `{ rankBy, classWeights, rows, warnings }` (NaN written as null). */
export function watershedTableToJson(table: WatershedTable): string {
  return JSON.stringify(table, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
