/**
 * Streamed factor sources for `rusle run` on grids too large to hold every factor in memory (province scale).
 *
 * Each factor of the config becomes a block source of the engine (`soilLoss` reads it band by band): a constant
 * stays a number; a GeoTIFF on the run's grid is passed by path; anything else becomes a generator that, for each
 * band, reads the matching window of its input file (re-indexed onto the run's grid as `alignTo` does: a whole-cell
 * offset, or the cell containing each centre; nodata outside) and applies the same library call as the in-memory
 * path to that window — `lookupRaster` for tables, `kFactorFromSoilTable` for soil tables, `cFactorFromNdvi` for NDVI,
 * `idwToGrid` on the window's grid for stations. Results are cell-for-cell identical to the in-memory path.
 * @module
 */

import { readFile } from 'node:fs/promises';
import { RusleError } from '../../raster/errors.js';
import type { Grid, Window } from '../../raster/grid.js';
import { Raster, floatValues, type TypedArray } from '../../raster/raster.js';
import { openAligned, type AlignedReader } from '../../io/aligned.js';
import type { BlockSource, GeneratorSource } from '../../model/blocks.js';
import { parseLookupTable, soilTableFromSeims } from '../../factors/tables.js';
import { cFactorFromNdvi, kFactorFromSoilTable, lookupRaster } from '../../factors/appliers.js';
import { idwToGrid } from '../../factors/rainfall/idw.js';
import type { FactorName, FactorSpec } from './config.js';
import { buildFactor, stationsOf } from './factors.js';

/** A streamed factor: a block source plus what it came from. */
export interface StreamedFactor {
  /** The source handed to the engine. */
  readonly source: BlockSource;
  /** One line saying where it came from. */
  readonly description: string;
  /** Registry ids of the formulas used. */
  readonly formulaIds: readonly string[];
  /** Notes for the report. */
  readonly notes: readonly string[];
}

function generator(readers: AlignedReader[], fn: (win: Window, rasters: Raster[]) => Raster): GeneratorSource {
  return {
    type: 'Float32',
    async generate(win: Window, out: TypedArray): Promise<void> {
      const rasters = await Promise.all(readers.map((r) => r.read(win)));
      const res = fn(win, rasters);
      floatValues(res.data, res.nodata, out as Float32Array);
    },
  };
}

async function readText(path: string, key: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new RusleError('BAD_CONFIG', `${key}: cannot read ${path}: ${(e as Error).message}`, { key, path });
  }
}

function keyed<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RusleError && !e.message.startsWith(key)) throw new RusleError(e.code, `${key}: ${e.message}`, e.details ? { ...e.details } : undefined, { cause: e });
    throw e;
  }
}

/**
 * A factor as a block source for a streamed run (see the module header). `readers` collects the files opened, for
 * the caller to close after the pass.
 */
export async function streamFactor(name: FactorName, spec: FactorSpec, grid: Grid, readers: AlignedReader[]): Promise<StreamedFactor> {
  const key = `inputs.${name}`;
  const notes: string[] = [];
  const src = spec.source ? ` (${spec.source})` : '';
  const open = async (path: string, k: string): Promise<AlignedReader> => {
    const r = await openAligned(path, grid, k);
    readers.push(r);
    if (!r.identical) notes.push(`${k}: ${path} put on the DEM grid by nearest neighbour (${r.info.wholeCells ? 'whole-cell offset' : 'cell-centre lookup, offset not a whole number of cells'}; read window by window)`);
    return r;
  };
  const range: [number, number] = name === 'C' || name === 'B' ? [0, 1] : [0, Infinity];
  switch (spec.type) {
    case 'constant':
    case 'rain': {
      const b = await buildFactor(name, spec, grid); // a number
      return { source: b.value as number, description: b.description, formulaIds: b.formulaIds, notes: b.notes };
    }
    case 'raster': {
      const r = await open(spec.path, `${key}.path`);
      const source: BlockSource = r.identical ? spec.path : generator([r], (_w, [x]) => x!);
      return { source, description: `raster ${spec.path}${src}`, formulaIds: [], notes };
    }
    case 'table': {
      const text = await readText(spec.table, `${key}.table`);
      const base = keyed(`${key}.table`, () => parseLookupTable(text, { keyColumn: spec.codeColumn, valueColumn: spec.valueColumn }));
      const r = await open(spec.raster, `${key}.raster`);
      const missing = new Set<number>();
      const source = generator([r], (_w, [codes]) => {
        let t: ReadonlyMap<number, number> = base;
        if (spec.default !== undefined) {
          const full = new Map(base);
          const d = codes!.data, nd = codes!.nodata;
          for (let i = 0; i < d.length; i++) { const c = d[i]!; if (c === c && c !== nd && !full.has(c)) { full.set(c, spec.default); missing.add(c); } }
          t = full;
        }
        return keyed(key, () => lookupRaster(codes!, t, { what: key, range })).raster;
      });
      if (spec.default !== undefined) notes.push(`${key}: codes not in ${spec.table} take the default ${spec.default}`);
      return { source, description: `${spec.valueColumn} by ${spec.codeColumn} from ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
    }
    case 'soil-table': {
      const text = await readText(spec.table, `${key}.table`);
      const r = await open(spec.raster, `${key}.raster`);
      if (spec.method === 'column') {
        const t = keyed(`${key}.table`, () => parseLookupTable(text, { keyColumn: spec.codeColumn, valueColumn: spec.valueColumn! }));
        return { source: generator([r], (_w, [c]) => keyed(key, () => lookupRaster(c!, t, { what: key })).raster), description: `K column ${spec.valueColumn} of ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
      }
      const soils = keyed(`${key}.table`, () => soilTableFromSeims(text, { keyColumn: spec.codeColumn }));
      const method = spec.method as 'epic' | 'nomograph' | 'shiraziBoersma';
      const ids: Record<string, string> = { epic: 'K.epic', nomograph: 'K.nomograph', shiraziBoersma: 'K.shiraziBoersma' };
      return {
        source: generator([r], (_w, [c]) => keyed(key, () => kFactorFromSoilTable(c!, soils, { method })).raster),
        description: `K.${spec.method} per class of ${spec.table} on ${spec.raster}${src}`, formulaIds: [ids[spec.method]!], notes,
      };
    }
    case 'ndvi': {
      const r = await open(spec.path, `${key}.path`);
      const opts = spec.method === 'cai2000'
        ? { method: 'cai2000' as const, ndviSoil: spec.ndviSoil, ndviVeg: spec.ndviVeg, onOutOfRange: 'nodata' as const }
        : { method: 'vanDerKnijff' as const, alpha: spec.alpha, beta: spec.beta, onOutOfRange: 'nodata' as const };
      return {
        source: generator([r], (_w, [x]) => keyed(key, () => cFactorFromNdvi(x!, opts)).raster),
        description: `${spec.method} from NDVI ${spec.path}${src}`, formulaIds: spec.method === 'cai2000' ? ['FVC.dimidiate', 'C.cai2000'] : ['C.vanDerKnijff'], notes,
      };
    }
    case 'stations': {
      const stations = await stationsOf(spec, grid, key);
      const opts = { power: spec.power, ...(spec.radiusM !== undefined ? { radiusM: spec.radiusM } : {}), ...(spec.nearest !== undefined ? { nearest: spec.nearest } : {}) };
      return {
        source: generator([], (win) => keyed(key, () => idwToGrid(stations, grid.window(win), opts))),
        description: `IDW (power ${spec.power}) of ${stations.length} stations in ${spec.table}${src}`, formulaIds: [], notes,
      };
    }
  }
}
