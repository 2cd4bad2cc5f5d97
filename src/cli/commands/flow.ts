/**
 * `rusle flow`: flow accumulation of a DEM (fill, flats, routing, accumulation) written as a GeoTIFF.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { BAND_HELP, BAND_OPTION, readDem, refuseImageAsDem, requireMetreHeights, zFactorFlag, Z_FACTOR_HELP } from '../checks.js';
import { writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { Raster } from '../../raster/raster.js';
import { flowAccumulation, type FlowRoutingMethod } from '../../terrain/routing/chain.js';
import type { AccumulationOutput } from '../../terrain/accumulate.js';
import { choiceFlag, integerFlag, memoryBudgetFlag, numberFlag } from '../flags.js';
import { openRaster } from '../../io/read.js';
import { parseBytes } from '../../model/blocks.js';
import { flowAccumulationPlan } from '../../terrain/accumulate-tiled.js';
import { flowAccumulationToFile } from '../../jobs/flow-run.js';
import type { JobProgressEvent } from '../../jobs/types.js';

function formatSize(b: number): string {
  return b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GiB` : `${(b / 1024 ** 2).toFixed(0)} MiB`;
}

const ROUTINGS: readonly FlowRoutingMethod[] = ['d8', 'mfd', 'dinf'];
const OUTPUTS: readonly AccumulationOutput[] = ['cells', 'm2', 'sca'];

export const flowCommand: Command = {
  name: 'flow',
  summary: 'flow accumulation of a DEM: contributing cells, upslope area (m²) or specific catchment area (m)',
  help: `Usage: rusle flow <dem.tif> -o out.tif [--routing d8|mfd|dinf] [--exponent P] [--output cells|m2|sca] [--no-fill]
                 [--z-factor F] [--band N]

Fills depressions (Priority-Flood, Barnes et al. 2014), resolves flats (Barnes et al. 2014), routes flow and
accumulates it with one in-degree accumulator. Every output counts the cell itself.

Flags:
  -o, --output-file FILE  output GeoTIFF (required; written to a temporary file and renamed)
  --routing R             d8 (O'Callaghan & Mark 1984, default), mfd (Freeman 1991) or dinf (Tarboton 1997)
  --exponent P            MFD exponent, dimensionless, > 0 (default 1.1; --routing mfd only)
  --output O              cells: contributing cells (default); m2: upslope area in m² (true cell areas, per row on
                          geographic grids); sca: specific catchment area in m = upslope area / cell width
  --no-fill               skip depression filling (the DEM is already filled); flats are still resolved
  --float64               write Float64 (default: Float32, or Float64 for 'cells' on grids over 2^24 cells, so
                          that every count stays exact)
${Z_FACTOR_HELP}; directions and areas do not change with it
${BAND_HELP}
  --memory-budget SIZE    memory the chain may use (512MB, 2GiB, bytes; default 4GiB with --tile-size): above what
                          the in-memory chain needs (about 24 bytes a cell for D8) D8 runs tile by tile (fill, flats,
                          routing, accumulation through a work folder) and says so on one line; MFD and D∞ stop with
                          OUT_OF_MEMORY_BUDGET (in memory only)
  --tile-size N           tile side in cells (≥ 16); runs tile by tile whatever the budget (default 1024 when tiled)
  --keep-work             keep the work folder (tiles, states, manifest) at the end

Example:
  rusle flow data/willamette/dem_30m.tif -o flow_m2.tif --output m2
  rusle flow dem.tif -o sca.tif --routing mfd --exponent 1.1 --output sca`,
  options: {
    'output-file': { type: 'string', short: 'o' },
    routing: { type: 'string' },
    exponent: { type: 'string' },
    output: { type: 'string' },
    'no-fill': { type: 'boolean' },
    float64: { type: 'boolean' },
    'z-factor': { type: 'string' },
    ...BAND_OPTION,
    'memory-budget': { type: 'string' },
    'tile-size': { type: 'string' },
    'keep-work': { type: 'boolean' },
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const outPath = args.values['output-file'];
    if (!input || typeof outPath !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle flow <dem.tif> -o out.tif [--routing d8|mfd|dinf] [--output cells|m2|sca]');
    const routing = choiceFlag<FlowRoutingMethod>(args.values, 'routing', ROUTINGS, 'd8');
    const output = choiceFlag<AccumulationOutput>(args.values, 'output', OUTPUTS, 'cells');
    if (args.values['exponent'] !== undefined && routing !== 'mfd') throw new RusleError('BAD_ARGUMENT', '--exponent applies to --routing mfd only');
    const exponent = numberFlag(args.values, 'exponent', { above: 0, code: 'BAD_VALUE' });
    const t0 = performance.now();
    const budgetFlag = memoryBudgetFlag(args.values);
    const tileSize = integerFlag(args.values, 'tile-size', 16);
    if (budgetFlag !== undefined || tileSize !== undefined) {
      // the file-level path: in memory under the budget, tile by tile above it (the plan is checked before reading)
      const src = await openRaster(resolve(ctx.cwd, input), ctx.band !== undefined ? { band: ctx.band } : {});
      try {
        refuseImageAsDem(src, input);
        requireMetreHeights(src.grid.crs, zFactorFlag(args.values['z-factor']), input, 'flow');
        const budget = parseBytes(budgetFlag ?? '4GiB', '--memory-budget');
        const { width, height } = src.grid;
        const plan = flowAccumulationPlan(routing, width, height, budget);
        const tiled = tileSize !== undefined || plan.mode === 'tiled';
        if (tiled) {
          ctx.out(`flow chain of ${width} × ${height} cells needs about ${formatSize(plan.inMemoryBytes)} in memory${plan.mode === 'tiled' ? `, over the budget of ${formatSize(budget)}` : ''}: running tile by tile (${tileSize ?? 1024}-cell tiles, 2 workers)`);
        }
        let progress: ReturnType<typeof ctx.progress> | null = null;
        const onProgress = (e: JobProgressEvent): void => {
          if (e.job === undefined) {
            progress?.finish();
            progress = ctx.progress(e.stage, e.total, 'tiles');
          } else progress?.update(e.done);
        };
        const f64 = args.values['float64'] === true || (output === 'cells' && width * height > 2 ** 24);
        const r = await flowAccumulationToFile(src, resolve(ctx.cwd, outPath), {
          routing, output, fill: args.values['no-fill'] !== true, float64: f64, memoryBudget: budget, keepWork: args.values['keep-work'] === true,
          ...(exponent !== undefined ? { exponent } : {}),
          ...(tileSize !== undefined ? { tileSize } : {}),
          ...(tiled ? { onProgress } : {}),
        });
        (progress as ReturnType<typeof ctx.progress> | null)?.finish();
        const seconds = (performance.now() - t0) / 1000;
        ctx.out(`wrote ${outPath}: ${routing} ${output}, ${width} × ${height}${r.tiled ? `, ${r.tiles} tiles, ${r.rounds} rounds` : ', in memory'}, ${seconds.toFixed(2)} s`);
        return { json: { output: outPath, routing, quantity: output, width, height, seconds, type: f64 ? 'Float64' : 'Float32', tiled: r.tiled, tiles: r.tiles ?? null, rounds: r.rounds ?? null } };
      } finally {
        await src.close();
      }
    }
    const { dem, zFactor } = await readDem(ctx, input, args.values, 'flow');
    const acc = flowAccumulation(dem, {
      routing,
      output,
      fill: args.values['no-fill'] !== true,
      ...(zFactor !== undefined ? { zFactor } : {}),
      ...(exponent !== undefined ? { exponent } : {}),
    });
    const n = acc.data.length;
    const f64 = args.values['float64'] === true || (output === 'cells' && n > 2 ** 24);
    const outRaster = f64 ? acc : new Raster(acc.grid, Float32Array.from(acc.data), NaN);
    await writeRaster(resolve(ctx.cwd, outPath), outRaster);
    let max = 0;
    for (let i = 0; i < n; i++) if (acc.data[i]! > max) max = acc.data[i]!;
    const seconds = (performance.now() - t0) / 1000;
    const unit = output === 'cells' ? 'cells' : output === 'm2' ? 'm²' : 'm';
    ctx.out(`wrote ${outPath}: ${routing} ${output}, ${acc.width} × ${acc.height}, max ${max} ${unit}, ${seconds.toFixed(2)} s`);
    return { json: { output: outPath, routing, quantity: output, width: acc.width, height: acc.height, max, seconds, type: f64 ? 'Float64' : 'Float32' } };
  },
};
