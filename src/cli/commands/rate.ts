/**
 * `rusle rate`: the conservation-rate table (水土保持率) per zone and level from a soil-loss raster.
 * @module
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../io/atomic.js';
import { extname, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { openRaster, readRaster } from '../../io/index.js';
import type { Grid } from '../../raster/grid.js';
import { RusleError } from '../../raster/errors.js';
import { conservationRateStreamed } from '../../assess/pass.js';
import { rateTableToCsv, rateTableToJson, type CsvHeaders, type RateTable, type ZoneTolerance } from '../../assess/rate.js';
import type { ToleranceRegion } from '../../assess/grading.js';
import { parseZoneTable, zonesFromGeoJson, zonesFromRaster, type ZoneHierarchy, type ZoneLayer } from '../../assess/zones.js';
import { toleranceFlag, unitsFlag } from './grade.js';

/** Reads zones from a GeoTIFF or GeoJSON file onto `grid`, with the --zone-field/--name-field/--zone-table/--hierarchy flags. */
export async function loadZones(path: string, grid: Grid, values: Record<string, unknown>, ctx: CommandContext): Promise<ZoneLayer> {
  const full = resolve(ctx.cwd, path);
  let names: Record<string, string> | undefined;
  let hierarchy: ZoneHierarchy | undefined;
  const table = values['zone-table'];
  if (typeof table === 'string') {
    const t = parseZoneTable(readFileSync(resolve(ctx.cwd, table), 'utf8'));
    names = t.names;
    hierarchy = t.hierarchy;
  }
  const h = values['hierarchy'];
  if (h === 'admin-codes') hierarchy = 'admin-codes';
  else if (h !== undefined && h !== 'none' && h !== 'table') throw new RusleError('BAD_ARGUMENT', `--hierarchy must be admin-codes, table or none, got ${String(h)}`);
  const ext = extname(path).toLowerCase();
  if (ext === '.geojson' || ext === '.json') {
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (e) {
      throw new RusleError('IO_ERROR', `--zones ${path}: cannot read the file: ${(e as Error).message}`, { path: full, errno: (e as NodeJS.ErrnoException).code });
    }
    let gj;
    try {
      gj = JSON.parse(text);
    } catch (e) {
      throw new RusleError('BAD_VALUE', `--zones ${path}: not readable GeoJSON: ${(e as Error).message}`);
    }
    const zf = values['zone-field'], nf = values['name-field'];
    return zonesFromGeoJson(gj, grid, {
      ...(typeof zf === 'string' ? { zoneField: zf } : {}),
      ...(typeof nf === 'string' ? { nameField: nf } : {}),
      ...(values['all-touched'] === true ? { allTouched: true } : {}),
      ...(hierarchy ? { hierarchy } : {}),
      ...(names ? { names } : {}),
    });
  }
  const z = await readRaster(full);
  return zonesFromRaster(z, { ...(names ? { names } : {}), ...(hierarchy ? { hierarchy } : {}), zeroIsNone: values['zero-is-none'] === true });
}

/**
 * The tolerance of `rate`: --tolerance/--region, or per zone from --zone-tolerance (CSV `code,tolerance` with a
 * number of t/km2/yr or a region name), with --tolerance/--region as the default for unlisted zones.
 */
export function toleranceWithZones(values: Record<string, unknown>, ctx: CommandContext): number | ToleranceRegion | ZoneTolerance {
  const file = values['zone-tolerance'];
  if (typeof file !== 'string') return toleranceFlag(values);
  const text = readFileSync(resolve(ctx.cwd, file), 'utf8').replace(/^\ufeff/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const ci = head.findIndex((h) => h === 'code' || h === 'id' || h === 'zone');
  const ti = head.findIndex((h) => h === 'tolerance' || h === 't' || h === 'region');
  if (ci < 0 || ti < 0) throw new RusleError('BAD_TABLE', `--zone-tolerance ${file}: needs a 'code' and a 'tolerance' column, header is '${lines[0] ?? ''}'`);
  const byZone: Record<string, number | ToleranceRegion> = {};
  for (const l of lines.slice(1)) {
    const f = l.split(',').map((x) => x.trim());
    const t = f[ti] ?? '';
    const v = Number(t);
    byZone[f[ci] ?? ''] = t !== '' && Number.isFinite(v) ? v : (t as ToleranceRegion);
  }
  const hasDefault = values['tolerance'] !== undefined || values['region'] !== undefined;
  return hasDefault ? { byZone, default: toleranceFlag(values) } : { byZone };
}

/** Writes a rate table as CSV or JSON by the extension of `output`. */
export async function writeRateTable(output: string, table: RateTable, headers: unknown): Promise<void> {
  const ext = extname(output).toLowerCase();
  if (ext === '.json') return writeFileAtomic(output, rateTableToJson(table));
  if (ext !== '.csv') throw new RusleError('BAD_ARGUMENT', `-o must end in .csv or .json, got ${output}`);
  if (headers !== undefined && headers !== 'zh' && headers !== 'en' && headers !== 'both') throw new RusleError('BAD_ARGUMENT', `--headers must be zh, en or both, got ${String(headers)}`);
  return writeFileAtomic(output, rateTableToCsv(table, headers ? { headers: headers as CsvHeaders } : {}));
}

/** Flags shared by rate and change. */
export const ZONE_FLAGS = {
  zones: { type: 'string' },
  'zone-field': { type: 'string' },
  'name-field': { type: 'string' },
  'zone-table': { type: 'string' },
  hierarchy: { type: 'string' },
  'all-touched': { type: 'boolean' },
  'zero-is-none': { type: 'boolean' },
} as const;

/** Help lines of the zone flags. */
export const ZONE_HELP = `  --zones FILE          zones: an integer GeoTIFF on A's grid, or GeoJSON polygons in lon/lat (RFC 7946)
  --zone-field NAME     GeoJSON property holding the zone id (default: feature id, else its order)
  --name-field NAME     GeoJSON property holding the zone name (UTF-8, Chinese names welcome)
  --zone-table FILE     CSV with code,name[,parent[,level]]: names and an explicit hierarchy
  --hierarchy H         admin-codes (China's 6-digit codes: county → city → province), table, or none (default)
  --all-touched         GeoJSON: take every cell a polygon touches (default: cell centre inside)
  --zero-is-none        zone raster: value 0 means no zone`;

export const rateCommand: Command = {
  name: 'rate',
  summary: 'conservation-rate table (水土保持率) per zone and level: land area, area per class, rate, soil loss',
  help: `Usage: rusle rate <A.tif> --units t/ha/yr|t/km2/yr (--tolerance T | --region NAME) [--zones FILE …] [--mask water.tif] -o table.csv|table.json

For the whole grid and each zone (and each level of the hierarchy): land area (km², true cell areas), area in each
SL 190-2007 class, soil-loss area (light and above), conservation rate = (land − loss) / land × 100 (%), total soil
loss (t/yr) and mean modulus (t/km²/yr). One streamed pass over A.

Flags:
  -o, --output FILE     table: .csv (bulletin layout, UTF-8 with BOM) or .json (array of rows)   (required)
  --units U             units of A: t/ha/yr or t/km2/yr (required; never assumed)
  --tolerance T         tolerable soil loss, t/km2/yr (e.g. 500)
  --region NAME         red-soil 500, southwest 500, black-soil 200, northern-rocky 200, loess 1000 (t/km2/yr)
  --zone-tolerance FILE CSV code,tolerance (t/km2/yr or region) per zone; --tolerance/--region is then the default
${ZONE_HELP}
  --mask FILE           raster on A's grid; cells with a non-zero value (water bodies) are not land
  --classes FILE        also write the class raster (Byte, nodata 0) in the same pass
  --headers H           CSV header language: zh, en or both (default both)
  --memory-budget SIZE  memory budget of the pass (default 1GiB)

Example:
  rusle rate A.tif --units t/ha/yr --region red-soil --zones counties.geojson --zone-field code --name-field name \\
    --hierarchy admin-codes -o rate.csv`,
  options: {
    output: { type: 'string', short: 'o' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    'zone-tolerance': { type: 'string' },
    ...ZONE_FLAGS,
    mask: { type: 'string' },
    classes: { type: 'string' },
    headers: { type: 'string' },
    'memory-budget': { type: 'string' },
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const output = args.values['output'];
    if (!input || typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle rate <A.tif> --units … --tolerance|--region … -o table.csv');
    const units = unitsFlag(args.values);
    const tolerance = toleranceWithZones(args.values, ctx);
    const src = await openRaster(resolve(ctx.cwd, input));
    let table: RateTable;
    try {
      const zonesPath = args.values['zones'];
      const layer = typeof zonesPath === 'string' ? await loadZones(zonesPath, src.grid, args.values, ctx) : null;
      const progress = ctx.progress('rate', src.grid.width * src.grid.height);
      const mask = args.values['mask'];
      const classes = args.values['classes'];
      const budget = args.values['memory-budget'];
      table = await conservationRateStreamed(src, layer, {
        units, tolerance,
        ...(typeof mask === 'string' ? { mask: resolve(ctx.cwd, mask) } : {}),
        ...(typeof classes === 'string' ? { classesOutput: resolve(ctx.cwd, classes) } : {}),
        ...(typeof budget === 'string' ? { memoryBudget: budget } : {}),
        onProgress: (p) => progress.update(p.cellsDone),
      });
      progress.finish();
    } finally {
      await src.close();
    }
    await writeRateTable(resolve(ctx.cwd, output), table, args.values['headers']);
    for (const w of table.warnings) ctx.err(`rusle rate: warning: ${w}`);
    const t = table.rows[0]!;
    ctx.out(`wrote ${output}: ${table.rows.length} rows; whole grid ${t.landAreaKm2.toFixed(2)} km² land, rate ${t.rate.toFixed(2)} %`);
    return { json: { output, rows: table.rows, warnings: table.warnings } };
  },
};
