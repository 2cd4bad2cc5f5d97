// Shared helpers of the benchmark suites: timing, machine description, GDAL/GRASS/SAGA detection.
// Figures are written by the run (benchmarks/results/*.json), never pasted into code or docs.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Time `fn` (sync or async): runs it `warmup` times, then until `minRuns` runs and `minSeconds` have passed; returns the best (minimum) seconds and the median. */
export async function timeit(fn, { warmup = 1, minRuns = 3, minSeconds = 0.5, maxRuns = 50 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const t0 = performance.now();
  while (times.length < minRuns || ((performance.now() - t0) / 1000 < minSeconds && times.length < maxRuns)) {
    const s = performance.now();
    await fn();
    times.push((performance.now() - s) / 1000);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)], runs: times.length };
}

/** Seconds taken by an external command (best of `runs`), or null when the command is missing. */
export function timeCommand(cmd, args, { runs = 3, env } = {}) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    try {
      execFileSync(cmd, args, { stdio: 'pipe', env: { ...process.env, ...env } });
    } catch (e) {
      if (e.code === 'ENOENT') return null;
      throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.toString() ?? e.message}`);
    }
    best = Math.min(best, (performance.now() - s) / 1000);
  }
  return best;
}

/** True when an executable is on PATH. */
export function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Package version, Node version, CPU and memory of this machine. */
export function machine() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const cpus = os.cpus();
  return {
    package: `${pkg.name}@${pkg.version}`,
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

/** Peak resident set size of this process so far, bytes (Linux: VmHWM). */
export function peakRssBytes() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.memoryUsage().rss;
}

/**
 * A figure: `{ id, label, value, unit }`. Optional: `tracked: true` (a dimensionless ratio compared with
 * benchmarks/baseline.json in CI), `floor` (CI fails below it), `higherIsBetter` (default true).
 */
export function figure(id, label, value, unit, extra = {}) {
  return { id, label, value, unit, ...extra };
}

/** Formats cells per second. */
export function mcells(cellsPerSecond) {
  return cellsPerSecond / 1e6;
}

/**
 * Sets the cells of `row` (row `y` of an H-row, W-column grid) outside a centred ellipse to NaN, so synthetic
 * factor grids have a province-like outline of nodata (about 15 % of the cells) and the kernels' nodata paths run.
 */
export function maskOutsideEllipse(row, y, H, W) {
  const v = ((y + 0.5) / H) * 2 - 1;
  const half = Math.sqrt(Math.max(0, 1.06 - v * v)) * W / 2;
  const c0 = Math.max(0, Math.floor(W / 2 - half));
  const c1 = Math.min(W, Math.ceil(W / 2 + half));
  if (c0 > 0) row.fill(NaN, 0, c0);
  if (c1 < W) row.fill(NaN, c1, W);
}

/**
 * `n` seeded uniform values in [0, 1) (an LCG's top 24 bits, exact in Float32): the repeating row pattern of the
 * engine and assess suites' synthetic factor fields.
 */
export function seededUniform(n, seed) {
  const u = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    u[i] = (s >>> 8) / 2 ** 24;
  }
  return u;
}

/**
 * Times several variants in interleaved rounds: round k runs each variant once, in order, so that a burst of load on
 * a shared machine lands on all of them alike instead of on one. The first `warmupRounds` rounds are not kept (the
 * JIT reaches the optimised code during them). With `collectGarbage`, a full garbage collection runs before each timed
 * call (outside the timing), so that the outputs of earlier calls are freed and no collection lands inside a
 * measurement. Returns, per variant, the best (minimum) and the median seconds, and the seconds of each round.
 * @param {Record<string, () => unknown>} variants sync or async functions
 */
export async function interleaved(variants, { warmupRounds = 1, rounds = 7, collectGarbage = false } = {}) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const gc = collectGarbage ? exposedGc() : null;
  for (let r = 0; r < warmupRounds + rounds; r++) {
    for (const [k, fn] of Object.entries(variants)) {
      gc?.();
      const s = performance.now();
      await fn();
      if (r >= warmupRounds) times[k].push((performance.now() - s) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => {
    const sorted = [...t].sort((a, b) => a - b);
    return [k, { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)], runs: t.length, times: t }];
  }));
}

/**
 * The median over rounds of `base.times[r] / x.times[r]` for two results of {@link interleaved}: each round's two
 * timings ran back to back under the same load, so their quotient is steadier than a quotient of two bests taken
 * from different rounds.
 */
export function medianRoundRatio(base, x) {
  const q = base.times.map((t, r) => t / x.times[r]).sort((a, b) => a - b);
  const m = q.length >> 1;
  return q.length % 2 ? q[m] : (q[m - 1] + q[m]) / 2;
}

/** The engine's `gc()`, exposed at run time (node --expose-gc is not needed). */
export function exposedGc() {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}
