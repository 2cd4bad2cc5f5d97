// The hydrology chain in one process, step by step, with wall time and peak memory per step (issue 3).
//
//   node --expose-gc benchmarks/province.mjs [--width 13600 --height 13600 | --dem file.tif] [--seed 1]
//        [--routing d8|mfd] [--ls csle|rusle-aml|grass-r.watershed] [--json]
//
// Default: the province-size run — a seeded 13,600 × 13,600 fractal DEM (185 Mcells, Jiangxi at 30 m) through
// fillDepressions, resolveFlats, D8 (or MFD) routing and accumulate; with --ls, then the LS step of a D8 preset of
// issue 4 (lsFactor on the filled DEM with the chain's D8 codes, as the LS benchmark suite times it). Needs several GiB: run it under
// `flock /tmp/rusle-bigrun.lock`. The terrain-flow benchmark suite runs this script as a child process on smaller
// DEMs (so each measurement has a fresh process and its own peak RSS).
//
// Memory: before each step the peak-RSS counter is reset (Linux: write 5 to /proc/self/clear_refs), so each step's
// peak is its own; figures are (peak RSS − RSS of the process before the DEM existed) / cells, i.e. everything the
// chain holds at that moment, the DEM included. Run with --expose-gc so garbage from a finished step is collected
// before the next one starts.
// Imports the BUILT library: run `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fractalDem, toRaster } from './lib/fractal-dem.mjs';

const lib = await import('../dist/index.js');
const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '13600' },
    height: { type: 'string', default: '13600' },
    seed: { type: 'string', default: '1' },
    dem: { type: 'string' },
    routing: { type: 'string', default: 'd8' },
    ls: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

function rssBytes() {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}
function peakBytes() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}
function resetPeak() {
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux, or not permitted: peaks then accumulate */ }
}
function collect() {
  if (typeof globalThis.gc === 'function') { globalThis.gc(); globalThis.gc(); }
}
const log = (s) => { if (!values.json) process.stderr.write(s + '\n'); };

collect();
const baseline = rssBytes();
const processStart = performance.now();
let dem;
let source;
const tGen = performance.now();
if (values.dem) {
  dem = await lib.readRaster(values.dem);
  source = values.dem;
} else {
  const width = Number(values.width);
  const height = Number(values.height);
  dem = toRaster(lib, fractalDem({ width, height, seed: Number(values.seed) }));
  source = `fractal ${width}x${height} seed ${values.seed}`;
}
const genSeconds = (performance.now() - tGen) / 1000;
const cells = dem.width * dem.height;
collect();
log(`${source}: ${dem.width} × ${dem.height} = ${(cells / 1e6).toFixed(1)} Mcells (${genSeconds.toFixed(1)} s to make/read)`);

const steps = [];
function step(name, fn) {
  collect();
  resetPeak();
  const before = rssBytes();
  const t = performance.now();
  const out = fn();
  const seconds = (performance.now() - t) / 1000;
  const peak = peakBytes();
  const s = { step: name, seconds, mcellsPerSecond: cells / seconds / 1e6, peakBytesPerCell: (peak - baseline) / cells, heldBeforeBytesPerCell: (before - baseline) / cells };
  steps.push(s);
  log(`  ${name.padEnd(10)} ${seconds.toFixed(2).padStart(7)} s  ${s.mcellsPerSecond.toFixed(1).padStart(6)} Mcells/s  peak ${s.peakBytesPerCell.toFixed(1)} B/cell`);
  return out;
}

// Each stage keeps only what the next one needs (as flowAccumulation does).
let filled = step('fill', () => lib.fillDepressions(dem));
let flats = step('flats', () => lib.resolveFlats(filled));
let routing;
if (values.routing === 'mfd') {
  routing = step('mfd', () => lib.mfdRouting(filled, { flats }));
} else {
  routing = step('d8', () => ({ kind: 'd8', codes: lib.d8Directions(filled, { flats }) }));
  if (!values.ls) filled = null;
  flats = null;
}
const acc = step('accumulate', () => lib.accumulate(routing, { output: 'cells' }));
let max = 0;
for (let i = 0; i < acc.data.length; i++) if (acc.data[i] > max) max = acc.data[i];
const chainSeconds = steps.reduce((s, x) => s + x.seconds, 0);
let lsStep = null;
if (values.ls) {
  if (values.routing !== 'd8') throw new Error('--ls needs --routing d8 (the slope-length and grass presets route by D8)');
  const ls = step('ls', () => lib.lsFactor(filled, { preset: values.ls, fill: false, flowDirection: routing.codes }));
  lsStep = { ...steps[steps.length - 1], preset: values.ls, shareOfChain: steps[steps.length - 1].seconds / chainSeconds };
  let valid = 0;
  for (let i = 0; i < ls.ls.data.length; i++) if (ls.ls.data[i] === ls.ls.data[i]) valid++;
  log(`  LS (${values.ls}) ${(100 * lsStep.shareOfChain).toFixed(1)} % of the chain; ${valid} valid LS cells`);
}
const result = {
  source, width: dem.width, height: dem.height, cells, validCells: dem.validCount(), routing: values.routing,
  steps, chainSeconds, chainMcellsPerSecond: cells / chainSeconds / 1e6, ls: lsStep,
  peakBytesPerCell: Math.max(...steps.map((s) => s.peakBytesPerCell)),
  processPeakRssBytes: peakBytes(), wallSeconds: (performance.now() - processStart) / 1000, maxAccumulation: max,
  node: process.version,
};
// VmHWM was reset per step; the process peak is the largest step peak (plus the baseline).
result.processPeakRssBytes = Math.max(...steps.map((s) => s.peakBytesPerCell)) * cells + baseline;
log(`chain ${chainSeconds.toFixed(1)} s (${result.chainMcellsPerSecond.toFixed(1)} Mcells/s), wall ${result.wallSeconds.toFixed(1)} s, peak RSS ${(result.processPeakRssBytes / 2 ** 30).toFixed(2)} GiB, largest catchment ${max} cells`);
if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
