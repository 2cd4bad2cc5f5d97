// Depression filling of a province-size DEM: in memory on one core against tile by tile on a worker pool, in the
// same run, each in its own child process (its own peak RSS). Figures go to stdout as JSON.
//
//   flock /tmp/rusle-bigrun.lock node benchmarks/province-fill-tiled.mjs [--width 13600 --height 13600] [--seed 1]
//        [--workers 2] [--tile-size 2048] [--memory-budget 2GiB] [--epsilon] [--keep]
//
// The DEM is the seeded fractal of benchmarks/lib/fractal-dem.mjs (as province.mjs), written once as an uncompressed
// tiled GeoTIFF in a temporary folder; both runs read it and write a GeoTIFF (fillDepressionsToFile: the in-memory
// path with a budget above its need, the tiled path with --tile-size), and the outputs are compared bit for bit.
// Imports the BUILT library: run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '13600' },
    height: { type: 'string', default: '13600' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'tile-size': { type: 'string', default: '2048' },
    'memory-budget': { type: 'string' },
    epsilon: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    dem: { type: 'string' },
    out: { type: 'string' },
  },
});

const lib = await import('../dist/index.js');

function peakBytes() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

if (values.child) {
  // One measured run.
  const t0 = performance.now();
  const opts = { epsilon: values.epsilon };
  if (values.child === 'memory') opts.memoryBudget = 1e15;
  else {
    opts.workers = Number(values.workers);
    if (values['memory-budget']) opts.memoryBudget = Number(values['memory-budget']);
    else opts.tileSize = Number(values['tile-size']);
  }
  const stages = [];
  let last = t0;
  opts.onProgress = (e) => {
    if (e.job === undefined) {
      const now = performance.now();
      if (stages.length) stages[stages.length - 1].seconds = (now - last) / 1000;
      stages.push({ stage: e.stage, jobs: e.total });
      last = now;
    }
  };
  const r = await lib.fillDepressionsToFile(values.dem, values.out, opts);
  if (stages.length) stages[stages.length - 1].seconds = (performance.now() - last) / 1000;
  process.stdout.write(JSON.stringify({ mode: values.child, seconds: (performance.now() - t0) / 1000, peakRssBytes: peakBytes(), result: r, stages }) + '\n');
  process.exit(0);
}

const { fractalDem, toRaster } = await import('./lib/fractal-dem.mjs');
const dir = mkdtempSync(join(tmpdir(), 'rusle-province-fill-'));
try {
  const width = Number(values.width);
  const height = Number(values.height);
  const tGen = performance.now();
  const demPath = join(dir, 'dem.tif');
  {
    const dem = toRaster(lib, fractalDem({ width, height, seed: Number(values.seed) }));
    await lib.writeRaster(demPath, dem, { compression: 'none' });
  }
  process.stderr.write(`fractal ${width} × ${height} (${((width * height) / 1e6).toFixed(0)} Mcells) written in ${((performance.now() - tGen) / 1000).toFixed(1)} s\n`);
  const self = fileURLToPath(import.meta.url);
  const run = (mode) => {
    const args = [self, '--child', mode, '--dem', demPath, '--out', join(dir, `${mode}.tif`), '--workers', values.workers, '--tile-size', values['tile-size']];
    if (values.epsilon) args.push('--epsilon');
    if (values['memory-budget']) args.push('--memory-budget', String(lib.parseBytes ? lib.parseBytes(values['memory-budget']) : values['memory-budget']));
    const p = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (p.status !== 0) throw new Error(`${mode} run failed: ${p.stderr}`);
    const r = JSON.parse(p.stdout.trim().split('\n').pop());
    process.stderr.write(`${mode}: ${r.seconds.toFixed(1)} s, peak RSS ${(r.peakRssBytes / 2 ** 30).toFixed(2)} GiB\n`);
    return r;
  };
  const memory = run('memory');
  const tiled = run('tiled');
  const a = await lib.readRaster(join(dir, 'memory.tif'));
  const b = await lib.readRaster(join(dir, 'tiled.tif'));
  const same = Buffer.compare(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength), Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)) === 0;
  const out = {
    width, height, cells: width * height, seed: Number(values.seed), epsilon: values.epsilon, workers: Number(values.workers),
    memory, tiled, tiledSpeedup: memory.seconds / tiled.seconds, bitIdentical: same,
    outputBytes: statSync(join(dir, 'tiled.tif')).size, node: process.version,
  };
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  if (!same) process.exitCode = 1;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
