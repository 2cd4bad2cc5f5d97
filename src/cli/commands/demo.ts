/**
 * `rusle demo`: the whole pipeline on the bundled sample data — the Willamette DEM with its land use and InVEST
 * biophysical table (RUSLE, InVEST LS preset), and the Youwuzhen catchment in the red-soil hills of Fujian (CSLE,
 * `csle` LS preset, K from the soil table, tolerance 500 t·km⁻²·yr⁻¹) — from the configs in
 * `examples/pipelines/`, writing maps, tables and an HTML report per site into the output folder.
 * @module
 */

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { RusleError } from '../../raster/errors.js';
import { loadPipelineConfig } from '../pipeline/config.js';
import { runPipeline, type PipelineResult } from '../pipeline/run.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { escapeHtml } from '../report/html.js';
import { hooksFor, printResult } from './run.js';

/** The demo sites: config file names in examples/pipelines/. */
export const DEMO_SITES = ['youwuzhen', 'willamette'] as const;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the whole pipeline on the bundled Youwuzhen and Willamette data; writes maps, tables and reports',
  help: `Usage: rusle demo [-o <folder>] [--only youwuzhen|willamette] [--quiet] [--json]

Runs examples/pipelines/youwuzhen.json (CSLE, csle LS preset, K from the SEIMS soil table by EPIC, tolerance
500 t·km⁻²·yr⁻¹) and examples/pipelines/willamette.json (RUSLE, InVEST LS preset, C and P from the InVEST
biophysical table) on the sample data in data/, and writes each site's rasters, rate table, PNG maps, report.html
and provenance.json into <folder>/<site>/, plus <folder>/index.html linking the reports. Needs the repository
checkout (the sample data are not in the npm package).

Flags:
  -o, --output <folder>   output folder (default: demo-output)
  --only <site>           run one site only
  -q, --quiet             no progress or informational lines
  --json                  print the summaries as JSON
  -h, --help              this help

Example:
  npm run demo            # = npm run build && rusle demo
  rusle demo -o /tmp/demo --only youwuzhen
`,
  options: {
    output: { type: 'string', short: 'o' },
    only: { type: 'string' },
  },
  async run(args, ctx) {
    const folder = resolve(ctx.cwd, typeof args.values['output'] === 'string' ? args.values['output'] : 'demo-output');
    const only = args.values['only'];
    if (only !== undefined && !DEMO_SITES.includes(only as never)) {
      throw new RusleError('BAD_ARGUMENT', `--only must be one of ${DEMO_SITES.join(', ')}, got '${String(only)}'`);
    }
    const dir = fileURLToPath(new URL('../../../examples/pipelines/', import.meta.url));
    const t0 = performance.now();
    const results: { site: string; name: string; result: PipelineResult }[] = [];
    for (const site of DEMO_SITES) {
      if (only !== undefined && site !== only) continue;
      const file = join(dir, `${site}.json`);
      if (!existsSync(file)) throw new RusleError('BAD_ARGUMENT', `demo config ${file} not found: rusle demo runs from the repository checkout (git clone, npm ci, npm run demo)`);
      const base = loadPipelineConfig(file);
      const cfg = { ...base, output: { ...base.output, folder: join(folder, site) } };
      ctx.out(`== ${site}: ${cfg.name}`);
      const r = await runPipeline(cfg, hooksFor(ctx, `${site}: `));
      printResult(ctx, cfg, r);
      results.push({ site, name: cfg.name, result: r });
    }
    const seconds = (performance.now() - t0) / 1000;
    const rows = results.map(({ site, name, result }) => {
      const s = result.summary;
      return `<li><a href="${site}/report.html">${escapeHtml(name)}</a> — conservation rate ${Number(s['conservationRatePct']).toFixed(2)} %, ${Number(s['landAreaKm2']).toFixed(2)} km², ${result.seconds.toFixed(1)} s</li>`;
    }).join('\n');
    await writeFileAtomic(join(folder, 'index.html'), `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>rusle demo</title></head><body style="font-family:system-ui,sans-serif;max-width:900px;margin:24px auto">
<h1>rusle demo</h1><p>Whole pipeline on the bundled sample data (${seconds.toFixed(1)} s).</p><ul>
${rows}
</ul></body></html>
`);
    ctx.out(`demo finished in ${seconds.toFixed(1)} s; open ${join(folder, 'index.html')}`);
    return { json: { folder, seconds, sites: results.map(({ site, name, result }) => ({ site, name, folder: result.folder, seconds: result.seconds, summary: result.summary, files: result.files })) } };
  },
};
