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

import type { Grid, Window } from '../../raster/grid.js';
import { Raster, floatValues, type TypedArray } from '../../raster/raster.js';
import { openAligned, type AlignedReader } from '../../io/aligned.js';
import type { BlockSource, GeneratorSource } from '../../model/blocks.js';
import { parseLookupTable, soilTableFromSeims } from '../../factors/tables.js';
import { cFactorFromNdvi, kFactorFromSoilTable, lookupRaster } from '../../factors/appliers.js';
import { idwToGrid } from '../../factors/rainfall/idw.js';
import type { FactorName, FactorSpec } from './config.js';
import { K_FORMULA_IDS, buildFactor, ndviOptions, readText, stationsOf, tableRange, withDefault, withKey } from './factors.js';

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

/**
 * A factor as a block source for a streamed run (see the module header). `readers` collects the files opened, for
 * the caller to close after the pass.
 */
export async function streamFactor(name: FactorName, spec: FactorSpec, grid: Grid, readers: AlignedReader[]): Promise<StreamedFactor> {
  const key = `inputs.${name}`;
  const notes: string[] = [];
  const src = spec.source ? ` (${spec.source})` : '';
  const band = 'band' in spec ? spec.band : undefined;
  const open = async (path: string, k: string): Promise<AlignedReader> => {
    const r = await openAligned(path, grid, k, band);
    readers.push(r);
    if (!r.identical) notes.push(`${k}: ${path} put on the DEM grid by nearest neighbour (${r.info.wholeCells ? 'whole-cell offset' : 'cell-centre lookup, offset not a whole number of cells'}; read window by window)`);
    return r;
  };
  switch (spec.type) {
    case 'constant':
    case 'rain': {
      const b = await buildFactor(name, spec, grid); // a number
      return { source: b.value as number, description: b.description, formulaIds: b.formulaIds, notes: b.notes };
    }
    case 'raster': {
      const r = await open(spec.path, `${key}.path`);
      const source: BlockSource = r.identical && spec.band === undefined ? spec.path : generator([r], (_w, [x]) => x!);
      return { source, description: `raster ${spec.path}${src}`, formulaIds: [], notes };
    }
    case 'table': {
      const text = await readText(spec.table, `${key}.table`);
      const base = withKey(`${key}.table`, () => parseLookupTable(text, { keyColumn: spec.codeColumn, valueColumn: spec.valueColumn }));
      const r = await open(spec.raster, `${key}.raster`);
      const missing = new Set<number>();
      const source = generator([r], (_w, [codes]) => {
        const t = spec.default !== undefined ? withDefault(base, codes!, spec.default, missing) : base;
        return withKey(key, () => lookupRaster(codes!, t, { what: key, range: tableRange(name) })).raster;
      });
      if (spec.default !== undefined) notes.push(`${key}: codes not in ${spec.table} take the default ${spec.default}`);
      return { source, description: `${spec.valueColumn} by ${spec.codeColumn} from ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
    }
    case 'soil-table': {
      const text = await readText(spec.table, `${key}.table`);
      const r = await open(spec.raster, `${key}.raster`);
      if (spec.method === 'column') {
        const t = withKey(`${key}.table`, () => parseLookupTable(text, { keyColumn: spec.codeColumn, valueColumn: spec.valueColumn! }));
        return { source: generator([r], (_w, [c]) => withKey(key, () => lookupRaster(c!, t, { what: key })).raster), description: `K column ${spec.valueColumn} of ${spec.table} on ${spec.raster}${src}`, formulaIds: [], notes };
      }
      const soils = withKey(`${key}.table`, () => soilTableFromSeims(text, { keyColumn: spec.codeColumn }));
      const method = spec.method as 'epic' | 'nomograph' | 'shiraziBoersma';
      return {
        source: generator([r], (_w, [c]) => withKey(key, () => kFactorFromSoilTable(c!, soils, { method })).raster),
        description: `K.${spec.method} per class of ${spec.table} on ${spec.raster}${src}`, formulaIds: [K_FORMULA_IDS[spec.method]!], notes,
      };
    }
    case 'ndvi': {
      const r = await open(spec.raster, `${key}.raster`);
      const { options, formulaIds } = ndviOptions(spec);
      return {
        source: generator([r], (_w, [x]) => withKey(key, () => cFactorFromNdvi(x!, options)).raster),
        description: `${spec.method} from NDVI ${spec.raster}${src}`, formulaIds, notes,
      };
    }
    case 'stations': {
      const stations = await stationsOf(spec, grid, key);
      const opts = { power: spec.power, ...(spec.radiusM !== undefined ? { radiusM: spec.radiusM } : {}), ...(spec.nearest !== undefined ? { nearest: spec.nearest } : {}) };
      return {
        source: generator([], (win) => withKey(key, () => idwToGrid(stations, grid.window(win), opts))),
        description: `IDW (power ${spec.power}) of ${stations.length} stations in ${spec.table}${src}`, formulaIds: [], notes,
      };
    }
  }
}
