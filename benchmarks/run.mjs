// Benchmark runner: `node benchmarks/run.mjs [--ci] [--only a,b] [--no-gate] [--results FILE]`.
// Loads every suite in benchmarks/suites/*.mjs (sorted), runs it, prints a table, writes
// benchmarks/results/latest.json and a dated copy (or FILE with --results).
//
// With --ci the suites run short versions and the run is judged by the gate (benchmarks/gate.mjs): a figure with a
// `floor` must not fall below it, and a tracked ratio that gates in benchmarks/baseline.json must not fall below its
// limit. A failure is measured once more: the suites concerned are rerun in a fresh process, and the run fails only
// on figures that fail both times. The log shows every gating ratio with its limit and value, and every reported one.
// `--no-gate` skips the judgement (benchmarks/spread.mjs uses it to collect runs). The baseline is written by
// benchmarks/spread.mjs from a history of runs, never by hand.
import { execFileSync } from 'node:child_process';
import { readdirSync, mkdirSync, writeFileSync, readFileSync, existsSync, renameSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine } from './lib.mjs';
import { judge } from './gate.mjs';

const args = process.argv.slice(2);
const ci = args.includes('--ci');
const noGate = args.includes('--no-gate');
const valueOf = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : null;
};
if (args.includes('--update-baseline') || args.includes('--lower-baseline')) {
  console.error('The baseline is written from a history of runs: node benchmarks/spread.mjs --runs 10 --write (see docs/performance.md › The CI benchmark gate).');
  process.exit(2);
}
const only = valueOf('--only')?.split(',') ?? null;
const resultsFile = valueOf('--results');
const suitesDir = new URL('./suites/', import.meta.url);
const resultsDir = new URL('./results/', import.meta.url);
const baselineUrl = new URL('./baseline.json', import.meta.url);

const files = readdirSync(suitesDir).filter((f) => f.endsWith('.mjs')).sort();
const results = { machine: machine(), mode: ci ? 'ci' : 'full', suites: {} };
const failures = [];
for (const f of files) {
  const suite = (await import(new URL(f, suitesDir).href)).default;
  if (only && !only.includes(suite.name)) continue;
  process.stderr.write(`\n[bench] ${suite.name} …\n`);
  const t0 = performance.now();
  let figures;
  try {
    figures = await suite.run({ ci, log: (s) => process.stderr.write(`  ${s}\n`) });
  } catch (e) {
    failures.push(`${suite.name}: threw ${e.stack ?? e}`);
    continue;
  }
  results.suites[suite.name] = { seconds: (performance.now() - t0) / 1000, figures };
  console.log(`\n## ${suite.name}`);
  console.table(figures.map((x) => ({ id: x.id, label: x.label, value: Number(x.value.toPrecision(4)), unit: x.unit, ...(x.floor !== undefined ? { floor: x.floor } : {}) })));
}

const tracked = {};
for (const [name, s] of Object.entries(results.suites)) for (const x of s.figures) if (x.tracked) tracked[`${name}/${x.id}`] = x.value;
results.tracked = tracked;
writeResults(results);

if (ci && !noGate) {
  const ratios = existsSync(baselineUrl) ? JSON.parse(readFileSync(baselineUrl, 'utf8')).ratios ?? {} : {};
  const rows = judge(results.suites, ratios);
  const failed = rows.filter((r) => !r.ok);
  if (failed.length) {
    // Measure once more, in a fresh process, before failing.
    const suites = [...new Set(failed.map((r) => r.suite))];
    console.log(`\n## ${failed.length} figure(s) below their limit or floor: ${failed.map((r) => r.key).join(', ')}; rerunning ${suites.join(', ')} once`);
    const again = rerun(suites);
    const rerunRows = again ? judge(again.suites, ratios) : [];
    for (const r of failed) {
      const second = rerunRows.find((x) => x.key === r.key && x.kind === r.kind);
      r.rerun = second?.value ?? null;
      r.ok = second !== undefined && second.ok;
    }
    if (!again) failures.push(`rerun of ${suites.join(', ')} did not complete`);
  }
  const fmt = (v) => (v === null || v === undefined ? '' : +v.toPrecision(4));
  const show = (kind) => rows.filter((r) => r.kind === kind);
  console.log('\n## benchmark gate: ratios that gate (limit from their measured spread, benchmarks/baseline.json)');
  console.table(show('gate').map((r) => ({ figure: r.key, median: fmt(r.median), limit: fmt(r.bound), value: fmt(r.value), rerun: fmt(r.rerun), margin: `${((r.value / r.bound - 1) * 100).toFixed(1)} %`, status: r.ok ? 'pass' : 'FAIL' })));
  console.log('## benchmark gate: floors set by the suites');
  console.table(show('floor').map((r) => ({ figure: r.key, floor: r.bound, value: fmt(r.value), rerun: fmt(r.rerun), status: r.ok ? 'pass' : 'FAIL' })));
  const reported = [...show('report'), ...show('new')];
  if (reported.length) {
    console.log('## benchmark gate: tracked ratios only reported (they do not gate)');
    console.table(reported.map((r) => ({ figure: r.key, median: fmt(r.median), value: fmt(r.value), why: r.kind === 'new' ? 'not in benchmarks/baseline.json yet' : r.reason })));
  }
  for (const r of rows) {
    if (r.ok) continue;
    const what = r.kind === 'gate' ? `its limit ${r.bound} (median ${r.median})` : `its floor ${r.bound}`;
    failures.push(`${r.key}: ${fmt(r.value)}, rerun ${fmt(r.rerun)}: both below ${what}`);
  }
  const passedAfterRerun = failed.filter((r) => r.ok);
  if (passedAfterRerun.length) console.log(`passed on the rerun: ${passedAfterRerun.map((r) => `${r.key} ${fmt(r.value)} → ${fmt(r.rerun)}`).join('; ')}`);
}

console.log(`\nresults: ${resultsFile ?? 'benchmarks/results/latest.json'}`);
if (failures.length) {
  console.error('\nBenchmark check FAILED:\n' + failures.map((f) => ` - ${f}`).join('\n'));
  process.exit(1);
}

/** Writes a run's results atomically (temporary file, then rename). */
function writeResults(r) {
  const text = JSON.stringify(r, null, 2) + '\n';
  const targets = resultsFile
    ? [resultsFile]
    : (() => {
      mkdirSync(resultsDir, { recursive: true });
      const stamp = r.machine.date.replace(/[:.]/g, '-');
      return [`latest.json`, `${ci ? 'ci' : 'full'}-${stamp}.json`].map((name) => new URL(name, resultsDir).pathname);
    })();
  for (const path of targets) {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
}

/** Runs the given suites again in a fresh CI-mode process; returns its results, or null when it failed to finish. */
function rerun(suites) {
  const dir = mkdtempSync(join(tmpdir(), 'rusle-bench-rerun-'));
  const out = join(dir, 'rerun.json');
  try {
    execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--ci', '--no-gate', '--only', suites.join(','), '--results', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch (e) {
    console.error(`rerun failed: ${e.message}`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
