/**
 * Assessment inside the engine's single pass: grading and per-zone accumulation as a block function of
 * `runBlocks` / the `onBlock` hook of `soilLoss` and `csleSoilLoss`, so that A, the class raster and the rate table
 * come out of one read of the inputs.
 *
 * Bands arrive in order (top to bottom, full width); {@link RateAccumulator} sums exactly, so the table equals the
 * in-memory {@link conservationRate} bit for bit whatever the band height.
 *
 * @module
 */

import type { Block, BlockSource, BlockProgress } from '../model/blocks.js';
import { runBlocks } from '../model/blocks.js';
import { RusleError } from '../raster/errors.js';
import type { TypedArray } from '../raster/raster.js';
import { classLut, classThresholds, modulusFactor, SL190_BOUNDS_T_KM2, toleranceValue, type ToleranceRegion } from './grading.js';
import { RateAccumulator, type RateOptions, type RateTable } from './rate.js';
import type { ZoneLayer } from './zones.js';

/**
 * Writer options of class rasters: tiled Deflate at level 1. Six categories in runs compress nearly as well at level 1
 * as at 6, in a fraction of the time (measured in the assess benchmark's streamed pass).
 */
export const CLASS_WRITE = { level: 1 } as const;

/** Names of the block arrays an assessment hook reads and writes. */
export interface AssessBlockNames {
  /** A: an output (as in `soilLoss`'s `onBlock`: `outputs.A`) or an input of the block. @defaultValue 'A' */
  a?: string;
  /** Zone codes input. @defaultValue 'zones' when the block has it */
  zones?: string;
  /** Mask input (non-zero = not land). @defaultValue 'mask' when the block has it */
  mask?: string;
  /** Byte output to fill with intensity classes (0 for nodata, masked and ungraded cells). @defaultValue none */
  classes?: string;
}

function pick(block: Block, name: string | undefined): TypedArray | null {
  if (name === undefined) return null;
  const v = block.outputs[name] ?? block.inputs[name];
  if (v === undefined) return null;
  if (typeof v === 'number') throw new RusleError('BAD_ARGUMENT', `assessment block input '${name}' must be a raster, not a constant`);
  return v;
}

/**
 * A block function that adds each band to `acc` and, when asked, writes the intensity classes (graded with the
 * accumulator's tolerance, per zone when so configured) into a Byte output of the same pass.
 *
 * @param acc - the accumulator (zones layer and tolerance set at construction).
 * @param names - names of A, zones, mask and classes in the block.
 * @returns a function for `runBlocks({ fn })` or `soilLoss({ onBlock })`.
 *
 * @example
 * ```ts
 * const acc = new RateAccumulator({ units: 't/ha/yr', tolerance: 'red-soil' }, layer);
 * await soilLoss(factors, { extraInputs: { zones: layer.raster }, onBlock: rateBlockHook(acc) });
 * const table = acc.finish();
 * ```
 */
export function rateBlockHook(
  acc: RateAccumulator,
  names: AssessBlockNames = {},
): (block: Block) => void {
  const aName = names.a ?? 'A';
  return (block: Block) => {
    const a = pick(block, aName);
    if (!a) throw new RusleError('BAD_ARGUMENT', `rateBlockHook: the block has no '${aName}' array`);
    const zones = pick(block, names.zones ?? (block.inputs['zones'] !== undefined ? 'zones' : undefined));
    const maskName = names.mask ?? (block.inputs['mask'] !== undefined ? 'mask' : undefined);
    const mask = pick(block, maskName);
    let classes: Uint8Array | null = null;
    if (names.classes !== undefined) {
      const out = block.outputs[names.classes];
      if (!(out instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', `rateBlockHook: output '${names.classes}' must be a Byte output`);
      classes = out;
    }
    acc.add({
      a, aNodata: block.nodata[aName] ?? null, zones, mask, maskNodata: maskName ? block.nodata[maskName] ?? null : null,
      width: block.window.width, height: block.window.height, rowAreasM2: block.rowAreasM2, classes,
    });
  };
}

/** Options of {@link conservationRateStreamed}. */
export interface StreamedRateOptions extends RateOptions {
  /** Mask source (non-zero = not land). */
  mask?: BlockSource;
  /** Also write the intensity classes (Byte, nodata 0; masked cells 0) to this GeoTIFF in the same pass. */
  classesOutput?: string;
  /** Memory budget of the pass. @defaultValue '1GiB' */
  memoryBudget?: number | string;
  /** Rows per band. */
  blockRows?: number;
  /** Progress after each band. */
  onProgress?: (p: BlockProgress) => void;
}

/**
 * The conservation-rate table of a soil-loss GeoTIFF (or any block source) in one streamed pass, never holding A
 * in memory; optionally writes the class raster in the same pass.
 *
 * @param a - A: a GeoTIFF path, an open source or a raster.
 * @param zones - the zone layer (its raster is read band by band), or null.
 * @param options - rate options, mask, class output, memory budget.
 * @returns the table.
 * @throws RusleError as {@link conservationRate}, plus the engine's `GRID_MISMATCH` and `OUT_OF_MEMORY_BUDGET`.
 *
 * @example
 * ```ts
 * const table = await conservationRateStreamed('A.tif', layer, { units: 't/ha/yr', tolerance: 'red-soil', classesOutput: 'classes.tif' });
 * ```
 */
export async function conservationRateStreamed(a: BlockSource, zones: ZoneLayer | null, options: StreamedRateOptions): Promise<RateTable> {
  const acc = new RateAccumulator(options, zones);
  const sources: Record<string, BlockSource> = { A: a };
  if (zones) sources['zones'] = zones.raster;
  if (options.mask !== undefined) sources['mask'] = options.mask;
  const hook = rateBlockHook(acc, { a: 'A', classes: options.classesOutput ? 'classes' : undefined });
  await runBlocks({
    sources,
    ...(options.classesOutput ? { outputs: { classes: { type: 'Byte', path: options.classesOutput, nodata: 0, write: CLASS_WRITE } } } : {}),
    ...(options.memoryBudget !== undefined ? { memoryBudget: options.memoryBudget } : {}),
    ...(options.blockRows !== undefined ? { blockRows: options.blockRows } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    fn: hook,
  });
  return acc.finish();
}

/** Options of {@link gradeIntensityStreamed}. */
export interface StreamedGradeOptions {
  /** Units of A. Required. */
  units: RateOptions['units'];
  /** Uniform tolerance (t·km⁻²·yr⁻¹ or region). Required. */
  tolerance: number | ToleranceRegion;
  /** Class bounds above T. @defaultValue `[2500, 5000, 8000, 15000]` */
  classBounds?: readonly [number, number, number, number];
  /** Memory budget of the pass. @defaultValue '1GiB' */
  memoryBudget?: number | string;
  /** Progress after each band. */
  onProgress?: (p: BlockProgress) => void;
}

/**
 * Grades a soil-loss GeoTIFF (or any block source) into SL 190-2007 classes in one streamed pass and writes a Byte
 * GeoTIFF (nodata 0) on the same grid.
 *
 * @returns the number of cells per class, index 0 = nodata, 1 slight … 6 severe.
 * @throws RusleError `BAD_UNITS`, `BAD_VALUE`, and the engine's errors.
 *
 * @example
 * ```ts
 * const counts = await gradeIntensityStreamed('A.tif', 'classes.tif', { units: 't/ha/yr', tolerance: 'red-soil' });
 * ```
 */
export async function gradeIntensityStreamed(a: BlockSource, output: string, options: StreamedGradeOptions): Promise<Float64Array> {
  const f = modulusFactor(options?.units, 'gradeIntensityStreamed: options.units');
  const th = classThresholds(toleranceValue(options.tolerance), options.classBounds ?? SL190_BOUNDS_T_KM2);
  const counts = new Float64Array(7);
  await runBlocks({
    sources: { A: a },
    outputs: { classes: { type: 'Byte', path: output, nodata: 0, write: CLASS_WRITE } },
    ...(options.memoryBudget !== undefined ? { memoryBudget: options.memoryBudget } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    fn: (block) => {
      const v = block.inputs['A']!;
      const out = block.outputs['classes'] as Uint8Array;
      if (typeof v === 'number') throw new RusleError('BAD_ARGUMENT', 'gradeIntensityStreamed: A must be a raster source');
      gradeBand(v, block.nodata['A'] ?? null, f, th, out, counts);
    },
  });
  return counts;
}

function gradeBand(a: TypedArray, nodata: number | null, f: number, th: Float64Array, out: Uint8Array, counts: Float64Array): void {
  const nd = nodata === null ? NaN : nodata;
  const t0 = th[0]!, t1 = th[1]!, t2 = th[2]!, t3 = th[3]!, t4 = th[4]!;
  const { lut, invWidth, top } = classLut(th);
  const h4 = new Int32Array(32); // four interleaved count copies (cell index & 3): increments do not chain
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    const m = v * f;
    let k = 0;
    if (m >= 0 && v !== nd) {
      k = lut[Math.min(m * invWidth, top) | 0]!;
      if (k === 0) k = m < t0 ? 1 : m < t1 ? 2 : m < t2 ? 3 : m < t3 ? 4 : m < t4 ? 5 : 6;
    }
    out[i] = k;
    h4[((i & 3) << 3) | k]++;
  }
  for (let k = 0; k < 7; k++) counts[k] += h4[k]! + h4[k + 8]! + h4[k + 16]! + h4[k + 24]!;
}
