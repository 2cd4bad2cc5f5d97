/**
 * The block combine shared by the in-memory and the streamed soil-loss passes: prepares the kernel for a set of
 * factors (rasters and constants), runs it over row blocks on one or more threads, and turns the per-row and
 * per-block partials into {@link SoilLossStats}.
 *
 * Determinism: the statistics are combined from per-row partials in row order and per-block records in block
 * order, never in completion order, so they are bit-identical for any worker count and block size.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { TypedArray } from '../raster/raster.js';
import { BLOCK_STATS, initBlockStats, kernelSource, type KernelSource } from './kernel.js';
import { runKernelJob, sharedArray, wasmKernelAvailable } from './pool.js';


/** The first bad factor value found (lowest row, then lowest column). */
export interface BadValueLocation {
  /** Factor name (`R`, `K`, `LS`, …); `'product'` when the factors are finite but their product overflows. */
  readonly factor: string;
  /** Column of the cell. */
  readonly col: number;
  /** Row of the cell. */
  readonly row: number;
  /** The offending value (NaN when not known). */
  readonly value: number;
}

/** Negative or non-finite factor values met during a pass. */
export interface BadValueReport {
  /** Cells with at least one negative or infinite factor (and no nodata factor). */
  readonly count: number;
  /** Per factor: cells where that factor was negative or infinite. */
  readonly byFactor: Readonly<Record<string, number>>;
  /** The first such cell, or null when there were none. */
  readonly first: BadValueLocation | null;
}

/** Statistics of a soil-loss pass, computed in the same pass as the raster. */
export interface SoilLossStats {
  /** Units of `min`, `max` and `mean`. */
  readonly units: 't/ha/yr' | 't/km2/yr';
  /** Smallest valid A (output units), NaN when no cell is valid. */
  readonly min: number;
  /** Largest valid A (output units), NaN when no cell is valid. */
  readonly max: number;
  /** Area-weighted mean of A over valid cells (output units): `Σ A·area / Σ area`; NaN when no cell is valid. */
  readonly mean: number;
  /** Total soil loss over valid cells, tonnes per year: `Σ A [t/ha/yr] · area [m²] / 10⁴`, true cell areas. */
  readonly sumTonnesPerYear: number;
  /** Number of valid cells. */
  readonly validCount: number;
  /** Number of nodata cells (any factor nodata, or a bad value treated as nodata). */
  readonly nodataCount: number;
  /** True area of the valid cells, m². */
  readonly validAreaM2: number;
  /** Negative or non-finite factor values (reported with `onBadValue: 'nodata'`; thrown with `'error'`). */
  readonly badValues: BadValueReport;
}

/** One factor of the product: a name and either a typed array (with its integer nodata) or a constant. */
export interface FactorInput {
  readonly name: string;
  readonly value: number | { data: TypedArray; nodata: number | null };
}

/** What the combine needs to know once per pass. */
export interface CombinePlan {
  readonly source: KernelSource;
  /** Names of the raster factors, in kernel order. */
  readonly rasterNames: readonly string[];
  /** Nodata values of the raster factors (NaN for none) then k. */
  readonly pre: number[];
  readonly k: number;
  readonly outputType: 'Float32Array' | 'Float64Array';
  readonly units: 't/ha/yr' | 't/km2/yr';
  /** Number of float32 inputs of the WebAssembly kernel, or 0 for the JS kernel. */
  readonly wasmInputs: number;
}

/** Multiplier from t/ha/yr to `units`. */
export function unitScale(units: 't/ha/yr' | 't/km2/yr'): number {
  if (units === 't/ha/yr') return 1;
  if (units === 't/km2/yr') return 100;
  throw new RusleError('BAD_UNITS', `units must be 't/ha/yr' or 't/km2/yr', got '${String(units)}'`);
}

/**
 * Validates the constants and builds the kernel plan. Constants are folded into `k` (with the unit conversion) in
 * factor order; a constant that is negative, NaN or infinite throws `BAD_VALUE` naming the factor.
 */
export function planCombine(
  factors: readonly { name: string; constant?: number; type?: string; nodata?: number | null }[],
  units: 't/ha/yr' | 't/km2/yr',
  outputType: 'Float32Array' | 'Float64Array',
  what: string,
  kernel: 'auto' | 'js' = 'auto',
): CombinePlan {
  let k = unitScale(units);
  const types: string[] = [];
  const names: string[] = [];
  const nds: number[] = [];
  for (const f of factors) {
    if (f.constant !== undefined) {
      if (!(f.constant >= 0) || f.constant === Infinity) {
        throw new RusleError('BAD_VALUE', `${what}: factor ${f.name} must be a finite number ≥ 0 or a raster, got ${f.constant}`, { factor: f.name, value: f.constant });
      }
      k *= f.constant;
    } else {
      names.push(f.name);
      types.push(f.type!);
      nds.push(f.nodata === null || f.nodata === undefined ? NaN : f.nodata);
    }
  }
  const source = kernelSource(types as never, outputType);
  const wasmable = kernel === 'auto' && outputType === 'Float32Array' && types.length >= 1 && types.length <= 7 && types.every((t) => t === 'Float32Array') && wasmKernelAvailable();
  return { source, rasterNames: names, pre: [...nds, k], k, outputType, units, wasmInputs: wasmable ? types.length : 0 };
}

/** Per-pass accumulators: per-row partials (indexed by grid row) and per-block records (in block order). */
export class CombineAccumulator {
  /** Four partial sums per grid row (by column mod 4), continued across the windows of a row. */
  readonly rowPart: Float64Array;
  readonly rowCount: Float64Array;
  private min = Infinity;
  private max = -Infinity;
  private badCount = 0;
  private readonly badByFactor: Float64Array;
  private firstIndex = -1;
  private firstFactor = -1;
  private firstValue = NaN;

  constructor(readonly plan: CombinePlan, readonly height: number, shared: boolean) {
    this.rowPart = shared ? sharedArray(Float64Array, 4 * height) : new Float64Array(4 * height);
    this.rowCount = shared ? sharedArray(Float64Array, height) : new Float64Array(height);
    this.badByFactor = new Float64Array(plan.rasterNames.length);
  }

  /** True when at least one bad value has been met. */
  get hasBad(): boolean {
    return this.badCount > 0;
  }

  /**
   * Combines rows `[rowFrom, rowTo)` of the grid. `inputs` (kernel order) and `out` start at grid row `arrayRow0`
   * and grid column `col0` (a multiple of 4), with rows of `width` cells; the windows of one row must come left to
   * right. Blocks of `blockRows` rows are spread over `threads` threads; their records are merged in block order.
   */
  async run(
    out: TypedArray,
    inputs: readonly TypedArray[],
    width: number,
    rowFrom: number,
    rowTo: number,
    arrayRow0: number,
    blockRows: number,
    threads: number,
    col0 = 0,
    gridWidth = width,
  ): Promise<void> {
    const nBlocks = Math.ceil((rowTo - rowFrom) / blockRows);
    if (nBlocks <= 0) return;
    const shared = threads > 1 && nBlocks > 1;
    const nBad = Math.max(1, this.plan.rasterNames.length);
    const blocks = shared ? sharedArray(Int32Array, 3 * nBlocks) : new Int32Array(3 * nBlocks);
    const blockStats = shared ? sharedArray(Float64Array, BLOCK_STATS * nBlocks) : new Float64Array(BLOCK_STATS * nBlocks);
    const badCounts = shared ? sharedArray(Float64Array, nBad * nBlocks) : new Float64Array(nBad * nBlocks);
    for (let b = 0; b < nBlocks; b++) {
      blocks[3 * b] = rowFrom + b * blockRows;
      blocks[3 * b + 1] = Math.min(rowTo, rowFrom + (b + 1) * blockRows);
      blocks[3 * b + 2] = arrayRow0;
      initBlockStats(blockStats, b * BLOCK_STATS);
    }
    await runKernelJob(
      {
        source: this.plan.source,
        arrays: [out, ...inputs],
        pre: this.plan.pre,
        width,
        blocks,
        rowSum: this.rowPart,
        col0,
        gridWidth,
        rowCount: this.rowCount,
        blockStats,
        badCounts,
        nBad,
        wasmInputs: this.plan.wasmInputs,
      },
      shared ? threads : 1,
    );
    for (let b = 0; b < nBlocks; b++) {
      const o = b * BLOCK_STATS;
      if (blockStats[o]! < this.min) this.min = blockStats[o]!;
      if (blockStats[o + 1]! > this.max) this.max = blockStats[o + 1]!;
      const bc = blockStats[o + 2]!;
      if (bc > 0) {
        this.badCount += bc;
        for (let j = 0; j < this.plan.rasterNames.length; j++) this.badByFactor[j]! += badCounts[b * nBad + j]!;
        const g = blockStats[o + 3]!;
        if (this.firstIndex < 0 || g < this.firstIndex) {
          this.firstIndex = g;
          this.firstFactor = blockStats[o + 4]!;
          const local = (Math.floor(g / gridWidth) - arrayRow0) * width + ((g % gridWidth) - col0);
          this.firstValue = this.firstFactor >= 0 ? Number(inputs[this.firstFactor]![local]) : NaN;
        }
      }
    }
  }

  /** The bad-value report so far. */
  badReport(width: number): BadValueReport {
    const byFactor: Record<string, number> = {};
    this.plan.rasterNames.forEach((n, j) => (byFactor[n] = this.badByFactor[j]!));
    const first =
      this.firstIndex < 0
        ? null
        : {
            factor: this.firstFactor >= 0 ? this.plan.rasterNames[this.firstFactor]! : 'product',
            col: this.firstIndex % width,
            row: Math.floor(this.firstIndex / width),
            value: this.firstValue,
          };
    return { count: this.badCount, byFactor, first };
  }

  /** Final statistics: totals from the per-row partials in row order. */
  stats(rowAreasM2: Float64Array, width: number): SoilLossStats {
    let sumArea = 0;
    let area = 0;
    let count = 0;
    for (let r = 0; r < this.height; r++) {
      const a = rowAreasM2[r]!;
      const q = 4 * r;
      sumArea += ((this.rowPart[q]! + this.rowPart[q + 1]!) + (this.rowPart[q + 2]! + this.rowPart[q + 3]!)) * a;
      area += this.rowCount[r]! * a;
      count += this.rowCount[r]!;
    }
    const scale = unitScale(this.plan.units);
    const any = count > 0;
    return {
      units: this.plan.units,
      min: any ? this.min + 0 : NaN, // + 0: a −0 factor gives +0 whatever the kernel's scan order
      max: any ? this.max + 0 : NaN,
      mean: any ? sumArea / area : NaN,
      sumTonnesPerYear: sumArea / scale / 1e4,
      validCount: count,
      nodataCount: width * this.height - count,
      validAreaM2: area,
      badValues: this.badReport(width),
    };
  }
}

/** The `BAD_VALUE` error for a bad-value report. */
export function badValueError(what: string, report: BadValueReport, partial: boolean): RusleError {
  const f = report.first!;
  const parts = Object.entries(report.byFactor).filter(([, n]) => n > 0).map(([k, n]) => `${k}: ${n}`);
  return new RusleError(
    'BAD_VALUE',
    `${what}: ${partial ? 'at least ' : ''}${report.count} cell(s) have a negative or infinite factor value (${parts.join(', ') || 'product overflow'}); ` +
      `first at col ${f.col}, row ${f.row}: ${f.factor} = ${f.value}. Factors must be finite and ≥ 0; pass onBadValue: 'nodata' to treat them as nodata`,
    { count: report.count, byFactor: report.byFactor, first: f, partial },
  );
}

