/**
 * `rusle fill`: depression filling by Priority-Flood (Barnes et al. 2014), in memory or tile by tile (Barnes 2016).
 * @module
 */
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireValidCells } from '../checks.js';
import { integerFlag, memoryBudgetFlag, stringFlag } from '../flags.js';
import type { Progress } from '../progress.js';
import { openRaster, writeRaster } from '../../io/index.js';
import { fillDepressionsToFile, formatBytes, planFill } from '../../jobs/fill-run.js';
import { parseBytes } from '../../model/blocks.js';
import { RusleError } from '../../raster/errors.js';
import { fillDepressionsWithStats } from '../../terrain/fill.js';

export const fillCommand: Command = {
  name: 'fill',
  summary: 'fill the depressions of a DEM (Priority-Flood, Barnes et al. 2014; optional ε gradient; tiled above the memory budget)',
  help: `Usage: rusle fill <dem.tif> -o filled.tif [--epsilon] [--memory-budget <size>] [--tile-size <cells>]

Fills every depression to its spill elevation by Priority-Flood (Barnes, Lehman & Mulla 2014), so that every cell
drains to the grid edge or to nodata. Outlets: valid cells on the grid edge and valid cells beside nodata (as SAGA's
Fill Sinks (Wang & Liu)); nodata stays nodata. The result equals SAGA ta_preprocessor 4 -MINSLOPE 0.
Output: Float32 GeoTIFF (Float64 for a Float64 DEM) on the DEM's grid, nodata NaN.

A DEM whose in-memory fill (about 12 bytes per cell) exceeds the memory budget is filled tile by tile (Barnes 2016:
per-tile fill, a global spill graph, finishing each tile) on worker threads, with the same output bit for bit; the
command says so on one line. Intermediate files go to a work folder beside the output, removed at the end.

Flags:
  -o, --output FILE       output GeoTIFF (required)
  --epsilon               raise filled cells by one float ulp per step (Barnes 2014 Priority-Flood+ε) so that no
                          flat remains (default off: flats stay flat; routing resolves them with the flat mask,
                          which keeps artificial slope out of S)
  --memory-budget SIZE    memory the fill may use, e.g. 2GiB, 512MB (default: half of this machine's memory)
  --tile-size CELLS       tile side in cells; forces the tiled fill (default: the largest that fits the budget)
  --workers N             worker threads for tiles (default 2)
  --work-dir DIR          work folder for the tiled fill (default: a new folder beside the output); a rerun with
                          the same folder skips finished tile jobs
  --keep-work             keep the work folder

Example:
  rusle fill data/bigtujunga/srtm_bigtujunga30m_utm11.tif -o filled.tif
  rusle fill province_10m.tif -o filled.tif --memory-budget 2GiB`,
  options: {
    output: { type: 'string', short: 'o' },
    epsilon: { type: 'boolean' },
    'memory-budget': { type: 'string' },
    'tile-size': { type: 'string' },
    workers: { type: 'string' },
    'work-dir': { type: 'string' },
    'keep-work': { type: 'boolean' },
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const output = args.values['output'];
    if (!input || typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle fill <dem.tif> -o filled.tif [--epsilon] [--memory-budget <size>] [--tile-size <cells>]');
    const epsilon = args.values['epsilon'] === true;
    const budgetText = memoryBudgetFlag(args.values);
    const memoryBudget = budgetText !== undefined ? parseBytes(budgetText, '--memory-budget') : Math.floor(totalmem() / 2);
    const tileSize = integerFlag(args.values, 'tile-size', 1);
    const workers = integerFlag(args.values, 'workers', 1) ?? 2;
    const workDir = stringFlag(args.values, 'work-dir');
    const t0 = performance.now();
    const src = await openRaster(resolve(ctx.cwd, input));
    try {
      const { width, height } = src.grid;
      const plan = planFill(width, height, src.sampleType, { memoryBudget, tileSize, workers });
      if (!plan.tiled) {
        const dem = await src.read({ x: 0, y: 0, width, height });
        requireValidCells(dem, input);
        const { filled, stats } = fillDepressionsWithStats(dem, { epsilon });
        await writeRaster(resolve(ctx.cwd, output), filled);
        const seconds = (performance.now() - t0) / 1000;
        ctx.out(`filled ${width} × ${height} cells (${stats.raisedCells} raised) → ${output} in ${seconds.toFixed(2)} s`);
        return { json: { output, width, height, raisedCells: stats.raisedCells, epsilon, tiled: false, seconds } };
      }
      const reason = tileSize !== undefined ? `--tile-size ${tileSize}` : `the in-memory fill needs ${formatBytes(plan.inMemoryBytes)}, over the budget of ${formatBytes(memoryBudget)}`;
      ctx.out(`fill: ${reason}: filling in tiles of ${plan.tileSize} × ${plan.tileSize} cells on ${plan.workers} worker${plan.workers === 1 ? '' : 's'} (at most ${formatBytes(plan.tiledBytes!)})`);
      let bar: Progress | undefined;
      const r = await fillDepressionsToFile(src, resolve(ctx.cwd, output), {
        epsilon, memoryBudget, workers, keepWork: args.values['keep-work'] === true,
        ...(tileSize !== undefined ? { tileSize } : {}),
        ...(workDir !== undefined ? { workDir: resolve(ctx.cwd, workDir) } : {}),
        onProgress: (e) => {
          if (e.job === undefined) {
            bar?.finish();
            bar = ctx.progress(`fill ${e.stage} (stage ${e.stageIndex + 1})`, e.total, 'tiles');
          } else bar?.update(e.done);
        },
      });
      bar?.finish();
      const seconds = (performance.now() - t0) / 1000;
      ctx.out(`filled ${width} × ${height} cells in ${r.tiles} tiles (${r.raisedCells} raised) → ${output} in ${seconds.toFixed(2)} s`);
      return { json: { output, width, height, raisedCells: r.raisedCells, epsilon, tiled: true, tileSize: r.tileSize, tiles: r.tiles, epsilonRounds: r.epsilonRounds, seconds } };
    } finally {
      await src.close();
    }
  },
};
