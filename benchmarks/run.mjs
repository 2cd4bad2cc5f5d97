// Benchmark runner: `node benchmarks/run.mjs [--ci] [--only a,b]`.
// Loads every suite in benchmarks/suites/*.mjs (sorted), runs it, prints a table, writes
// benchmarks/results/latest.json (and a dated copy). With --ci the suites run short versions, and the run fails when a
// figure with a `floor` falls below it, or when a `tracked` ratio drops more than 30 % below benchmarks/baseline.json.
// `--update-baseline` rewrites baseline.json from this run's tracked figures (with --only, only those suites' entries;
// commit it with the change that moved them). `--lower-baseline` keeps the lower of the baseline and this run.
import { readdirSync, mkdirSync, writeFileSync, readFileSync, existsSync, renameSync } from 'node:fs';
import { machine } from './lib.mjs';

const args = process.argv.slice(2);
const ci = args.includes('--ci');
const updateBaseline = args.includes('--update-baseline') || args.includes('--lower-baseline');
// --lower-baseline: keep, per tracked figure, the lower of the committed baseline and this run (run it after a fresh
// --update-baseline, in a quiet moment, so the baseline is the slowest of several runs and CI does not flake on noise).
const lowerBaseline = args.includes('--lower-baseline');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1].split(',') : null;
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
  for (const x of figures) {
    if (x.floor !== undefined && !(x.value >= x.floor)) failures.push(`${suite.name}/${x.id}: ${x.value} below its floor ${x.floor}`);
  }
}

const tracked = {};
for (const [name, s] of Object.entries(results.suites)) for (const x of s.figures) if (x.tracked) tracked[`${name}/${x.id}`] = x.value;
results.tracked = tracked;
if (ci && existsSync(baselineUrl) && !updateBaseline) {
  const baseline = JSON.parse(readFileSync(baselineUrl, 'utf8')).tracked ?? {};
  const rows = [];
  for (const [k, base] of Object.entries(baseline)) {
    const now = tracked[k];
    if (now === undefined) continue;
    const change = now / base - 1;
    rows.push({ figure: k, baseline: +base.toPrecision(4), now: +now.toPrecision(4), change: `${(change * 100).toFixed(1)} %` });
    if (now < 0.7 * base) failures.push(`${k}: ${now.toPrecision(4)} is more than 30 % below the baseline ${base.toPrecision(4)}`);
  }
  if (rows.length) { console.log('\n## tracked ratios vs benchmarks/baseline.json'); console.table(rows); }
}
mkdirSync(resultsDir, { recursive: true });
const text = JSON.stringify(results, null, 2) + '\n';
const stamp = results.machine.date.replace(/[:.]/g, '-');
for (const name of [`latest.json`, `${ci ? 'ci' : 'full'}-${stamp}.json`]) {
  const tmp = new URL(`${name}.tmp`, resultsDir);
  writeFileSync(tmp, text);
  renameSync(tmp, new URL(name, resultsDir));
}
if (updateBaseline) {
  let out = tracked;
  let runs = 1;
  if (only && !lowerBaseline && existsSync(baselineUrl)) {
    // --only: replace this run's suites' entries, keep the others.
    const old = JSON.parse(readFileSync(baselineUrl, 'utf8'));
    out = Object.fromEntries(Object.entries(old.tracked ?? {}).filter(([k]) => !only.includes(k.split('/')[0])));
    Object.assign(out, tracked);
    runs = old.runs ?? 1;
  } else if (lowerBaseline && existsSync(baselineUrl)) {
    const old = JSON.parse(readFileSync(baselineUrl, 'utf8'));
    out = { ...old.tracked };
    for (const [k, v] of Object.entries(tracked)) out[k] = k in out ? Math.min(out[k], v) : v;
    runs = (old.runs ?? 1) + 1;
  }
  writeFileSync(baselineUrl, JSON.stringify({ machine: results.machine, runs, note: 'tracked ratios: the lowest of `runs` CI-mode runs (node benchmarks/run.mjs --ci --update-baseline, then --lower-baseline)', tracked: out }, null, 2) + '\n');
  console.log(`baseline written: ${Object.keys(tracked).length} tracked figures`);
}
console.log(`\nresults: benchmarks/results/latest.json`);
if (failures.length) {
  console.error('\nBenchmark check FAILED:\n' + failures.map((f) => ` - ${f}`).join('\n'));
  process.exit(1);
}
