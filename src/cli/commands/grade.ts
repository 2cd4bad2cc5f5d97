/**
 * `rusle grade`: SL 190-2007 intensity classes of a soil-loss raster.
 * @module
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { BAND_HELP, BAND_OPTION, openInput } from '../checks.js';
import { RusleError } from '../../raster/errors.js';
import { modulusFactor, toleranceValue, type ToleranceRegion } from '../../assess/grading.js';
import { gradeIntensityStreamed } from '../../assess/pass.js';

/** Parses --tolerance / --region into a tolerance (t/km2/yr or region). */
export function toleranceFlag(values: Record<string, unknown>): number | ToleranceRegion {
  const t = values['tolerance'];
  const r = values['region'];
  if (t !== undefined && r !== undefined) throw new RusleError('BAD_ARGUMENT', 'give --tolerance or --region, not both');
  if (typeof r === 'string') { toleranceValue(r, '--region'); return r as ToleranceRegion; }
  if (typeof t === 'string') {
    const v = Number(t);
    if (!Number.isFinite(v)) { toleranceValue(t, '--tolerance'); return t as ToleranceRegion; }
    return toleranceValue(v, '--tolerance');
  }
  throw new RusleError('BAD_ARGUMENT', 'a tolerance is required: --tolerance <t/km2/yr> or --region red-soil|southwest|black-soil|northern-rocky|loess');
}

/** Parses --units (required). */
export function unitsFlag(values: Record<string, unknown>): 't/ha/yr' | 't/km2/yr' {
  const u = values['units'];
  if (u === undefined) throw new RusleError('BAD_UNITS', "--units is required (t/ha/yr or t/km2/yr): the units of A are never assumed");
  modulusFactor(u, '--units');
  return u as 't/ha/yr' | 't/km2/yr';
}

export const gradeCommand: Command = {
  name: 'grade',
  summary: 'SL 190-2007 erosion-intensity classes (1 slight … 6 severe, 0 nodata) of a soil-loss raster',
  help: `Usage: rusle grade <A.tif> -o classes.tif --units t/ha/yr|t/km2/yr (--tolerance T | --region NAME) [--bounds b1,b2,b3,b4]

Grades soil loss A into the six water-erosion intensity classes of SL 190-2007 (streamed, any size):
  1 slight 微度 (< T), 2 light 轻度 (T–2500), 3 moderate 中度 (2500–5000), 4 intense 强烈 (5000–8000),
  5 very intense 极强烈 (8000–15000), 6 severe 剧烈 (≥ 15000 t/km2/yr); a value at a bound takes the higher class.
  Output: Byte GeoTIFF on A's grid, nodata 0.

Flags:
  -o, --output FILE     output GeoTIFF (required)
  --units U             units of A: t/ha/yr (× 100 to t/km2/yr) or t/km2/yr (required; never assumed)
  --tolerance T         tolerable soil loss in t/km2/yr (e.g. 500)
  --region NAME         T by region: red-soil 500, southwest 500, black-soil 200, northern-rocky 200, loess 1000
  --bounds LIST         four class bounds above T in t/km2/yr (default 2500,5000,8000,15000)
  --memory-budget SIZE  memory budget of the pass (default 1GiB)
${BAND_HELP}

Example:
  rusle grade A.tif -o classes.tif --units t/ha/yr --region red-soil`,
  options: {
    output: { type: 'string', short: 'o' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    bounds: { type: 'string' },
    'memory-budget': { type: 'string' },
    ...BAND_OPTION,
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const output = args.values['output'];
    if (!input || typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle grade <A.tif> -o classes.tif --units … --tolerance|--region …');
    const units = unitsFlag(args.values);
    const tol = toleranceFlag(args.values);
    const boundsFlag = args.values['bounds'];
    const bounds = typeof boundsFlag === 'string' ? boundsFlag.split(',').map(Number) : undefined;
    const tolT = toleranceValue(tol);
    const src = await openInput(ctx, input);
    let counts: Float64Array;
    try {
      const progress = ctx.progress('grade', src.grid.width * src.grid.height);
      const budget = args.values['memory-budget'];
      counts = await gradeIntensityStreamed(src, resolve(ctx.cwd, output), {
        units, tolerance: tol,
        ...(bounds ? { classBounds: bounds as [number, number, number, number] } : {}),
        ...(typeof budget === 'string' ? { memoryBudget: budget } : {}),
        onProgress: (p) => progress.update(p.cellsDone),
      });
      progress.finish();
    } finally {
      await src.close();
    }
    if (counts[0] === src.grid.width * src.grid.height) {
      // Every cell of A is nodata: remove the all-nodata class map rather than leave it as a result.
      rmSync(resolve(ctx.cwd, output), { force: true });
      throw new RusleError('BAD_VALUE', `${input}: every one of the ${src.grid.width} × ${src.grid.height} cells is nodata; there is nothing to grade (check the file's nodata value)`, { input });
    }
    const summary = { output, tolerance: tolT, cellsPerClass: { nodata: counts[0], slight: counts[1], light: counts[2], moderate: counts[3], intense: counts[4], veryIntense: counts[5], severe: counts[6] } };
    ctx.out(`wrote ${output}: cells per class ${[...counts.slice(1)].join(' / ')} (slight … severe), ${counts[0]} nodata`);
    return { json: summary };
  },
};
