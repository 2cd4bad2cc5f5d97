/**
 * `rusle factor r|k|c|p`: build a factor raster from its inputs (files or numbers) and write it as a GeoTIFF.
 * No science here: every value comes from `src/factors`.
 * @module
 */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command, CommandContext, ParsedArgs } from '../command.js';
import { RusleError } from '../../raster/errors.js';
import type { Raster } from '../../raster/raster.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { isNumberText, numberFlag, stringFlag } from '../flags.js';
import { type FactorResult, type RasterOrNumber, type KMethod, type SlopePRow, kFactorFromTexture, kFactorFromSoilTable, soilTableFromSeims, parseLookupTable, cFactorFromLandCover, pFactorFromLandCover, cFactorFromNdvi, pFactorFromSlope, rFactorFromPrecipitation, idwToGrid } from '../../factors/index.js';
import { parseCsv } from '../../factors/tables.js';

function str(args: ParsedArgs, name: string): string | undefined {
  return stringFlag(args.values, name);
}

function num(args: ParsedArgs, name: string): number | undefined {
  return numberFlag(args.values, name);
}

async function rasterOrNumber(ctx: CommandContext, v: string | undefined, flag: string): Promise<RasterOrNumber | undefined> {
  if (v === undefined) return undefined;
  if (isNumberText(v)) return Number(v);
  return readRaster(resolve(ctx.cwd, v));
}

async function rasterArg(ctx: CommandContext, args: ParsedArgs, flag: string): Promise<Raster> {
  const v = str(args, flag);
  if (v === undefined) throw new RusleError('BAD_ARGUMENT', `--${flag} <file.tif> is required`);
  return readRaster(resolve(ctx.cwd, v));
}

async function text(ctx: CommandContext, path: string): Promise<string> {
  try {
    return await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (e) {
    throw new RusleError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { path, errno: (e as NodeJS.ErrnoException).code }, { cause: e });
  }
}

const K_METHODS: Record<string, KMethod> = { epic: 'epic', 'shirazi-boersma': 'shiraziBoersma', shiraziBoersma: 'shiraziBoersma', nomograph: 'nomograph' };

async function buildK(args: ParsedArgs, ctx: CommandContext, onOutOfRange: 'error' | 'nodata'): Promise<FactorResult> {
  const methodName = str(args, 'method') ?? 'epic';
  const method = K_METHODS[methodName];
  if (!method) throw new RusleError('BAD_ARGUMENT', `--method must be epic, shirazi-boersma or nomograph, got '${methodName}'`);
  const soil = str(args, 'soil');
  if (soil !== undefined) {
    const tablePath = str(args, 'soil-table');
    if (tablePath === undefined) throw new RusleError('BAD_ARGUMENT', '--soil needs --soil-table <SEIMS soil lookup .csv>');
    const soils = soilTableFromSeims(await text(ctx, tablePath));
    const missing = str(args, 'missing') === 'nodata' ? 'nodata' : 'error';
    return kFactorFromSoilTable(await readRaster(resolve(ctx.cwd, soil)), soils, { method, missing });
  }
  const get = (f: string) => rasterOrNumber(ctx, str(args, f), f);
  const [sandPct, siltPct, clayPct, organicCarbonPct, organicMatterPct, veryFineSandPct, structureClass, permeabilityClass] = await Promise.all(
    ['sand', 'silt', 'clay', 'oc', 'om', 'vfs', 'structure', 'permeability'].map(get),
  );
  if (siltPct === undefined || clayPct === undefined) throw new RusleError('BAD_ARGUMENT', '--silt and --clay (rasters or numbers, %) are required, or --soil with --soil-table');
  if (![sandPct, siltPct, clayPct, organicCarbonPct, organicMatterPct, veryFineSandPct, structureClass, permeabilityClass].some((v) => v !== undefined && typeof v !== 'number')) {
    throw new RusleError('BAD_ARGUMENT', `every K input is a number, so there is no grid for the output: give at least one of --sand, --silt, --clay, --oc, --om as a GeoTIFF (or 'rusle formula K.${method} …' for one value)`);
  }
  return kFactorFromTexture(
    {
      siltPct, clayPct,
      ...(sandPct !== undefined ? { sandPct } : {}),
      ...(organicCarbonPct !== undefined ? { organicCarbonPct } : {}),
      ...(organicMatterPct !== undefined ? { organicMatterPct } : {}),
      ...(veryFineSandPct !== undefined ? { veryFineSandPct } : {}),
      ...(structureClass !== undefined ? { structureClass } : {}),
      ...(permeabilityClass !== undefined ? { permeabilityClass } : {}),
    },
    { method, onOutOfRange },
  );
}

async function buildLookup(args: ParsedArgs, ctx: CommandContext, column: string, which: 'c' | 'p'): Promise<FactorResult> {
  const lc = await rasterArg(ctx, args, 'landcover');
  const tablePath = str(args, 'table');
  if (tablePath === undefined) throw new RusleError('BAD_ARGUMENT', '--landcover needs --table <lucode table .csv or .json>');
  const table = parseLookupTable(await text(ctx, tablePath), { keyColumn: str(args, 'key') ?? 'lucode', valueColumn: str(args, 'column') ?? column });
  const missing = str(args, 'missing') === 'nodata' ? 'nodata' : 'error';
  return which === 'c' ? cFactorFromLandCover(lc, table, { missing }) : pFactorFromLandCover(lc, table, { missing });
}

async function buildR(args: ParsedArgs, ctx: CommandContext, onOutOfRange: 'error' | 'nodata'): Promise<FactorResult> {
  const stations = str(args, 'stations');
  if (stations !== undefined) {
    const like = await rasterArg(ctx, args, 'like');
    const { header, rows } = parseCsv(await text(ctx, stations));
    const col = (n: string) => {
      const i = header.findIndex((h) => h.toLowerCase() === n);
      if (i < 0) throw new RusleError('BAD_TABLE', `stations table needs columns x, y, value; has ${header.join(', ')}`);
      return i;
    };
    const [xi, yi, vi] = [col('x'), col('y'), col(str(args, 'column') ?? 'value')];
    const st = rows.map((r) => ({ x: Number(r[xi]), y: Number(r[yi]), value: Number(r[vi]) }));
    const power = num(args, 'power');
    const radiusM = num(args, 'radius-m');
    const nearest = num(args, 'nearest');
    const raster = idwToGrid(st, like.grid, { ...(power !== undefined ? { power } : {}), ...(radiusM !== undefined ? { radiusM } : {}), ...(nearest !== undefined ? { nearest } : {}) });
    let valid = 0;
    for (const v of raster.data) if (v === v) valid++;
    return { raster, report: { validCells: valid, nodataCells: raster.data.length - valid, outOfRange: { count: 0 } } };
  }
  const pv = args.values['precip'];
  const paths = Array.isArray(pv) ? pv.map(String) : typeof pv === 'string' ? [pv] : [];
  if (paths.length === 0) throw new RusleError('BAD_ARGUMENT', 'give --precip <annual.tif> (or 12 × --precip <month.tif>), or --stations <csv> --like <grid.tif>');
  const stack = await Promise.all(paths.map((p) => readRaster(resolve(ctx.cwd, p))));
  const modelName = str(args, 'model') ?? 'renard-freimund';
  const model = modelName === 'renard-freimund' ? 'renardFreimund1994' : modelName === 'fournier' ? 'renardFreimund1994Fournier' : undefined;
  if (!model) throw new RusleError('BAD_ARGUMENT', `--model must be renard-freimund or fournier, got '${modelName}'`);
  return rFactorFromPrecipitation(stack.length === 1 ? stack[0]! : stack, { model, onOutOfRange });
}

export const factorCommand: Command = {
  name: 'factor',
  summary: 'build an R, K, C or P factor raster from rainfall, soil, land cover, NDVI or slope inputs',
  help: `Usage: rusle factor r|k|c|p [flags] -o <out.tif>

Inputs are GeoTIFFs on one grid, or plain numbers where a constant makes sense. Cells whose inputs are outside the
formula's valid range stop the command with their count and the first cell (exit 2), unless --on-out-of-range nodata.

r — rainfall erosivity, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹
  --precip <file>          annual precipitation (mm), or give --precip 12 times for the monthly means (mm)
  --model <name>           renard-freimund (P; default) | fournier (modified Fournier index; needs 12 months)
  --stations <csv>         or: station values (columns x, y, value) in the CRS of --like (lon/lat degrees if
                           geographic; reproject them first otherwise); --column picks another value column
  --like <file>            grid to interpolate onto (IDW), with --power (default 2), --radius-m (default ∞), --nearest
k — soil erodibility, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹
  --method <name>          epic (default) | shirazi-boersma | nomograph
  --sand, --silt, --clay   texture, mass % (file or number)
  --oc | --om              organic carbon or organic matter, % (EPIC: OC = OM / 1.724 when only --om)
  --vfs, --structure, --permeability   nomograph: very fine sand %, structure class 1–4, permeability class 1–6
  --soil <file> --soil-table <csv>     or: soil classes and a SEIMS soil lookup (top layer)
c — cover management, –
  --landcover <file> --table <csv|json> [--column usle_c] [--key lucode] [--missing error|nodata]
  --ndvi <file> [--method van-der-knijff|cai2000] [--alpha 2] [--beta 1] [--ndvi-soil v --ndvi-veg v]
p — support practice, –
  --landcover <file> --table <csv|json> [--column usle_p] [--key lucode] [--missing error|nodata]
  --slope <file> --slope-units degrees|radians|percent --p-table <csv with max_slope_pct,p>
Common
  -o, --output <file>      output GeoTIFF (Float32, Deflate; written to a temp file and renamed)
  --on-out-of-range <p>    error (default) | nodata
  --json                   print the report as JSON

Examples:
  rusle factor c --landcover data/willamette/landuse_90.tif --table data/willamette/biophysical_table.csv -o c.tif
  rusle factor k --soil data/youwuzhen/ywzsoil30m.tif --soil-table data/youwuzhen/soil_properties_lookup.csv -o k.tif
  rusle factor k --sand sand.tif --silt silt.tif --clay clay.tif --oc 1.2 --method epic -o k.tif
  rusle factor r --precip p_annual.tif -o r.tif
`,
  options: {
    output: { type: 'string', short: 'o' },
    'on-out-of-range': { type: 'string' },
    method: { type: 'string' },
    model: { type: 'string' },
    precip: { type: 'string', multiple: true },
    stations: { type: 'string' },
    like: { type: 'string' },
    power: { type: 'string' },
    'radius-m': { type: 'string' },
    nearest: { type: 'string' },
    column: { type: 'string' },
    sand: { type: 'string' },
    silt: { type: 'string' },
    clay: { type: 'string' },
    oc: { type: 'string' },
    om: { type: 'string' },
    vfs: { type: 'string' },
    structure: { type: 'string' },
    permeability: { type: 'string' },
    soil: { type: 'string' },
    'soil-table': { type: 'string' },
    landcover: { type: 'string' },
    table: { type: 'string' },
    key: { type: 'string' },
    missing: { type: 'string' },
    ndvi: { type: 'string' },
    alpha: { type: 'string' },
    beta: { type: 'string' },
    'ndvi-soil': { type: 'string' },
    'ndvi-veg': { type: 'string' },
    slope: { type: 'string' },
    'slope-units': { type: 'string' },
    'p-table': { type: 'string' },
  },
  async run(args, ctx) {
    try {
      return await runFactor(args, ctx);
    } catch (e) {
      // The appliers' hint names their option; on the command line the switch is --on-out-of-range nodata.
      if (e instanceof RusleError && e.message.includes("onOutOfRange: 'nodata'")) {
        throw new RusleError(e.code, e.message.replace("onOutOfRange: 'nodata'", '--on-out-of-range nodata'), e.details ? { ...e.details } : undefined, { cause: e });
      }
      throw e;
    }
  },
};

async function runFactor(args: ParsedArgs, ctx: CommandContext): Promise<number | { json: unknown }> {
    const which = args.positionals[0];
    const out = str(args, 'output');
    if (!which || !['r', 'k', 'c', 'p'].includes(which)) throw new RusleError('BAD_ARGUMENT', "give the factor: 'rusle factor r|k|c|p …' (see --help)");
    if (out === undefined) throw new RusleError('BAD_ARGUMENT', '-o <out.tif> is required');
    const policy = str(args, 'on-out-of-range') ?? 'error';
    if (policy !== 'error' && policy !== 'nodata') throw new RusleError('BAD_ARGUMENT', `--on-out-of-range must be error or nodata, got '${policy}'`);
    let result: FactorResult;
    if (which === 'k') result = await buildK(args, ctx, policy);
    else if (which === 'r') result = await buildR(args, ctx, policy);
    else if (which === 'c') {
      if (str(args, 'ndvi') !== undefined) {
        const m = str(args, 'method') ?? 'van-der-knijff';
        const method = m === 'van-der-knijff' ? 'vanDerKnijff' : m === 'cai2000' ? 'cai2000' : undefined;
        if (!method) throw new RusleError('BAD_ARGUMENT', `--method must be van-der-knijff or cai2000, got '${m}'`);
        const ndviSoil = num(args, 'ndvi-soil');
        const ndviVeg = num(args, 'ndvi-veg');
        const alpha = num(args, 'alpha');
        const beta = num(args, 'beta');
        result = cFactorFromNdvi(await rasterArg(ctx, args, 'ndvi'), {
          method, onOutOfRange: policy,
          ...(alpha !== undefined ? { alpha } : {}), ...(beta !== undefined ? { beta } : {}),
          ...(ndviSoil !== undefined ? { ndviSoil } : {}), ...(ndviVeg !== undefined ? { ndviVeg } : {}),
        });
      } else result = await buildLookup(args, ctx, 'usle_c', 'c');
    } else {
      if (str(args, 'slope') !== undefined) {
        const units = str(args, 'slope-units');
        if (units !== 'degrees' && units !== 'radians' && units !== 'percent') throw new RusleError('BAD_UNITS', '--slope needs --slope-units degrees|radians|percent');
        const tablePath = str(args, 'p-table');
        if (tablePath === undefined) throw new RusleError('BAD_ARGUMENT', '--slope needs --p-table <csv with columns max_slope_pct, p> (no default table is shipped)');
        const { header, rows } = parseCsv(await text(ctx, tablePath));
        const si = header.indexOf('max_slope_pct');
        const pi = header.indexOf('p');
        if (si < 0 || pi < 0) throw new RusleError('BAD_TABLE', `--p-table needs columns max_slope_pct and p; has ${header.join(', ')}`);
        const table: SlopePRow[] = rows.map((r) => ({ maxSlopePct: Number(r[si]), p: Number(r[pi]) }));
        result = pFactorFromSlope(await rasterArg(ctx, args, 'slope'), { slopeUnits: units, table, onOutOfRange: policy });
      } else result = await buildLookup(args, ctx, 'usle_p', 'p');
    }
    const path = resolve(ctx.cwd, out);
    await writeRaster(path, result.raster);
    const summary = { factor: which, output: path, ...result.report };
    if (ctx.json) return { json: summary };
    ctx.out(`${which.toUpperCase()} → ${path}: ${result.report.validCells} valid cells, ${result.report.nodataCells} nodata, ${result.report.outOfRange.count} out of range`);
    return 0;
}
