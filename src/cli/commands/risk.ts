/**
 * `rusle risk`: early warning for human-caused soil loss on disturbance patches.
 * @module
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { readRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { disturbanceRisk, riskTableToCsv, type DisturbanceFactors } from '../../assess/risk.js';
import { toleranceFlag, unitsFlag } from './grade.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { factorFlag } from './plan.js';

export const riskCommand: Command = {
  name: 'risk',
  summary: 'early warning: disturbed vs baseline soil loss on construction/mine/spoil patches, risk class, ranked list',
  help: `Usage: rusle risk <A.tif> --patches sites.geojson --units U (--tolerance T | --region NAME) (--potential RKLS.tif | --C VALUE|FILE [--P VALUE|FILE]) -o warnings.csv|warnings.json

Each patch (GeoJSON polygon in lon/lat) is disturbed with bare-soil C = 1 and P = 1 unless given by type or per
feature. Disturbed A = R·K·LS · C_d · P_d with --potential, else A · C_d / C · P_d / P. Risk (our rule): high when
the disturbed mean modulus is ≥ 5000 t/km2/yr, or ≥ 2500 with an increase ≥ 5×; medium when ≥ T; low otherwise.
The list is ranked by added soil loss (t/yr).

Flags:
  -o, --output FILE     warning list: .csv or .json (required)
  --patches FILE        GeoJSON polygons of disturbance patches (required)
  --units U             units of A (and R·K·LS): t/ha/yr or t/km2/yr (required)
  --tolerance T | --region NAME   tolerable soil loss, t/km2/yr, or region preset
  --potential FILE      R·K·LS raster in the units of A
  --C VALUE|FILE        baseline C (when no --potential)
  --P VALUE|FILE        baseline P (when no --potential; default 1)
  --id-field NAME       property with the patch id (default: feature id, else order)
  --type-field NAME     property with the disturbance type (default type)
  --by-type FILE        JSON { "spoil": { "C": 1, "P": 1 }, "construction": { "C": 0.6 } }
  --c-field NAME        property with a per-patch disturbed C
  --p-field NAME        property with a per-patch disturbed P
  --all-touched         take every cell a patch touches

Example:
  rusle risk A.tif --patches sites.geojson --units t/ha/yr --region red-soil --C C.tif --P 1 -o warnings.csv`,
  options: {
    output: { type: 'string', short: 'o' },
    patches: { type: 'string' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    potential: { type: 'string' },
    C: { type: 'string' },
    P: { type: 'string' },
    'id-field': { type: 'string' },
    'type-field': { type: 'string' },
    'by-type': { type: 'string' },
    'c-field': { type: 'string' },
    'p-field': { type: 'string' },
    'all-touched': { type: 'boolean' },
  },
  async run(args, ctx) {
    const v = args.values;
    const input = args.positionals[0];
    const output = v['output'];
    if (!input || typeof output !== 'string' || typeof v['patches'] !== 'string') {
      throw new RusleError('BAD_ARGUMENT', 'usage: rusle risk <A.tif> --patches sites.geojson --units … --region … (--potential … | --C …) -o warnings.csv');
    }
    const readJson = (p: string, what: string): unknown => {
      try {
        return JSON.parse(readFileSync(resolve(ctx.cwd, p), 'utf8'));
      } catch (e) {
        throw new RusleError('BAD_VALUE', `${what} ${p}: not readable JSON: ${(e as Error).message}`);
      }
    };
    const patches = readJson(v['patches'], '--patches') as Parameters<typeof disturbanceRisk>[1];
    const byType = typeof v['by-type'] === 'string' ? (readJson(v['by-type'], '--by-type') as Record<string, DisturbanceFactors>) : undefined;
    const a = await readRaster(resolve(ctx.cwd, input));
    const potential = typeof v['potential'] === 'string' ? await readRaster(resolve(ctx.cwd, v['potential'])) : undefined;
    const C = await factorFlag(v['C'], ctx);
    const P = await factorFlag(v['P'], ctx);
    const s = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    const result = disturbanceRisk(a, patches, {
      units: unitsFlag(v), tolerance: toleranceFlag(v),
      ...(potential ? { potential } : {}),
      ...(C !== undefined || P !== undefined ? { factors: { ...(C !== undefined ? { C } : {}), ...(P !== undefined ? { P } : {}) } } : {}),
      ...(s('id-field') ? { idField: s('id-field') } : {}), ...(s('type-field') ? { typeField: s('type-field') } : {}),
      ...(s('c-field') ? { cField: s('c-field') } : {}), ...(s('p-field') ? { pField: s('p-field') } : {}),
      ...(byType ? { byType } : {}), ...(v['all-touched'] === true ? { allTouched: true } : {}),
    });
    const out = resolve(ctx.cwd, output);
    const ext = extname(out).toLowerCase();
    if (ext === '.json') await writeFileAtomic(out, JSON.stringify({ rows: result.rows, warnings: result.warnings }, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? (Number.isNaN(x) ? null : 'Infinity') : x), 2) + '\n');
    else if (ext === '.csv') await writeFileAtomic(out, riskTableToCsv(result));
    else throw new RusleError('BAD_ARGUMENT', `-o must end in .csv or .json, got ${output}`);
    for (const w of result.warnings) ctx.err(`rusle risk: warning: ${w}`);
    const high = result.rows.filter((r) => r.risk === 'high').length;
    ctx.out(`wrote ${output}: ${result.rows.length} patches, ${high} high risk`);
    return { json: { output, rows: result.rows, warnings: result.warnings } };
  },
};
