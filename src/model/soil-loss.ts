/**
 * Soil loss by water erosion: RUSLE `A = R · K · LS · C · P` (Renard et al. 1997, *Predicting soil erosion by
 * water: a guide to conservation planning with the Revised Universal Soil Loss Equation (RUSLE)*, USDA Agriculture
 * Handbook 703, eq. 2-1) and CSLE `A = R · K · L · S · B · E · T` (Liu Baoyuan, Zhang Keli & Xie Yun 2002, "An
 * empirical soil loss equation", Proc. 12th ISCO, Beijing, vol. II, 21–25), over rasters or constants, with the
 * statistics of A in the same pass.
 *
 * Units: R in MJ·mm·ha⁻¹·h⁻¹·yr⁻¹, K in t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹, the other factors dimensionless, so A is in
 * t·ha⁻¹·yr⁻¹; `units: 't/km2/yr'` multiplies by 100 (the unit of SL 190-2007).
 *
 * Nodata: a cell where any factor is nodata is nodata (NaN) in A. Bad values: a negative or infinite factor value
 * is never multiplied silently; by default the pass throws `BAD_VALUE` with the count per factor and the first
 * location (column, row, factor, value); with `onBadValue: 'nodata'` such cells become nodata and are reported in
 * `stats.badValues`. Constant factors must be finite and ≥ 0 (`BAD_VALUE` otherwise).
 *
 * Inputs in memory are combined in place of a streaming pass over views of their memory; inputs given as GeoTIFF
 * paths or open sources are streamed in bands within `memoryBudget` (see `runBlocks`), and with `output` the result
 * is written to a tiled Deflate GeoTIFF instead of being returned. Either way the values and statistics are
 * bit-identical for any `workers` and `blockRows`.
 *
 * Complexity: O(cells) time, one read per raster factor and one write per cell; O(band) extra memory when streamed.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Grid } from '../raster/grid.js';
import { Raster, type FloatArray, type TypedArray } from '../raster/raster.js';
import { runBlocks, type Block, type BlockOutput, type BlockProgress, type BlockSource, type BlockWriteOptions, type GeneratorSource } from './blocks.js';
import { badValueError, CombineAccumulator, planCombine, type SoilLossStats } from './combine.js';
import { sharedArray } from './pool.js';

/** A factor: an in-memory raster, a constant, a GeoTIFF path, an open `RasterSource`, or a generator. */
export type FactorValue = BlockSource;

/** The RUSLE factors. */
export interface RusleFactors {
  /** Rainfall erosivity, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. */
  R: FactorValue;
  /** Soil erodibility, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹. */
  K: FactorValue;
  /** Slope length and steepness, dimensionless. */
  LS: FactorValue;
  /** Cover management, dimensionless. */
  C: FactorValue;
  /** Support practice, dimensionless. */
  P: FactorValue;
}

/** The CSLE factors (Liu et al. 2002). */
export interface CsleFactors {
  /** Rainfall erosivity, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. */
  R: FactorValue;
  /** Soil erodibility, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹. */
  K: FactorValue;
  /** Slope length factor, dimensionless. */
  L: FactorValue;
  /** Slope steepness factor, dimensionless. */
  S: FactorValue;
  /** Biological-measure factor, dimensionless. */
  B: FactorValue;
  /** Engineering-measure factor, dimensionless. */
  E: FactorValue;
  /** Tillage-measure factor, dimensionless. */
  T: FactorValue;
}

/** Options of {@link soilLoss} and {@link csleSoilLoss}. */
export interface SoilLossOptions {
  /** Units of A. @defaultValue 't/ha/yr' */
  units?: 't/ha/yr' | 't/km2/yr';
  /** What a negative or infinite factor value does: throw `BAD_VALUE`, or make the cell nodata and report it. @defaultValue 'error' */
  onBadValue?: 'error' | 'nodata';
  /** Sample type of A. @defaultValue 'Float32' */
  outputType?: 'Float32' | 'Float64';
  /**
   * Kernel: `'auto'` uses the WebAssembly SIMD kernel when every raster factor and the output are Float32 (and the
   * runtime supports it), the JavaScript kernel otherwise; `'js'` forces the JavaScript kernel. Both give
   * bit-identical values and statistics. @defaultValue 'auto'
   */
  kernel?: 'auto' | 'js';
  /** Threads (the caller plus `workers − 1` worker threads). @defaultValue 1 */
  workers?: number;
  /** Rows per band of the pass (see `runBlocks`). @defaultValue chosen from the memory budget */
  blockRows?: number;
  /** Memory budget of a streamed pass, bytes or a string like `'512MB'`. @defaultValue '1GiB' */
  memoryBudget?: number | string;
  /** Write A to this GeoTIFF (streamed; `raster` is then null). */
  output?: string;
  /** Writer options for `output`, and `nodata`: the value written for NaN (default: NaN). */
  write?: BlockWriteOptions & { nodata?: number | null };
  /**
   * Write A into this raster (on the factors' grid, of `outputType`) instead of allocating one. With `workers > 1`
   * a raster on a SharedArrayBuffer avoids a copy per band.
   */
  out?: Raster<FloatArray>;
  /** The grid when every factor is a constant or a generator. */
  grid?: Grid;
  /** Extra inputs read in the same pass and handed to `onBlock` (zones, masks). */
  extraInputs?: Record<string, BlockSource>;
  /** Extra outputs filled by `onBlock` (classes, per-zone maps). */
  extraOutputs?: Record<string, BlockOutput>;
  /**
   * Called once per band, in band order, after A of the band is computed: `block.outputs.A` holds A (output units)
   * and `block.inputs` every factor and extra input. Use it to grade and accumulate per zone in the same pass.
   */
  onBlock?: (block: Block) => void | Promise<void>;
  /** Progress after each band. */
  onProgress?: (progress: BlockProgress) => void;
  /**
   * Accept a result without any valid cell. By default a pass in which every cell is nodata in at least one factor
   * throws `BAD_VALUE` (and writes nothing), so that a wrong nodata value or extent never yields a silent
   * all-nodata map. @defaultValue false
   */
  allowEmpty?: boolean;
}

/** Defaults of {@link SoilLossOptions}. */
export const SOIL_LOSS_DEFAULTS = { units: 't/ha/yr', onBadValue: 'error', outputType: 'Float32', workers: 1, kernel: 'auto' } as const;

/** The result of {@link soilLoss}: A (in memory unless `output` was given) and its statistics. */
export interface SoilLossResult {
  /** A on the factors' grid, NaN for nodata; Float32 by default (`outputType`); null when written to `output`. */
  readonly raster: Raster<FloatArray> | null;
  /** The file written, when `output` was given. */
  readonly output: string | null;
  /** The grid of A. */
  readonly grid: Grid;
  /** Statistics of A. */
  readonly stats: SoilLossStats;
}

/** {@link SoilLossResult} of a call without `output`: A is returned in memory. */
export interface SoilLossInMemoryResult extends SoilLossResult {
  /** A on the factors' grid, NaN for nodata. */
  readonly raster: Raster<FloatArray>;
  readonly output: null;
}

/** {@link SoilLossResult} of a call with `output`: A is written to that file, not returned. */
export interface SoilLossFileResult extends SoilLossResult {
  readonly raster: null;
  /** The file written. */
  readonly output: string;
}

/**
 * RUSLE soil loss `A = R · K · LS · C · P` per cell, t·ha⁻¹·yr⁻¹ (or t·km⁻²·yr⁻¹), with min, max, area-weighted
 * mean, total tonnes per year (true cell areas) and valid count in the same pass.
 *
 * @param factors - R, K, LS, C, P: rasters on one grid, constants, GeoTIFF paths, open sources or generators.
 * @param options - units, bad-value policy, output type, workers, band rows, memory budget, output file, hooks.
 * @returns `{ raster, output, grid, stats }`: `raster` is A in memory without `output` (typed non-null), null with
 * `output` (A is in the file).
 * @throws RusleError `GRID_MISMATCH` naming the two factors whose grids differ; `BAD_VALUE` for negative or
 * infinite factor values (count and first location) or a bad constant; `BAD_UNITS` for unknown units;
 * `OUT_OF_MEMORY_BUDGET` when a band does not fit the budget; `BAD_ARGUMENT` when every factor is a constant and
 * no `grid` is given.
 *
 * @example
 * ```ts
 * const { raster, stats } = await soilLoss({ R: 4500, K: 0.03, LS: lsRaster, C: cRaster, P: 1 }, { units: 't/km2/yr' });
 * console.log(stats.mean, stats.sumTonnesPerYear);
 * ```
 */
export function soilLoss(factors: RusleFactors, options?: SoilLossOptions & { output?: undefined }): Promise<SoilLossInMemoryResult>;
export function soilLoss(factors: RusleFactors, options: SoilLossOptions & { output: string }): Promise<SoilLossFileResult>;
export function soilLoss(factors: RusleFactors, options?: SoilLossOptions): Promise<SoilLossResult>;
export async function soilLoss(factors: RusleFactors, options: SoilLossOptions = {}): Promise<SoilLossResult> {
  checkFactors(factors, ['R', 'K', 'LS', 'C', 'P'], 'soilLoss');
  return combineFactors([['R', factors.R], ['K', factors.K], ['LS', factors.LS], ['C', factors.C], ['P', factors.P]], options, 'soilLoss');
}

/**
 * CSLE soil loss `A = R · K · L · S · B · E · T` per cell (Liu et al. 2002), t·ha⁻¹·yr⁻¹ (or t·km⁻²·yr⁻¹), with
 * the same statistics, options and errors as {@link soilLoss}.
 *
 * @param factors - R, K, L, S, B, E, T: rasters, constants, GeoTIFF paths, open sources or generators.
 * @param options - as for {@link soilLoss}.
 * @returns `{ raster, output, grid, stats }`: `raster` is A in memory without `output` (typed non-null), null with
 * `output` (A is in the file).
 * @throws RusleError as {@link soilLoss}.
 *
 * @example
 * ```ts
 * const { stats } = await csleSoilLoss({ R: 'R.tif', K: 'K.tif', L: 'L.tif', S: 'S.tif', B: 'B.tif', E: 1, T: 1 },
 *   { output: 'A.tif', workers: 2, memoryBudget: '512MB' });
 * ```
 */
export function csleSoilLoss(factors: CsleFactors, options?: SoilLossOptions & { output?: undefined }): Promise<SoilLossInMemoryResult>;
export function csleSoilLoss(factors: CsleFactors, options: SoilLossOptions & { output: string }): Promise<SoilLossFileResult>;
export function csleSoilLoss(factors: CsleFactors, options?: SoilLossOptions): Promise<SoilLossResult>;
export async function csleSoilLoss(factors: CsleFactors, options: SoilLossOptions = {}): Promise<SoilLossResult> {
  checkFactors(factors, ['R', 'K', 'L', 'S', 'B', 'E', 'T'], 'csleSoilLoss');
  return combineFactors(
    [['R', factors.R], ['K', factors.K], ['L', factors.L], ['S', factors.S], ['B', factors.B], ['E', factors.E], ['T', factors.T]],
    options,
    'csleSoilLoss',
  );
}

function checkFactors(factors: object, names: readonly string[], what: string): void {
  if (typeof factors !== 'object' || factors === null) throw new RusleError('BAD_ARGUMENT', `${what}: factors must be an object with ${names.join(', ')}`);
  for (const n of names) {
    if ((factors as Record<string, unknown>)[n] === undefined) {
      throw new RusleError('BAD_ARGUMENT', `${what}: factor ${n} is missing (expected a raster, a number, a GeoTIFF path or a source)`);
    }
  }
}

async function combineFactors(list: [string, FactorValue][], options: SoilLossOptions, what: string): Promise<SoilLossResult> {
  const units = options.units ?? SOIL_LOSS_DEFAULTS.units;
  const mode = options.onBadValue ?? SOIL_LOSS_DEFAULTS.onBadValue;
  if (mode !== 'error' && mode !== 'nodata') throw new RusleError('BAD_ARGUMENT', `${what}: onBadValue must be 'error' or 'nodata', got '${String(mode)}'`);
  const outType = options.outputType ?? SOIL_LOSS_DEFAULTS.outputType;
  if (outType !== 'Float32' && outType !== 'Float64') throw new RusleError('BAD_ARGUMENT', `${what}: outputType must be 'Float32' or 'Float64', got '${String(outType)}'`);
  const workers = options.workers ?? SOIL_LOSS_DEFAULTS.workers;
  if (!Number.isInteger(workers) || workers < 1) throw new RusleError('BAD_ARGUMENT', `${what}: workers must be an integer ≥ 1, got ${workers}`);
  const threads = workers;
  const shared = threads > 1;

  const sources: Record<string, BlockSource> = {};
  for (const [name, v] of list) sources[name] = v;
  for (const [name, v] of Object.entries(options.extraInputs ?? {})) {
    if (name in sources) throw new RusleError('BAD_ARGUMENT', `${what}: extra input '${name}' has the name of a factor`);
    sources[name] = v;
  }
  // The grid is known only once the sources are open; the plan needs only the types, which we learn from the
  // first block. Constants are validated before anything is read.
  const constants = list.filter(([, v]) => typeof v === 'number') as [string, number][];
  for (const [name, v] of constants) {
    if (!(v >= 0) || v === Infinity) throw new RusleError('BAD_VALUE', `${what}: factor ${name} must be a finite number ≥ 0 or a raster, got ${v}`, { factor: name, value: v });
  }

  const firstRaster = list.find(([, v]) => v instanceof Raster)?.[1] as Raster | undefined;
  const inMemoryGrid = firstRaster?.grid ?? (list.every(([, v]) => v instanceof Raster || typeof v === 'number' || isGen(v)) ? options.grid : undefined);
  let into: Raster<FloatArray> | undefined;
  if (options.out) {
    if (options.output) throw new RusleError('BAD_ARGUMENT', `${what}: give either out (a raster) or output (a file), not both`);
    if (options.out.sampleType !== outType) throw new RusleError('BAD_ARGUMENT', `${what}: out holds ${options.out.sampleType} but outputType is ${outType}`);
    into = options.out;
  } else if (!options.output && inMemoryGrid) {
    const n = inMemoryGrid.width * inMemoryGrid.height;
    const data = outType === 'Float32' ? (shared ? sharedArray(Float32Array, n) : new Float32Array(n)) : shared ? sharedArray(Float64Array, n) : new Float64Array(n);
    into = new Raster(inMemoryGrid, data, NaN);
  }
  const outputs: Record<string, BlockOutput> = {
    A: {
      type: outType,
      ...(options.output ? { path: options.output } : {}),
      ...(into ? { into } : {}),
      ...(options.write?.nodata !== undefined ? { nodata: options.write.nodata } : {}),
      ...(options.write ? { write: options.write } : {}),
    },
    ...(options.extraOutputs ?? {}),
  };
  if (options.extraOutputs && 'A' in options.extraOutputs) throw new RusleError('BAD_ARGUMENT', `${what}: extra output 'A' clashes with the soil-loss output`);

  let acc: CombineAccumulator | undefined;
  let grid: Grid | undefined;
  let collect: FloatArray | undefined; // streamed inputs without output file: assemble A in memory
  const names = list.map(([n]) => n);
  const result = await runBlocks({
    sources,
    ...(options.grid ? { grid: options.grid } : {}),
    outputs,
    ...(options.blockRows !== undefined ? { blockRows: options.blockRows } : {}),
    ...(options.memoryBudget !== undefined ? { memoryBudget: options.memoryBudget } : {}),
    shared,
    // Windows narrower than the grid when the budget asks for it; an onBlock hook sees full-width bands.
    windows: options.onBlock === undefined,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    fn: async (block) => {
      if (!acc) {
        grid = block.grid;
        const factorsSpec = names.map((n) => {
          const v = block.inputs[n]!;
          if (typeof v === 'number') return { name: n, constant: v };
          const nd = block.nodata[n];
          const type = v.constructor.name;
          return { name: n, type, nodata: type === 'Float32Array' || type === 'Float64Array' ? null : nd ?? null };
        });
        const plan = planCombine(factorsSpec, units, outType === 'Float32' ? 'Float32Array' : 'Float64Array', what, options.kernel ?? 'auto');
        acc = new CombineAccumulator(plan, block.grid.height, shared);
        if (!options.output && !into) {
          const n = block.grid.width * block.grid.height;
          collect = outType === 'Float32' ? new Float32Array(n) : new Float64Array(n);
        }
      }
      const { x: x0, y: y0, width: w, height: h } = block.window;
      const W = block.grid.width;
      const inputs = acc.plan.rasterNames.map((n) => block.inputs[n] as TypedArray);
      const out = block.outputs.A!;
      const sub = threads > 1 ? Math.max(1, Math.ceil(h / (threads * 4))) : h;
      await acc.run(out, inputs, w, y0, y0 + h, y0, sub, threads, x0, W);
      const last = y0 + h === block.grid.height && x0 + w === W;
      if (mode === 'error' && acc.hasBad) throw badValueError(what, acc.badReport(W), !last);
      if (collect && w === W) collect.set(out, y0 * W);
      else if (collect) for (let r = 0; r < h; r++) collect.set(out.subarray(r * w, (r + 1) * w), (y0 + r) * W + x0);
      if (last && !options.allowEmpty && acc.stats(block.grid.rowCellAreasM2(), W).validCount === 0) {
        // Refused before the outputs are renamed into place: no all-nodata map is written.
        throw new RusleError('BAD_VALUE', `${what}: no cell has a valid value of every factor (each of the ${block.grid.width * block.grid.height} cells is nodata in at least one of ${names.join(', ')}); check the factors' nodata and extents`, { factors: names });
      }
      if (options.onBlock) await options.onBlock(block);
    },
  });
  void result;
  const g = grid!;
  const stats = acc!.stats(g.rowCellAreasM2(), g.width);
  const raster = into ?? (collect ? new Raster(g, collect, NaN) : null);
  return { raster, output: options.output ?? null, grid: g, stats };
}

function isGen(v: unknown): v is GeneratorSource {
  return typeof v === 'object' && v !== null && typeof (v as GeneratorSource).generate === 'function';
}

