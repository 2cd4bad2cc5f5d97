/**
 * `rusle plan`: the least treated area that reaches a target conservation rate, and where to act first.
 * @module
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import type { Raster } from '../../raster/raster.js';
import { planTarget, type Measure, type PlanRow } from '../../assess/plan.js';
import { toleranceFlag, unitsFlag } from './grade.js';
import { loadZones, ZONE_FLAGS, ZONE_HELP } from './rate.js';
import { writeFileAtomic } from '../../io/atomic.js';

/** A factor flag: a number, or a raster path. */
export async function factorFlag(v: unknown, ctx: CommandContext): Promise<Raster | number | undefined> {
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n)) return n;
  return readRaster(resolve(ctx.cwd, v));
}

function planCsv(rows: PlanRow[]): string {
  const head = ['zone', 'name', 'landAreaKm2', 'rateBefore', 'targetRate', 'needKm2', 'treatedAreaKm2', 'convertedAreaKm2', 'convertibleAreaKm2', 'rateReached', 'reachable'];
  const num = (v: number): string => (Number.isFinite(v) ? String(+v.toFixed(6)) : '');
  const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return '\ufeff' + [head.join(','), ...rows.map((r) => [String(r.zone), r.name, num(r.landAreaKm2), num(r.rateBefore), num(r.targetRate), num(r.needKm2),
    num(r.treatedAreaKm2), num(r.convertedAreaKm2), num(r.convertibleAreaKm2), num(r.rateReached), String(r.reachable)].map(cell).join(','))].join('\n') + '\n';
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'plan to reach a target conservation rate: least treated area per zone, priority raster, unreachable targets',
  help: `Usage: rusle plan <A.tif> --units U (--tolerance T | --region NAME) --target PCT --measures measures.json [factor and zone flags] -o plan.csv|plan.json [--priority priority.tif]

A measure changes C or P on eligible land; A_new = A · F_new / F_old. Per zone, the soil-loss area that must become
slight to reach the target is treated, taking first the cells that remove the most soil (or, with --watersheds,
whole small watersheds by converted / treated area). measures.json is an array such as
  [{ "name": "afforestation", "factor": "C", "value": 0.03, "landCover": [3, 4] },
   { "name": "terraces", "factor": "P", "value": 0.2, "landCover": [1], "minSlopeDegrees": 5 }]

Flags:
  -o, --output FILE     table: .csv or .json (required)
  --target PCT          target conservation rate, percent (e.g. 86.57) (required)
  --measures FILE       JSON array of measures (required)
  --units U             units of A: t/ha/yr or t/km2/yr (required)
  --tolerance T | --region NAME   tolerable soil loss, t/km2/yr, or region preset
  --C VALUE|FILE        current C (raster or constant), needed by measures on C
  --P VALUE|FILE        current P (raster or constant), needed by measures on P
  --land-cover FILE     land-cover codes (for measures limited to codes)
  --slope FILE          slope in degrees (for measures with slope limits)
  --watersheds FILE     small-watershed ids: treat whole watersheds
${ZONE_HELP}
  --mask FILE           raster; non-zero cells are not land
  --priority FILE       write the priority raster (Int32: rank within the zone, 0 untreated)
  --measure-raster FILE write the measure raster (Byte: measure index + 1, 0 none)

Example:
  rusle plan A.tif --units t/ha/yr --region red-soil --target 86.57 --measures measures.json --C C.tif --P 1 \\
    --land-cover lulc.tif --slope slope.tif --zones counties.tif -o plan.csv --priority priority.tif`,
  options: {
    output: { type: 'string', short: 'o' },
    target: { type: 'string' },
    measures: { type: 'string' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    C: { type: 'string' },
    P: { type: 'string' },
    'land-cover': { type: 'string' },
    slope: { type: 'string' },
    watersheds: { type: 'string' },
    ...ZONE_FLAGS,
    mask: { type: 'string' },
    priority: { type: 'string' },
    'measure-raster': { type: 'string' },
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const output = args.values['output'];
    const v = args.values;
    if (!input || typeof output !== 'string' || typeof v['measures'] !== 'string' || typeof v['target'] !== 'string') {
      throw new RusleError('BAD_ARGUMENT', 'usage: rusle plan <A.tif> --units … --region … --target PCT --measures measures.json -o plan.csv');
    }
    let measures: Measure[];
    try {
      measures = JSON.parse(readFileSync(resolve(ctx.cwd, v['measures']), 'utf8')) as Measure[];
    } catch (e) {
      throw new RusleError('BAD_VALUE', `--measures ${v['measures']}: not a readable JSON array of measures: ${(e as Error).message}`);
    }
    const a = await readRaster(resolve(ctx.cwd, input));
    const opt = async (name: string): Promise<Raster | undefined> => (typeof v[name] === 'string' ? readRaster(resolve(ctx.cwd, v[name] as string)) : undefined);
    const C = await factorFlag(v['C'], ctx);
    const P = await factorFlag(v['P'], ctx);
    const landCover = await opt('land-cover');
    const slopeDegrees = await opt('slope');
    const watersheds = await opt('watersheds');
    const mask = await opt('mask');
    const zones = typeof v['zones'] === 'string' ? await loadZones(v['zones'], a.grid, v, ctx) : null;
    const plan = planTarget(a, {
      units: unitsFlag(v), tolerance: toleranceFlag(v), targetRate: Number(v['target']), measures,
      factors: { ...(C !== undefined ? { C } : {}), ...(P !== undefined ? { P } : {}) },
      ...(landCover ? { landCover } : {}), ...(slopeDegrees ? { slopeDegrees } : {}), ...(watersheds ? { watersheds } : {}),
      ...(mask ? { mask } : {}), zones,
    });
    const out = resolve(ctx.cwd, output);
    const ext = extname(out).toLowerCase();
    if (ext === '.json') await writeFileAtomic(out, JSON.stringify({ rows: plan.rows, warnings: plan.warnings }, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) + '\n');
    else if (ext === '.csv') await writeFileAtomic(out, planCsv(plan.rows));
    else throw new RusleError('BAD_ARGUMENT', `-o must end in .csv or .json, got ${output}`);
    if (typeof v['priority'] === 'string') await writeRaster(resolve(ctx.cwd, v['priority']), plan.priority, { nodata: null });
    if (typeof v['measure-raster'] === 'string') await writeRaster(resolve(ctx.cwd, v['measure-raster']), plan.measure, { nodata: null });
    for (const w of plan.warnings) ctx.err(`rusle plan: warning: ${w}`);
    const t = plan.rows[0]!;
    ctx.out(`wrote ${output}: rate ${t.rateBefore.toFixed(2)} % → ${t.rateReached.toFixed(2)} % treating ${t.treatedAreaKm2.toFixed(3)} km² (${t.reachable ? 'target reached' : 'target NOT reachable in every zone'})`);
    return { json: { output, rows: plan.rows, warnings: plan.warnings } };
  },
};
