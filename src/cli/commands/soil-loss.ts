/**
 * `rusle soil-loss`: RUSLE A = R·K·LS·C·P from factor GeoTIFFs or numbers, streamed to a tiled Deflate GeoTIFF.
 * The shared flag handling is used by `rusle csle` too. No science here: the library's `soilLoss` does the work.
 * @module
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command, CommandContext, OptionSpec, ParsedArgs } from '../command.js';
import { RusleError } from '../../raster/errors.js';
import { soilLoss, csleSoilLoss, type FactorValue, type SoilLossOptions, type SoilLossResult } from '../../model/soil-loss.js';
import { choiceFlag, integerFlag, memoryBudgetFlag } from '../flags.js';

/** Flags shared by `soil-loss` and `csle` (besides the factors). */
export const ENGINE_FLAGS: OptionSpec = {
  output: { type: 'string', short: 'o' },
  units: { type: 'string' },
  workers: { type: 'string' },
  'memory-budget': { type: 'string' },
  'on-bad-value': { type: 'string' },
};

/** Help text of the shared flags. */
export const ENGINE_FLAGS_HELP = `  -o, --output FILE      output GeoTIFF of A (Float32, tiled 512, Deflate + predictor; required)
  --units U              t/ha/yr (default) or t/km2/yr (× 100, the unit of SL 190-2007)
  --workers N            threads for the combine (default: the number of CPUs, at most 8)
  --memory-budget SIZE   memory budget of the streamed pass, e.g. 512MB, 2GiB (default 1GiB); refused with
                         OUT_OF_MEMORY_BUDGET (and the minimum needed) when one band does not fit
  --on-bad-value MODE    error (default: stop with BAD_VALUE, count and first location) or nodata (such cells
                         become nodata and are counted in the summary)`;

/** A factor flag: a number is a constant, anything else a GeoTIFF path (relative to the working directory). */
export function factorFlag(values: ParsedArgs['values'], flag: string, cwd: string): FactorValue {
  const v = values[flag];
  if (typeof v !== 'string' || v === '') throw new RusleError('BAD_ARGUMENT', `--${flag} is required: a GeoTIFF path or a number`);
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n) && /^[\s+\-0-9.eE]+$/.test(v)) return n;
  return resolve(cwd, v);
}

/** The engine options from the shared flags. */
export function engineOptions(values: ParsedArgs['values'], cwd: string): SoilLossOptions & { output: string } {
  const output = values['output'];
  if (typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', '-o/--output is required: the GeoTIFF to write A to');
  const units = values['units'] ?? 't/ha/yr';
  if (units !== 't/ha/yr' && units !== 't/km2/yr') throw new RusleError('BAD_UNITS', `--units must be t/ha/yr or t/km2/yr, got '${String(units)}'`);
  const workers = integerFlag(values, 'workers') ?? Math.min(8, availableParallelism());
  const bad = choiceFlag(values, 'on-bad-value', ['error', 'nodata'], 'error');
  const budget = memoryBudgetFlag(values);
  return {
    output: resolve(cwd, output),
    units,
    workers,
    onBadValue: bad,
    ...(typeof budget === 'string' ? { memoryBudget: budget } : {}),
  };
}

/** Runs the pass with a progress bar and prints the summary. */
export async function runEngine(
  label: string,
  ctx: CommandContext,
  options: SoilLossOptions & { output: string },
  call: (o: SoilLossOptions) => Promise<SoilLossResult>,
): Promise<{ json: unknown }> {
  let progress: ReturnType<CommandContext['progress']> | undefined;
  const res = await call({
    ...options,
    onProgress: (p) => {
      progress ??= ctx.progress(label, p.totalCells);
      progress.update(p.cellsDone);
    },
  });
  progress?.finish();
  const s = res.stats;
  ctx.out(
    `wrote ${options.output}: ${res.grid.width} × ${res.grid.height} cells, ${s.validCount} valid; A (${s.units}) min ${s.min.toPrecision(4)}, ` +
      `max ${s.max.toPrecision(4)}, area-weighted mean ${s.mean.toPrecision(4)}; total ${s.sumTonnesPerYear.toPrecision(6)} t/yr over ${(s.validAreaM2 / 1e6).toPrecision(6)} km²` +
      (s.badValues.count ? `; ${s.badValues.count} cells with bad factor values set to nodata` : ''),
  );
  return { json: { output: options.output, width: res.grid.width, height: res.grid.height, stats: s } };
}

/** `rusle soil-loss`. */
export const soilLossCommand: Command = {
  name: 'soil-loss',
  summary: 'RUSLE soil loss A = R·K·LS·C·P from factor GeoTIFFs or numbers (streamed, statistics included)',
  help: `Usage: rusle soil-loss --r R.tif|NUM --k K.tif|NUM --ls LS.tif|NUM --c C.tif|NUM --p P.tif|NUM -o A.tif [flags]

RUSLE (Renard et al. 1997, USDA AH 703): A = R · K · LS · C · P per cell, streamed in bands within a memory
budget, with min, max, area-weighted mean and total tonnes per year (true cell areas) in the same pass. A cell
where any factor is nodata is nodata. Factor rasters must share one grid (GRID_MISMATCH otherwise).

Factors (each a GeoTIFF path or a number for a constant):
  --r   rainfall erosivity, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹
  --k   soil erodibility, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹
  --ls  slope length and steepness, dimensionless
  --c   cover management, dimensionless
  --p   support practice, dimensionless

Flags:
${ENGINE_FLAGS_HELP}

Example:
  rusle soil-loss --r R.tif --k K.tif --ls LS.tif --c C.tif --p 1 -o A.tif --units t/km2/yr --memory-budget 512MB`,
  options: {
    r: { type: 'string' },
    k: { type: 'string' },
    ls: { type: 'string' },
    c: { type: 'string' },
    p: { type: 'string' },
    ...ENGINE_FLAGS,
  },
  async run(args, ctx) {
    const v = args.values;
    const f = (flag: string): FactorValue => factorFlag(v, flag, ctx.cwd);
    const factors = { R: f('r'), K: f('k'), LS: f('ls'), C: f('c'), P: f('p') };
    const options = engineOptions(v, ctx.cwd);
    return runEngine('soil-loss', ctx, options, (o) => soilLoss(factors, o));
  },
};

/** `rusle csle` (re-exported by csle.ts). */
export function csleRun(args: ParsedArgs, ctx: CommandContext): Promise<{ json: unknown }> {
  const v = args.values;
  const f = (flag: string): FactorValue => factorFlag(v, flag, ctx.cwd);
  const factors = { R: f('r'), K: f('k'), L: f('l'), S: f('s'), B: f('b'), E: f('e'), T: f('t') };
  const options = engineOptions(v, ctx.cwd);
  return runEngine('csle', ctx, options, (o) => csleSoilLoss(factors, o));
}
