/**
 * Builds each factor of a `rusle run` config on the run's grid by calling the library's appliers: constants stay
 * numbers; rasters are read and aligned (`alignTo`); tables go through `parseLookupTable` + `lookupRaster`; soil
 * tables through `soilTableFromSeims` + `kFactorFromSoilTable`; NDVI through `cFactorFromNdvi`; station tables
 * through `idwToGrid`; rain records through `stormErosivity` or `zhangDailyErosivity`. No formula lives here.
 * @module
 */

import { readFile } from 'node:fs/promises';
import { RusleError } from '../../raster/errors.js';
import type { Grid } from '../../raster/grid.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import { readRaster } from '../../io/read.js';
import { parseCsv, parseLookupTable, soilTableFromSeims } from '../../factors/tables.js';
import { cFactorFromNdvi, kFactorFromSoilTable, lookupRaster } from '../../factors/appliers.js';
import { idwToGrid, type Station } from '../../factors/rainfall/idw.js';
import { stormErosivity, type RainRecord } from '../../factors/rainfall/storms.js';
import { zhangDailyErosivity } from '../../factors/rainfall/models.js';
import { lonLatToGrid } from '../../assess/reproject.js';
import { alignTo } from '../../raster/align.js';
import type { FactorName, FactorSpec, StationsSpec } from './config.js';

/** A built factor: a raster on the run's grid or a constant, what it came from, and the formulas used. */
export interface BuiltFactor {
  /** The factor. */
  readonly value: Raster<FloatArray> | number;
  /** One line saying where it came from. */
  readonly description: string;
  /** Registry ids of the formulas used. */
  readonly formulaIds: readonly string[];
  /** Notes for the report (alignment, missing codes, provenance of constants). */
  readonly notes: readonly string[];
  /** Extra tables for the outputs (per-class K, storms). */
  readonly extras?: Readonly<Record<string, unknown>>;
}

async function readAligned(path: string, grid: Grid, key: string, notes: string[]): Promise<Raster> {
  const r = await readRaster(path);
  const { raster, info } = alignTo(r, grid, key);
  if (!info.identical) {
    notes.push(`${key}: ${path} put on the DEM grid by nearest neighbour (${info.wholeCells ? 'whole-cell offset' : 'cell-centre lookup, offset not a whole number of cells'}; ${info.outsideCells} DEM cells outside it are nodata)`);
  }
  return raster;
}

async function readText(path: string, key: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new RusleError('BAD_CONFIG', `${key}: cannot read ${path}: ${(e as Error).message}`, { key, path });
  }
}

/** Adds `key:` to table errors so the user knows which config entry failed. */
function withKey<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RusleError && !e.message.startsWith(key)) throw new RusleError(e.code, `${key}: ${e.message}`, e.details ? { ...e.details } : undefined, { cause: e });
    throw e;
  }
}

function columnIndex(header: string[], name: string, key: string): number {
  const i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new RusleError('BAD_TABLE', `${key}: no column '${name}' in the table; columns are ${header.join(', ')}`);
  return i;
}

function parseTimeMs(s: string, where: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
  if (!Number.isFinite(t)) throw new RusleError('BAD_TABLE', `${where}: '${s}' is not an ISO 8601 time`);
  return t;
}

/** A rain record from rows of (end time of the interval, depth): the step is the smallest time difference. */
function rainRecordFromRows(times: number[], depths: number[], key: string): RainRecord {
  let step = Infinity;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (!(d > 0)) throw new RusleError('BAD_TABLE', `${key}: times must increase (row ${i + 2})`);
    step = Math.min(step, d);
  }
  if (!Number.isFinite(step)) throw new RusleError('BAD_TABLE', `${key}: a rain record needs at least two rows`);
  const n = times.length;
  const startMs = new Float64Array(n), endMs = new Float64Array(n), depthMm = new Float64Array(n);
  for (let i = 0; i < n; i++) { endMs[i] = times[i]!; startMs[i] = times[i]! - step; depthMm[i] = depths[i]!; }
  return { startMs, endMs, depthMm };
}

/** The stations of a `stations` spec, with coordinates in the grid's CRS. */
export async function stationsOf(spec: StationsSpec, grid: Grid, key: string): Promise<Station[]> {
  const text = await readText(spec.table, `${key}.table`);
  const { header, rows } = withKey(`${key}.table`, () => parseCsv(text));
  const xi = columnIndex(header, spec.xColumn, `${key}.table`), yi = columnIndex(header, spec.yColumn, `${key}.table`), vi = columnIndex(header, spec.valueColumn, `${key}.table`);
  const toGrid = spec.coordinates === 'lonlat' ? lonLatToGrid(grid.crs) : (xy: readonly number[]): [number, number] => [xy[0]!, xy[1]!];
  return rows.map((r, i) => {
    const [x, y] = toGrid([Number(r[xi]), Number(r[yi])]);
    const value = Number(r[vi]);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(value)) throw new RusleError('BAD_TABLE', `${key}.table: line ${i + 2} has a non-numeric coordinate or value`);
    return { x, y, value } as Station;
  });
}

/**
 * Builds one factor on `grid`.
 *
 * @param name - factor name (R, K, C, P, B, E, T).
 * @param spec - the normalised config entry.
 * @param grid - the run's grid (the DEM's).
 */
export async function buildFactor(name: FactorName, spec: FactorSpec, grid: Grid): Promise<BuiltFactor> {
  const key = `inputs.${name}`;
  const notes: string[] = [];
  const src = spec.source ? ` (${spec.source})` : '';
  switch (spec.type) {
    case 'constant':
      if (spec.source) notes.push(`${name} = ${spec.value}: ${spec.source}`);
      return { value: spec.value, description: `constant ${spec.value}${src}`, formulaIds: [], notes };
    case 'raster': {
      const r = (await readAligned(spec.path, grid, `${key}.path`, notes)).toFloat();
      return { value: r, description: `raster ${spec.path}${src}`, formulaIds: [], notes };
    }
    case 'table': {
      const text = await readText(spec.table, `${key}.table`);
      const table = withKey(`${key}.table`, () => parseLookupTable(text, { keyColumn: spec.codeColumn, valueColumn: spec.valueColumn }));
      const codes = await readAligned(spec.raster, grid, `${key}.raster`, notes);
      if (spec.default !== undefined) {
        const full = new Map(table);
        const d = codes.data, nd = codes.nodata;
        const added = new Set<number>();
        for (let i = 0; i < d.length; i++) {
          const c = d[i]!;
          if (c === c && c !== nd && !full.has(c)) { full.set(c, spec.default); added.add(c); }
        }
        if (added.size > 0) notes.push(`${key}: codes ${[...added].sort((a, b) => a - b).join(', ')} are not in ${spec.table}; they take the default ${spec.default}`);
        const res = withKey(key, () => lookupRaster(codes, full, { what: key, range: name === 'C' || name === 'B' ? [0, 1] : [0, Infinity] }));
        return { value: res.raster, description: `${spec.valueColumn} by ${spec.codeColumn} from ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
      }
      const res = withKey(key, () => lookupRaster(codes, table, { what: key, range: name === 'C' || name === 'B' ? [0, 1] : [0, Infinity] }));
      return { value: res.raster, description: `${spec.valueColumn} by ${spec.codeColumn} from ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
    }
    case 'ndvi': {
      const ndvi = (await readAligned(spec.path, grid, `${key}.path`, notes)).toFloat();
      const res = withKey(key, () => cFactorFromNdvi(ndvi, spec.method === 'cai2000'
        ? { method: 'cai2000', ndviSoil: spec.ndviSoil, ndviVeg: spec.ndviVeg, onOutOfRange: 'nodata' }
        : { method: 'vanDerKnijff', alpha: spec.alpha, beta: spec.beta, onOutOfRange: 'nodata' }));
      if (res.report.outOfRange.count > 0) notes.push(`${key}: ${res.report.outOfRange.count} cells with NDVI outside [−1, 1] are nodata`);
      return {
        value: res.raster, description: `${spec.method} from NDVI ${spec.path}${src}`,
        formulaIds: spec.method === 'cai2000' ? ['FVC.dimidiate', 'C.cai2000'] : ['C.vanDerKnijff'], notes,
      };
    }
    case 'soil-table': {
      const text = await readText(spec.table, `${key}.table`);
      const classes = await readAligned(spec.raster, grid, `${key}.raster`, notes);
      if (spec.method === 'column') {
        const table = withKey(`${key}.table`, () => parseLookupTable(text, { keyColumn: spec.codeColumn, valueColumn: spec.valueColumn! }));
        const res = withKey(key, () => lookupRaster(classes, table, { what: key }));
        return { value: res.raster, description: `K column ${spec.valueColumn} of ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
      }
      const soils = withKey(`${key}.table`, () => soilTableFromSeims(text, { keyColumn: spec.codeColumn }));
      const res = withKey(key, () => kFactorFromSoilTable(classes, soils, { method: spec.method as 'epic' | 'nomograph' | 'shiraziBoersma' }));
      const perClass = Object.fromEntries([...res.perClass].map(([c, k]) => [String(c), k]));
      notes.push(`K per soil class (${spec.method}): ${[...res.perClass].map(([c, k]) => `${c} → ${k.toFixed(4)}`).join(', ')}`);
      const ids: Record<string, string> = { epic: 'K.epic', nomograph: 'K.nomograph', shiraziBoersma: 'K.shiraziBoersma' };
      return { value: res.raster, description: `K.${spec.method} per class of ${spec.table} on ${spec.raster}${src}`, formulaIds: [ids[spec.method]!], notes, extras: { kPerClass: perClass } };
    }
    case 'stations': {
      const stations = await stationsOf(spec, grid, key);
      const raster = withKey(key, () => idwToGrid(stations, grid, { power: spec.power, ...(spec.radiusM !== undefined ? { radiusM: spec.radiusM } : {}), ...(spec.nearest !== undefined ? { nearest: spec.nearest } : {}) }));
      return { value: raster, description: `IDW (power ${spec.power}) of ${stations.length} stations in ${spec.table}${src}`, formulaIds: [], notes };
    }
    case 'rain': {
      const text = await readText(spec.table, `${key}.table`);
      const { header, rows } = withKey(`${key}.table`, () => parseCsv(text));
      const ti = columnIndex(header, spec.timeColumn, `${key}.table`), ri = columnIndex(header, spec.rainColumn, `${key}.table`);
      const depths = rows.map((r, i) => {
        const v = Number(r[ri]);
        if (!(v >= 0)) throw new RusleError('BAD_TABLE', `${key}.table: line ${i + 2}: rain '${r[ri]}' is not a depth ≥ 0 mm`);
        return v;
      });
      if (spec.method === 'zhangDaily') {
        const res = withKey(key, () => zhangDailyErosivity({ dates: rows.map((r) => r[ti]!), rainMm: depths }));
        notes.push(`R = ${res.annualR.toFixed(1)} MJ·mm·ha⁻¹·h⁻¹·yr⁻¹ from ${rows.length} days of ${spec.table} (Zhang et al. 2002 daily model, α ${res.alpha.toFixed(4)}, β ${res.beta.toFixed(4)})`);
        return { value: res.annualR, description: `R.zhangDaily from ${spec.table}${src}`, formulaIds: ['R.zhangDaily'], notes, extras: { yearly: res.yearly } };
      }
      const times = rows.map((r, i) => parseTimeMs(r[ti]!, `${key}.table line ${i + 2}`));
      const record = rainRecordFromRows(times, depths, `${key}.table`);
      const res = withKey(key, () => stormErosivity(record, { energy: spec.energy }));
      const erosive = res.events.filter((e) => e.erosive).length;
      notes.push(`R = ${res.annualR.toFixed(1)} MJ·mm·ha⁻¹·h⁻¹·yr⁻¹ from ${res.events.length} storms (${erosive} erosive) in ${spec.table}, unit energy ${spec.energy}`);
      return {
        value: res.annualR, description: `storm EI30 (${spec.energy}) from ${spec.table}${src}`,
        formulaIds: [`e.${spec.energy}`], notes, extras: { storms: res.events, yearly: res.yearly },
      };
    }
  }
}
