/**
 * `rusle change`: class transitions and rate change between two years.
 * @module
 */
import { extname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { classChange, changeTableToCsv } from '../../assess/change.js';
import { toleranceFlag, unitsFlag } from './grade.js';
import { loadZones, ZONE_FLAGS, ZONE_HELP } from './rate.js';
import { writeFileAtomic } from '../../io/atomic.js';

export const changeCommand: Command = {
  name: 'change',
  summary: 'change between two years: per-zone class-transition matrix (km²), change in rate and soil-loss area, change raster',
  help: `Usage: rusle change <A1.tif> <A2.tif> (--units U (--tolerance T | --region NAME) | --classes) [--zones FILE …] -o change.csv|change.json [--raster change.tif]

Both rasters are graded into SL 190-2007 classes (or are class rasters already, with --classes); only cells valid in
both years count as land. Output per zone and level: land area, rate in each year and its change (percentage
points), soil-loss area in each year and its change (km²), and the 6 × 6 transition areas (km², from year-1 class to
year-2 class). The change raster (Byte, nodata 0) holds 10·c1 + c2 (23 = light → moderate).

Flags:
  -o, --output FILE     table: .csv or .json (required)
  --raster FILE         also write the change raster (GeoTIFF)
  --units U             units of A: t/ha/yr or t/km2/yr (required unless --classes)
  --tolerance T         tolerable soil loss, t/km2/yr
  --region NAME         red-soil 500, southwest 500, black-soil 200, northern-rocky 200, loess 1000 (t/km2/yr)
  --classes             the inputs are class rasters (1–6, 0 nodata), not soil loss
${ZONE_HELP}
  --mask FILE           raster; cells with a non-zero value are not land

Example:
  rusle change A2020.tif A2024.tif --units t/ha/yr --region red-soil --zones counties.tif -o change.csv --raster change.tif`,
  options: {
    output: { type: 'string', short: 'o' },
    raster: { type: 'string' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    classes: { type: 'boolean' },
    ...ZONE_FLAGS,
    mask: { type: 'string' },
  },
  async run(args, ctx) {
    const [p1, p2] = args.positionals;
    const output = args.values['output'];
    if (!p1 || !p2 || typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle change <A1.tif> <A2.tif> … -o change.csv');
    const classes = args.values['classes'] === true;
    const a1 = await readRaster(resolve(ctx.cwd, p1));
    const a2 = await readRaster(resolve(ctx.cwd, p2));
    const zonesPath = args.values['zones'];
    const layer = typeof zonesPath === 'string' ? await loadZones(zonesPath, a1.grid, args.values, ctx) : null;
    const maskPath = args.values['mask'];
    const mask = typeof maskPath === 'string' ? await readRaster(resolve(ctx.cwd, maskPath)) : undefined;
    const result = classChange(a1, a2, layer, classes
      ? { input: 'classes', ...(mask ? { mask } : {}) }
      : { units: unitsFlag(args.values), tolerance: toleranceFlag(args.values), ...(mask ? { mask } : {}) });
    const out = resolve(ctx.cwd, output);
    const ext = extname(out).toLowerCase();
    if (ext === '.json') await writeFileAtomic(out, JSON.stringify({ rows: result.rows, warnings: result.warnings }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
    else if (ext === '.csv') await writeFileAtomic(out, changeTableToCsv(result));
    else throw new RusleError('BAD_ARGUMENT', `-o must end in .csv or .json, got ${output}`);
    const rasterPath = args.values['raster'];
    if (typeof rasterPath === 'string') await writeRaster(resolve(ctx.cwd, rasterPath), result.change, { nodata: 0 });
    for (const w of result.warnings) ctx.err(`rusle change: warning: ${w}`);
    const t = result.rows[0]!;
    ctx.out(`wrote ${output}: whole grid rate ${t.rate1.toFixed(2)} % → ${t.rate2.toFixed(2)} % (${t.rateChange >= 0 ? '+' : ''}${t.rateChange.toFixed(2)} points)`);
    return { json: { output, rows: result.rows, warnings: result.warnings } };
  },
};
