/**
 * `rusle disturbance`: candidate disturbance patches from two dates (NDVI, FVC or land cover), and with `--risk`
 * their risk, the warning list and a map.
 * @module
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { readRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import type { Raster } from '../../raster/raster.js';
import { detectDisturbance, disturbancePatchesToCsv, LANDCOVER_SCHEMES, type DisturbanceMode, type DisturbanceOptions, type DisturbanceResult, type TransitionRule } from '../../assess/disturbance.js';
import { disturbanceRisk, riskTableToCsv, type DisturbanceFactors, type RiskResult } from '../../assess/risk.js';
import { toleranceFlag, unitsFlag } from './grade.js';
import { factorFlag } from './plan.js';
import { patchRiskMapPng } from '../report/patch-map.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { choiceFlag, integerFlag, numberFlag, stringFlag } from '../flags.js';

/** Reads a transition table: a scheme name, a JSON list of { from, to, type }, or a CSV with columns from,to,type. */
export function transitionsFlag(v: string, ctx: CommandContext): keyof typeof LANDCOVER_SCHEMES | TransitionRule[] {
  if (v in LANDCOVER_SCHEMES) return v as keyof typeof LANDCOVER_SCHEMES;
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, v), 'utf8');
  } catch {
    throw new RusleError('BAD_ARGUMENT', `--transitions: ${v} is neither a scheme (${Object.keys(LANDCOVER_SCHEMES).join(', ')}) nor a readable file`);
  }
  if (extname(v).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as TransitionRule[];
    } catch (e) {
      throw new RusleError('BAD_TABLE', `--transitions ${v}: not valid JSON: ${(e as Error).message}`);
    }
  }
  // CSV: from,to,type; from may be * ; several classes separated by spaces or semicolons.
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = lines.shift()?.split(',').map((s) => s.trim().toLowerCase()) ?? [];
  const fi = head.indexOf('from'), ti = head.indexOf('to'), yi = head.indexOf('type');
  if (fi < 0 || ti < 0 || yi < 0) throw new RusleError('BAD_TABLE', `--transitions ${v}: the CSV needs the columns from, to, type; got ${head.join(', ')}`);
  const list = (s: string, line: number): number[] => s.split(/[\s;]+/).filter(Boolean).map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n)) throw new RusleError('BAD_TABLE', `--transitions ${v} line ${line}: class ${x} is not an integer`);
    return n;
  });
  return lines.map((l, k) => {
    const cells = l.split(',').map((s) => s.trim());
    return { from: cells[fi] === '*' ? '*' : list(cells[fi] ?? '', k + 2), to: list(cells[ti] ?? '', k + 2), type: cells[yi] ?? '' };
  });
}

function withSuffix(path: string, suffix: string): string {
  const ext = extname(path);
  return (ext ? path.slice(0, -ext.length) : path) + suffix;
}

export const disturbanceCommand: Command = {
  name: 'disturbance',
  summary: 'disturbance patches from two dates (NDVI, FVC or land cover) as lon/lat GeoJSON; with --risk the warning list and map',
  help: `Usage: rusle disturbance --before B.tif --after A.tif -o patches.geojson [--mode ndvi|fvc|landcover] [options]
       rusle disturbance --before B.tif --after A.tif -o patches.geojson --risk --A A.tif --units U --region NAME (--potential RKLS.tif | --C VALUE|FILE) [--dem DEM.tif]

Marks cells that lost vegetation between the dates (NDVI: drop ≥ 0.2 and after ≤ 0.2; FVC: drop ≥ 0.3 and after ≤
0.3) or changed land cover by a disturbing transition; nodata and cloud in either date are never marked. Marks are
cleaned (minimum size, optional 3×3 opening), grouped into 8-connected patches and written as GeoJSON polygons in
WGS 84 lon/lat with each patch's area, centroid, means, slope and LS. With --risk each patch gets the disturbed soil
loss and risk class of 'rusle risk' (bare soil C = P = 1 unless --by-type says otherwise): the warning list (CSV)
and a PNG map of the patches by risk over a hillshade (--dem) or the A map.

Flags:
  -o, --output FILE     patches, GeoJSON (required); a CSV of the patches is written beside it (.csv)
  --before FILE         first date: NDVI (-1…1), FVC (0…1) or land-cover classes (required)
  --after FILE          second date, same grid (required)
  --mode M              ndvi (default), fvc or landcover
  --min-drop X          smallest drop before − after (default 0.2 NDVI, 0.3 FVC)
  --max-after X         largest value after (default 0.2 NDVI, 0.3 FVC)
  --transitions T       landcover: cnlucc (default), worldcover, seims, or a file (JSON [{from,to,type}] or CSV from,to,type)
  --cloud-before FILE   cloud mask of the first date (non-zero = cloud)
  --cloud-after FILE    cloud mask of the second date
  --opening             3×3 morphological opening before labelling
  --min-cells N         smallest patch, cells (default 4)
  --min-area-ha X       smallest patch, hectares (default 0)
  --align MODE          strict (default: same grid) or whole-cells (work on the overlap)
  --dem FILE            DEM on the grid: mean slope (degrees) and LS (csle preset) per patch; hillshade for the map
  --risk                grade each patch's risk (needs --A, --units, --region|--tolerance, --potential or --C)
  --A FILE              baseline soil loss A
  --units U             units of A: t/ha/yr or t/km2/yr
  --tolerance T | --region NAME   tolerable soil loss, t/km2/yr, or region preset
  --potential FILE      R·K·LS in the units of A
  --C VALUE|FILE        baseline C (when no --potential)
  --P VALUE|FILE        baseline P (default 1)
  --by-type FILE        JSON { "construction": { "C": 1, "P": 1 }, "vegetation-loss": { "C": 0.8 } }
  --warnings FILE       warning list CSV (default: <output>.warnings.csv)
  --map FILE            PNG map of patches by risk (default: <output>.map.png)

Example:
  rusle disturbance --before ndvi2022.tif --after ndvi2023.tif --cloud-after cloud2023.tif -o patches.geojson \\
    --risk --A A.tif --units t/ha/yr --region red-soil --potential rkls.tif --dem dem.tif`,
  options: {
    output: { type: 'string', short: 'o' },
    before: { type: 'string' },
    after: { type: 'string' },
    mode: { type: 'string' },
    'min-drop': { type: 'string' },
    'max-after': { type: 'string' },
    transitions: { type: 'string' },
    'cloud-before': { type: 'string' },
    'cloud-after': { type: 'string' },
    opening: { type: 'boolean' },
    'min-cells': { type: 'string' },
    'min-area-ha': { type: 'string' },
    align: { type: 'string' },
    dem: { type: 'string' },
    risk: { type: 'boolean' },
    A: { type: 'string' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    potential: { type: 'string' },
    C: { type: 'string' },
    P: { type: 'string' },
    'by-type': { type: 'string' },
    warnings: { type: 'string' },
    map: { type: 'string' },
  },
  async run(args, ctx) {
    const v = args.values;
    const s = (k: string): string | undefined => stringFlag(v, k);
    const output = s('output');
    if (!output || !s('before') || !s('after')) throw new RusleError('BAD_ARGUMENT', 'usage: rusle disturbance --before B.tif --after A.tif -o patches.geojson [--mode ndvi|fvc|landcover]');
    if (extname(output).toLowerCase() !== '.geojson' && extname(output).toLowerCase() !== '.json') throw new RusleError('BAD_ARGUMENT', `-o must end in .geojson or .json, got ${output}`);
    const read = (k: string): Promise<Raster> | undefined => (s(k) ? readRaster(resolve(ctx.cwd, s(k)!)) : undefined);
    const [before, after, cloudBefore, cloudAfter, dem] = await Promise.all([read('before')!, read('after')!, read('cloud-before'), read('cloud-after'), read('dem')]);
    const mode: DisturbanceMode = choiceFlag(v, 'mode', ['ndvi', 'fvc', 'landcover'] as const, 'ndvi');
    const opts: DisturbanceOptions = { mode };
    // Ranges are checked by detectDisturbance (BAD_VALUE naming the option); here only "is a number".
    const minDrop = numberFlag(v, 'min-drop', { code: 'BAD_VALUE' }), maxAfter = numberFlag(v, 'max-after', { code: 'BAD_VALUE' });
    const minCells = integerFlag(v, 'min-cells', 1), minHa = numberFlag(v, 'min-area-ha', { min: 0, unit: 'ha', code: 'BAD_VALUE' });
    if (minDrop !== undefined) opts.minDrop = minDrop;
    if (maxAfter !== undefined) opts.maxAfter = maxAfter;
    if (minCells !== undefined) opts.minPatchCells = minCells;
    if (minHa !== undefined) opts.minPatchAreaM2 = minHa * 1e4;
    if (s('transitions')) opts.transitions = transitionsFlag(s('transitions')!, ctx);
    if (cloudBefore) opts.cloudBefore = cloudBefore;
    if (cloudAfter) opts.cloudAfter = cloudAfter;
    if (v['opening'] === true) opts.opening = true;
    opts.align = choiceFlag(v, 'align', ['strict', 'whole-cells'] as const, 'strict');
    if (dem) opts.dem = dem;
    const res: DisturbanceResult = detectDisturbance(before, after, opts);
    for (const w of res.warnings) ctx.err(`rusle disturbance: note: ${w}`);
    const out = resolve(ctx.cwd, output);
    let risk: RiskResult | undefined;
    const files = [output, withSuffix(output, '.csv')];
    if (v['risk'] === true) {
      if (!s('A')) throw new RusleError('BAD_ARGUMENT', '--risk needs --A (baseline soil loss), --units, --region or --tolerance, and --potential or --C');
      const a = await readRaster(resolve(ctx.cwd, s('A')!));
      const potential = await read('potential');
      const C = await factorFlag(v['C'], ctx);
      const P = await factorFlag(v['P'], ctx);
      let byType: Record<string, DisturbanceFactors> | undefined;
      if (s('by-type')) {
        try { byType = JSON.parse(readFileSync(resolve(ctx.cwd, s('by-type')!), 'utf8')) as Record<string, DisturbanceFactors>; }
        catch (e) { throw new RusleError('BAD_VALUE', `--by-type ${s('by-type')}: not readable JSON: ${(e as Error).message}`); }
      }
      if (res.patches.length > 0) {
        risk = disturbanceRisk(a, res.geojson, {
          units: unitsFlag(v), tolerance: toleranceFlag(v), idField: 'id', typeField: 'type',
          ...(potential ? { potential } : {}),
          ...(C !== undefined || P !== undefined ? { factors: { ...(C !== undefined ? { C } : {}), ...(P !== undefined ? { P } : {}) } } : {}),
          ...(byType ? { byType } : {}),
        });
        for (const w of risk.warnings) ctx.err(`rusle disturbance: warning: ${w}`);
        const byId = new Map(risk.rows.map((r) => [Number(r.patch), r]));
        for (const f of res.geojson.features) {
          const r = byId.get(f.id);
          if (!r) continue;
          Object.assign(f.properties, { rank: r.rank, risk: r.risk, baselineModulus: r.baselineModulus, disturbedModulus: r.disturbedModulus, increaseRatio: Number.isFinite(r.increaseRatio) ? r.increaseRatio : null, disturbedClass: r.disturbedClass, addedSoilLossT: r.addedSoilLossT });
        }
      } else {
        unitsFlag(v); toleranceFlag(v);
        risk = { rows: [], warnings: [] };
      }
      const warnPath = s('warnings') ?? withSuffix(output, '.warnings.csv');
      await writeFileAtomic(resolve(ctx.cwd, warnPath), riskTableToCsv(risk));
      const mapPath = s('map') ?? withSuffix(output, '.map.png');
      const byId = new Map(risk.rows.map((r) => [Number(r.patch), r.risk]));
      const bg = dem && dem.grid.equals(res.labels.grid) ? { kind: 'dem' as const, raster: dem } : a.grid.equals(res.labels.grid) ? { kind: 'soil-loss' as const, raster: a } : undefined;
      await writeFileAtomic(resolve(ctx.cwd, mapPath), patchRiskMapPng(res.labels, (id) => byId.get(id), { title: 'Disturbance patches by risk', ...(bg ? { background: bg } : {}) }));
      files.push(warnPath, mapPath);
    }
    await writeFileAtomic(out, JSON.stringify(res.geojson) + '\n');
    await writeFileAtomic(resolve(ctx.cwd, files[1]!), disturbancePatchesToCsv(res.patches));
    const ha = res.patches.reduce((t, p) => t + p.areaM2, 0) / 1e4;
    const high = risk ? risk.rows.filter((r) => r.risk === 'high').length : 0;
    ctx.out(`wrote ${files.join(', ')}: ${res.patches.length} patches, ${ha.toFixed(2)} ha; masked ${(100 * res.maskedShare).toFixed(2)} % of the grid${risk ? `; ${high} high risk` : ''}`);
    return { json: { files, patches: res.patches, counts: res.counts, maskedShare: res.maskedShare, settings: res.settings, warnings: res.warnings, ...(risk ? { risk: risk.rows } : {}) } };
  },
};
