/**
 * `rusle sdr`: sediment delivery ratio, export and deposition as InVEST SDR (3.14–3.20, MFD) defines them.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireValidCells } from '../checks.js';
import { memoryBudgetFlag, numberFlag, stringFlag } from '../flags.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { Raster } from '../../raster/raster.js';
import { parseBytes } from '../../model/blocks.js';
import { sedimentDelivery, SDR_DEFAULTS } from '../../model/sdr.js';
import { isNumberText } from '../flags.js';

/** A raster path or a constant. */
async function rasterOrNumber(v: string, cwd: string): Promise<Raster | number> {
  if (isNumberText(v)) return Number(v);
  return readRaster(resolve(cwd, v));
}

export const sdrCommand: Command = {
  name: 'sdr',
  summary: 'sediment delivery ratio, export and deposition (InVEST SDR 3.14–3.20 equations, MFD routing)',
  help: `Usage: rusle sdr <dem.tif> --soil-loss A.tif --c C.tif [--p P.tif] -o export.tif [--threshold-cells N]

Connectivity index IC = log10(D_up / D_dn) (Borselli et al. 2008), SDR = SDR_max / (1 + exp((IC0 − IC)/k))
(Vigiak et al. 2012), export E = A · SDR, deposition and flux as InVEST 3.14 and later compute them, on InVEST's
own routing (pygeoprocessing MFD, pits filled, streams traced at 0.7 of the threshold). W = max(C, 0.001) as InVEST;
with --p, W = max(C · P, 0.001) (not InVEST). Export and deposition come out in the unit of A. Stream cells get
SDR 1 and no export (InVEST); cells that drain to no stream get nodata. Needs a projected grid with square cells.

Flags:
  --soil-loss FILE          soil loss A (any unit; export in the same unit) (required)
  --c FILE|NUMBER           cover factor C (required)
  --p FILE|NUMBER           support practice P: W = C · P (default: W = C, as InVEST)
  -o, --output FILE         sediment export GeoTIFF (required)
  --threshold-cells N       flow accumulation of a stream cell, cells (default ${SDR_DEFAULTS.thresholdCells})
  --sdr-max X               SDR_max (default ${SDR_DEFAULTS.sdrMax})
  --ic0 X                   IC0 (default ${SDR_DEFAULTS.ic0})
  --k X                     Borselli k (default ${SDR_DEFAULTS.k})
  --sdr FILE                also write SDR
  --ic FILE                 also write IC
  --deposition FILE         also write sediment deposition
  --streams FILE            also write the stream mask (1 stream, 0 land, 255 nodata)
  --drains FILE             also write what drains to a stream (1, 0, 255 nodata)
  --memory-budget SIZE      refuse grids needing more (e.g. 2GiB); the run needs about 120 bytes per cell

Example:
  rusle sdr dem.tif --soil-loss A.tif --c C.tif -o export.tif --sdr sdr.tif --threshold-cells 1000`,
  options: {
    output: { type: 'string', short: 'o' },
    'soil-loss': { type: 'string' },
    c: { type: 'string' },
    p: { type: 'string' },
    'threshold-cells': { type: 'string' },
    'sdr-max': { type: 'string' },
    ic0: { type: 'string' },
    k: { type: 'string' },
    sdr: { type: 'string' },
    ic: { type: 'string' },
    deposition: { type: 'string' },
    streams: { type: 'string' },
    drains: { type: 'string' },
    'memory-budget': { type: 'string' },
  },
  async run(args, ctx) {
    const v = args.values;
    const input = args.positionals[0];
    const output = stringFlag(v, 'output');
    const aPath = stringFlag(v, 'soil-loss');
    const cArg = stringFlag(v, 'c');
    if (!input || output === undefined || aPath === undefined || cArg === undefined) {
      throw new RusleError('BAD_ARGUMENT', 'usage: rusle sdr <dem.tif> --soil-loss A.tif --c C.tif [--p P.tif] -o export.tif');
    }
    const dem = await readRaster(resolve(ctx.cwd, input));
    requireValidCells(dem, input);
    const soilLoss = await readRaster(resolve(ctx.cwd, aPath));
    const c = await rasterOrNumber(cArg, ctx.cwd);
    const pArg = stringFlag(v, 'p');
    const budget = memoryBudgetFlag(v);
    const thresholdCells = numberFlag(v, 'threshold-cells', { above: 0, unit: 'cells' });
    const sdrMax = numberFlag(v, 'sdr-max', { above: 0, max: 1 });
    const ic0 = numberFlag(v, 'ic0');
    const k = numberFlag(v, 'k', { above: 0 });
    const res = sedimentDelivery(dem, {
      soilLoss, c,
      ...(pArg !== undefined ? { p: await rasterOrNumber(pArg, ctx.cwd) } : {}),
      ...(thresholdCells !== undefined ? { thresholdCells } : {}),
      ...(sdrMax !== undefined ? { sdrMax } : {}),
      ...(ic0 !== undefined ? { ic0 } : {}),
      ...(k !== undefined ? { k } : {}),
      ...(budget !== undefined ? { memoryBudget: parseBytes(budget, '--memory-budget') } : {}),
    });
    await writeRaster(resolve(ctx.cwd, output), res.export);
    const extra: Record<string, string> = {};
    for (const [flag, r] of [['sdr', res.sdr], ['ic', res.ic], ['deposition', res.deposition], ['streams', res.streams], ['drains', res.drainsToStream]] as const) {
      const path = stringFlag(v, flag);
      if (path !== undefined) { await writeRaster(resolve(ctx.cwd, path), r); extra[flag] = path; }
    }
    let total = 0, sdrSum = 0, sdrN = 0;
    for (let i = 0; i < res.export.data.length; i++) {
      const e = res.export.data[i]!;
      if (e === e) { total += e; sdrSum += res.sdr.data[i]!; sdrN++; }
    }
    const meanSdr = sdrN ? sdrSum / sdrN : NaN;
    ctx.out(`mean SDR ${meanSdr.toFixed(4)} on ${sdrN} land cells draining to a stream → ${output}${Object.values(extra).map((p) => `, ${p}`).join('')}`);
    return { json: { output, ...extra, meanSdr, exportSumCellUnits: total, cells: sdrN } };
  },
};
