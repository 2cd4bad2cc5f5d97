/**
 * `rusle ls`: the LS factor from a DEM (`lsFactor`) or from slope and upslope-area rasters (`lsFromSlopeAndArea`).
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { BAND_HELP, BAND_OPTION, checkSlopeUnits, readDem, readInput, refuseImageAsDem, requireMetreHeights, requireValidCells, zFactorFlag, Z_FACTOR_HELP } from '../checks.js';
import { writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { lsFactor, lsFromSlopeAndArea, type LsFactorOptions, type LsAreaUnits, type LsSlopeUnits } from '../../factors/ls/ls-factor.js';
import { LS_PRESETS, type LsPresetName, type LsRouting, type LsSFormula, type LsMFormula } from '../../factors/ls/presets.js';
import { integerFlag, memoryBudgetFlag, numberFlag } from '../flags.js';
import { openRaster } from '../../io/read.js';
import { parseBytes } from '../../model/blocks.js';
import { lsPlan } from '../../factors/ls/ls-tiled.js';
import { lsFactorToFile } from '../../jobs/ls-run.js';
import type { JobProgressEvent } from '../../jobs/types.js';

function formatGiB(b: number): string {
  return b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GiB` : `${(b / 1024 ** 2).toFixed(0)} MiB`;
}

function presetFlag(v: unknown): LsPresetName | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(v in LS_PRESETS)) throw new RusleError('BAD_ARGUMENT', `--preset must be one of ${Object.keys(LS_PRESETS).join(', ')}, got '${String(v)}'`);
  return v as LsPresetName;
}

export const lsCommand: Command = {
  name: 'ls',
  summary: 'LS factor (slope length and steepness) from a DEM, or from slope and upslope-area rasters',
  help: `Usage:
  rusle ls <dem.tif> -o LS.tif [--preset NAME] [--routing d8|mfd|dinf] [--s-formula ID] [--m-formula ID]
           [--max-length M] [--cap-l L] [--channel-threshold M2] [--z-factor F] [--band N]
  rusle ls --slope s.tif --slope-units radians|degrees|percent --area a.tif --area-units m2|sca|cells
           (--method desmet-govers|moore-burch | --preset saga-desmet-govers|invest-3.3|invest-3.14) -o LS.tif

From a DEM (elevations in metres; projected grid, or geographic with true distances): fill, route, slope length or
upslope area, then L · S. Output: Float32 GeoTIFF on the DEM's grid, dimensionless, nodata where the DEM is nodata.

Flags:
  -o, --output FILE          output GeoTIFF (required)
  --preset NAME              csle | rusle-aml | invest-3.3 (alias invest) | invest-3.14 | saga-desmet-govers |
                             grass-r.watershed (default rusle-aml)
                             see docs/ls-methods.md for what each one mirrors
  --routing R                routing of the upslope area for area methods: d8, mfd, dinf (default: the preset's)
  --s-formula ID             S.mccool1987 | S.csle | S.liu1994 | S.nearing1997 | S.wischmeierSmith1978 | S.mccool1987short
  --m-formula ID             m.mccool1989 | m.usle | m.csle | m.invest
  --max-length M             cap on the slope length λ, metres (default: none; AH703 suggests ~305 m)
  --cap-l L                  cap on the L factor, dimensionless (default: none; invest-3.3 333, invest-3.14 122)
  --channel-threshold M2     upslope area (m²) above which a cell is a channel and the slope length restarts
                             (default: none)
  --memory-budget SIZE       memory LS may use (512MB, 2GiB, bytes; default 4GiB when --tile-size is given): above
                             what the in-memory LS needs (about 60 bytes a cell) csle, rusle-aml and
                             grass-r.watershed run tile by tile through a work folder and say so on one line;
                             invest and saga-desmet-govers (D∞ and MFD areas) stop with OUT_OF_MEMORY_BUDGET
  --tile-size N              tile side in cells; runs tile by tile whatever the budget (default 1024 when tiled)
  --keep-work                keep the work folder (tiles, states, manifest) at the end
  --slope FILE, --area FILE  slope and upslope-area rasters made elsewhere (second form)
  --slope-units U            radians, degrees or percent (required with --slope; never guessed)
  --area-units U             m2 (the cell included), sca (specific catchment area, m) or cells (required with --area)
  --aspect FILE              aspect raster in radians for the flow-width factor x of Desmet & Govers (optional)
  --method M                 desmet-govers or moore-burch (second form)
${Z_FACTOR_HELP}
${BAND_HELP}

A flag that the chosen preset or method does not use is refused (IGNORED_OPTION) rather than ignored.

Examples:
  rusle ls data/youwuzhen/ywzdem30m.tif -o LS.tif --preset csle --max-length 300
  rusle ls province_10m.tif -o LS.tif --preset rusle-aml --memory-budget 2GiB
  rusle ls --slope slope.tif --slope-units radians --area area.tif --area-units m2 --preset saga-desmet-govers -o LS.tif`,
  options: {
    output: { type: 'string', short: 'o' },
    preset: { type: 'string' },
    routing: { type: 'string' },
    's-formula': { type: 'string' },
    'm-formula': { type: 'string' },
    'max-length': { type: 'string' },
    'cap-l': { type: 'string' },
    'channel-threshold': { type: 'string' },
    slope: { type: 'string' },
    'slope-units': { type: 'string' },
    area: { type: 'string' },
    'area-units': { type: 'string' },
    aspect: { type: 'string' },
    method: { type: 'string' },
    'z-factor': { type: 'string' },
    ...BAND_OPTION,
    'memory-budget': { type: 'string' },
    'tile-size': { type: 'string' },
    'keep-work': { type: 'boolean' },
  },
  async run(args, ctx) {
    const v = args.values;
    const output = v['output'];
    if (typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'rusle ls: -o/--output FILE is required');
    const preset = presetFlag(v['preset']);
    const out = resolve(ctx.cwd, output);
    let ls;
    let options;
    if (typeof v['slope'] === 'string' || typeof v['area'] === 'string') {
      if (typeof v['slope'] !== 'string' || typeof v['area'] !== 'string') throw new RusleError('BAD_ARGUMENT', 'rusle ls: give both --slope and --area');
      if (args.positionals.length > 0) throw new RusleError('BAD_ARGUMENT', 'rusle ls: give either a DEM or --slope/--area, not both');
      for (const f of ['routing', 'max-length', 'channel-threshold', 'z-factor']) {
        if (v[f] !== undefined) throw new RusleError('IGNORED_OPTION', `rusle ls: --${f} applies to the DEM form only; with --slope and --area it would change nothing`, { option: f });
      }
      const method = v['method'];
      if (method !== undefined && method !== 'desmet-govers' && method !== 'moore-burch') throw new RusleError('BAD_ARGUMENT', `--method must be desmet-govers or moore-burch, got '${String(method)}'`);
      const slope = await readInput(ctx, v['slope']);
      const area = await readInput(ctx, v['area']);
      requireValidCells(slope, v['slope']);
      requireValidCells(area, v['area']);
      if (typeof v['slope-units'] === 'string') checkSlopeUnits(slope, v['slope-units'], v['slope']);
      const aspect = typeof v['aspect'] === 'string' ? await readInput(ctx, v['aspect']) : undefined;
      const capL = numberFlag(v, 'cap-l', { above: 0, unit: 'L units', allowNone: true });
      const r = lsFromSlopeAndArea(slope, area, {
        slopeUnits: v['slope-units'] as LsSlopeUnits,
        areaUnits: v['area-units'] as LsAreaUnits,
        ...(method ? { method } : {}),
        ...(preset ? { preset } : {}),
        ...(aspect ? { aspectRad: aspect } : {}),
        ...(typeof v['s-formula'] === 'string' ? { sFormula: v['s-formula'] as LsSFormula } : {}),
        ...(typeof v['m-formula'] === 'string' ? { mFormula: v['m-formula'] as LsMFormula } : {}),
        ...(capL !== undefined ? { capL } : {}),
      });
      ls = r.ls;
      options = r.options;
    } else {
      const demPath = args.positionals[0];
      if (!demPath) throw new RusleError('BAD_ARGUMENT', 'usage: rusle ls <dem.tif> -o LS.tif [--preset NAME] (or --slope/--area; see rusle ls --help)');
      for (const f of ['aspect', 'method', 'slope-units', 'area-units']) {
        if (v[f] !== undefined) throw new RusleError('IGNORED_OPTION', `rusle ls: --${f} applies to the --slope/--area form only; from a DEM it would change nothing (choose the method with --preset)`, { option: f });
      }
      const zFactor = zFactorFlag(v['z-factor']);
      const maxLengthM = numberFlag(v, 'max-length', { above: 0, unit: 'metres', allowNone: true });
      const capL = numberFlag(v, 'cap-l', { above: 0, unit: 'L units', allowNone: true });
      const channelThresholdM2 = numberFlag(v, 'channel-threshold', { above: 0, unit: 'm²', allowNone: true });
      const o: LsFactorOptions = {
        ...(preset ? { preset } : {}),
        ...(typeof v['routing'] === 'string' ? { routing: v['routing'] as LsRouting } : {}),
        ...(typeof v['s-formula'] === 'string' ? { sFormula: v['s-formula'] as LsSFormula } : {}),
        ...(typeof v['m-formula'] === 'string' ? { mFormula: v['m-formula'] as LsMFormula } : {}),
        ...(maxLengthM !== undefined ? { maxLengthM } : {}),
        ...(capL !== undefined ? { capL } : {}),
        ...(channelThresholdM2 !== undefined ? { channelThresholdM2 } : {}),
        ...(zFactor !== undefined ? { zFactor } : {}),
      };
      if (o.routing !== undefined && !['d8', 'mfd', 'dinf'].includes(o.routing)) throw new RusleError('BAD_ARGUMENT', `--routing must be d8, mfd or dinf, got '${o.routing}'`);
      const budgetFlag = memoryBudgetFlag(v);
      const tileSize = integerFlag(v, 'tile-size', 16);
      if (budgetFlag !== undefined || tileSize !== undefined) {
        // the file-level path: in memory under the budget, tile by tile above it (the plan is checked before reading)
        const src = await openRaster(resolve(ctx.cwd, demPath), ctx.band !== undefined ? { band: ctx.band } : {});
        try {
          refuseImageAsDem(src, demPath);
          requireMetreHeights(src.grid.crs, zFactor, demPath, 'ls');
          const budget = parseBytes(budgetFlag ?? '4GiB', '--memory-budget');
          const plan = lsPlan({ ...o }, src.grid.width, src.grid.height, budget);
          const tiled = tileSize !== undefined || plan.mode === 'tiled';
          if (tiled) {
            ctx.out(`LS of ${src.grid.width} × ${src.grid.height} cells needs about ${formatGiB(plan.inMemoryBytes)} in memory${plan.mode === 'tiled' ? `, over the budget of ${formatGiB(budget)}` : ''}: running tile by tile (${tileSize ?? 1024}-cell tiles, 2 workers)`);
          }
          // progress per stage (fill, LS visit rounds, routes) and per tile job
          let progress: ReturnType<typeof ctx.progress> | null = null;
          const onProgress = (e: JobProgressEvent): void => {
            if (e.job === undefined) {
              progress?.finish();
              progress = ctx.progress(e.stage, e.total, 'tiles');
            } else progress?.update(e.done);
          };
          const r = await lsFactorToFile(src, out, {
            ...o, memoryBudget: budget, keepWork: v['keep-work'] === true,
            ...(tileSize !== undefined ? { tileSize } : {}),
            ...(tiled ? { onProgress } : {}),
          });
          (progress as ReturnType<typeof ctx.progress> | null)?.finish();
          const used = { preset: o.preset ?? 'rusle-aml' };
          ctx.out(r.tiled
            ? `wrote ${output}: LS (${used.preset}) of ${r.width} × ${r.height} cells in ${r.tiles} tiles, ${r.rounds} rounds`
            : `wrote ${output}: LS (${used.preset}) of ${r.width} × ${r.height} cells in memory`);
          return { json: { output, preset: used.preset, tiled: r.tiled, tiles: r.tiles ?? null, rounds: r.rounds ?? null } };
        } finally {
          await src.close();
        }
      }
      const { dem } = await readDem(ctx, demPath, v, 'ls');
      const r = lsFactor(dem, o);
      ls = r.ls;
      options = r.options;
    }
    await writeRaster(out, ls);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    const d = ls.data;
    for (let i = 0; i < d.length; i++) {
      const x = d[i]!;
      if (x === x) {
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
        count++;
      }
    }
    const mean = count ? sum / count : NaN;
    ctx.out(`wrote ${output}: LS (${options.preset}) min ${min.toFixed(3)} mean ${mean.toFixed(3)} max ${max.toFixed(3)} over ${count} cells`);
    return { json: { output, preset: options.preset, options: { ...options, capL: String(options.capL), maxLengthM: String(options.maxLengthM), channelThresholdM2: String(options.channelThresholdM2) }, min, mean, max, validCells: count } };
  },
};
