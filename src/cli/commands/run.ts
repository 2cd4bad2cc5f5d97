/**
 * `rusle run <pipeline.json>`: a whole run from one declarative config (see `schema/pipeline.schema.json` and
 * docs/getting-started.md).
 * @module
 */

import { resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { RusleError } from '../../raster/errors.js';
import { loadPipelineConfig, type PipelineConfig } from '../pipeline/config.js';
import { runPipeline, type PipelineHooks, type PipelineResult } from '../pipeline/run.js';
import { integerFlag, memoryBudgetFlag } from '../flags.js';

/** Progress and log hooks for the pipeline from a command context. */
export function hooksFor(ctx: CommandContext, prefix = ''): PipelineHooks {
  return {
    log: (line) => ctx.out(prefix + line),
    progress: (label, total, unit) => ctx.progress(prefix + label, total, unit),
  };
}

/** Prints the result of a run (files, key figures, notes). */
export function printResult(ctx: CommandContext, cfg: PipelineConfig, r: PipelineResult): void {
  const s = r.summary;
  ctx.out(`${cfg.name}: ${r.files.length} files in ${r.folder} (${r.seconds.toFixed(1)} s)`);
  for (const [k, v] of Object.entries(s)) ctx.out(`  ${k}: ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toPrecision(6)) : v}`);
  for (const n of r.notes) ctx.out(`  note: ${n}`);
  if (r.files.includes('report.html')) ctx.out(`  report: ${resolve(r.folder, 'report.html')}`);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a whole pipeline (DEM → LS, factors, A, classes, rate table, maps, report) from a JSON config',
  help: `Usage: rusle run <pipeline.json> [-o <folder>] [--workers <n>] [--memory-budget <size>] [--streamed|--in-memory]
                 [--quiet] [--json]

Runs the pipeline described by a JSON config (validated against schema/pipeline.schema.json; every mistake is
listed with its key path). Relative paths in the config are resolved against the config file's folder.

Writes into the output folder: LS.tif (and L.tif, S.tif for CSLE), every factor raster (R, K, C, P or B, E, T; constants
are not written), A.tif (soil loss, output.units), intensity.tif (SL 190-2007 classes 1–6, 0 = nodata), rate.csv
and rate.json (conservation-rate table per zone), PNG maps (A.png, intensity.png, LS.png, <factor>.png), report.html
(self-contained) and provenance.json (package version, options, formula citations, input sha256 checksums).

Flags:
  -o, --output <folder>   output folder (default: output.folder of the config, else rusle-output/ next to it)
  --workers <n>           threads for the combine (default: engine.workers of the config, else 1)
  --memory-budget <size>  memory budget of a streamed pass, e.g. 512MB, 2GiB (default: engine.memoryBudget, else 1GiB)
  --streamed              one streamed pass: factors read band by band, outputs written as they go (default above
                          50 million cells; outputs are bit-identical to the in-memory run)
  --in-memory             hold every raster in memory (default up to 50 million cells)
  -q, --quiet             no progress or informational lines
  --json                  print the summary as JSON on stdout
  -h, --help              this help

Exit status: 0 ok; 2 bad config or input (message names the key, e.g. "inputs.K.value: must be a number ≥ 0");
1 internal error.

Example:
  rusle run examples/pipelines/youwuzhen.json -o out/youwuzhen
`,
  options: {
    output: { type: 'string', short: 'o' },
    workers: { type: 'string' },
    'memory-budget': { type: 'string' },
    streamed: { type: 'boolean' },
    'in-memory': { type: 'boolean' },
  },
  async run(args, ctx) {
    if (args.positionals.length !== 1) {
      throw new RusleError('BAD_ARGUMENT', `expected one pipeline config file, got ${args.positionals.length === 0 ? 'none' : args.positionals.join(' ')}; see 'rusle run --help'`);
    }
    let cfg = loadPipelineConfig(resolve(ctx.cwd, args.positionals[0]!));
    const o = args.values['output'];
    if (typeof o === 'string') cfg = { ...cfg, output: { ...cfg.output, folder: resolve(ctx.cwd, o) } };
    const workers = integerFlag(args.values, 'workers');
    if (workers !== undefined) cfg = { ...cfg, engine: { ...cfg.engine, workers } };
    const memoryBudget = memoryBudgetFlag(args.values);
    if (memoryBudget !== undefined) cfg = { ...cfg, engine: { ...cfg.engine, memoryBudget } };
    if (args.values['streamed'] === true && args.values['in-memory'] === true) throw new RusleError('BAD_ARGUMENT', 'give --streamed or --in-memory, not both');
    if (args.values['streamed'] === true) cfg = { ...cfg, output: { ...cfg.output, streamed: true } };
    if (args.values['in-memory'] === true) cfg = { ...cfg, output: { ...cfg.output, streamed: false } };
    const r = await runPipeline(cfg, hooksFor(ctx));
    printResult(ctx, cfg, r);
    return { json: { name: cfg.name, folder: r.folder, files: r.files, summary: r.summary, notes: r.notes, seconds: r.seconds } };
  },
};
