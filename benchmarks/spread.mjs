// Measures the spread of the tracked ratios and writes the CI gate from it.
//
//   node benchmarks/spread.mjs --runs 10 [--only a,b]   append N CI-mode runs (fresh processes) to the history
//   node benchmarks/spread.mjs --write                   write benchmarks/baseline.json from the history
//   … --max-load L                                       with --write or alone: use only the runs that started at a
//                                                        1-minute load average ≤ L (runs taken beside other work out)
//   node benchmarks/spread.mjs --forget PREFIX           drop the history of the figures whose key starts with PREFIX
//                                                        (after a change that moved them on purpose)
//   node benchmarks/spread.mjs                           print the spread of every tracked ratio (changes nothing)
//
// The history (benchmarks/spread-history.json) keeps the tracked values of the last MAX_HISTORY runs with the date,
// commit, machine start (Linux boot id) and load average of each, so that runs from several machine starts can be
// pooled. The rule that turns a history into gates and limits is in benchmarks/gate.mjs. Build first
// (`npm run build`); run on a quiet machine, or under `nice -n -15` when other work shares it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateEntry, K_SIGMA, LOWEST_FACTOR, MAX_MARGIN, MIN_MARGIN } from './gate.mjs';
import { machine } from './lib.mjs';

const MAX_HISTORY = 40;
const args = process.argv.slice(2);
const valueOf = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : null;
};
const historyPath = new URL('./spread-history.json', import.meta.url).pathname;
const baselinePath = new URL('./baseline.json', import.meta.url).pathname;
const history = existsSync(historyPath) ? JSON.parse(readFileSync(historyPath, 'utf8')) : { runs: [] };

const forget = valueOf('--forget');
if (forget) {
  let dropped = 0;
  for (const run of history.runs) {
    for (const k of Object.keys(run.values)) if (k.startsWith(forget)) { delete run.values[k]; dropped++; }
  }
  atomicWrite(historyPath, JSON.stringify(history, null, 2) + '\n');
  console.error(`[spread] dropped ${dropped} value(s) of figures starting with ${forget}`);
}

const n = Number(valueOf('--runs') ?? 0);
if (n > 0) {
  const only = valueOf('--only');
  const dir = mkdtempSync(join(tmpdir(), 'rusle-spread-'));
  try {
    for (let i = 0; i < n; i++) {
      const out = join(dir, `run${i}.json`);
      const load = os.loadavg()[0];
      const t0 = performance.now();
      execFileSync(process.execPath, [new URL('./run.mjs', import.meta.url).pathname, '--ci', '--no-gate', '--results', out, ...(only ? ['--only', only] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
      const r = JSON.parse(readFileSync(out, 'utf8'));
      history.runs.push({ date: r.machine.date, commit: commit(), bootId: bootId(), load1: +load.toFixed(2), seconds: +((performance.now() - t0) / 1000).toFixed(1), values: r.tracked });
      history.runs = history.runs.slice(-MAX_HISTORY);
      atomicWrite(historyPath, JSON.stringify(history, null, 2) + '\n');
      console.error(`[spread] run ${i + 1}/${n} done (${history.runs.length} in the history)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const maxLoad = valueOf('--max-load');
const used = maxLoad === null ? history.runs : history.runs.filter((r) => r.load1 <= Number(maxLoad));
const values = {};
for (const run of used) for (const [k, v] of Object.entries(run.values)) (values[k] ??= []).push(v);
const ratios = Object.fromEntries(Object.keys(values).sort().map((k) => [k, gateEntry(k, values[k])]));
console.table(Object.entries(ratios).map(([k, e]) => ({ figure: k, mode: e.mode, runs: e.runs, median: e.median, 'σ/median': `${(e.relSpread * 100).toFixed(1)} %`, lowest: e.lowest, highest: e.highest, limit: e.limit ?? '', why: e.reason ?? '' })));

if (args.includes('--write')) {
  const boots = [...new Set(used.map((r) => r.bootId))];
  const baseline = {
    machine: machine(),
    method: `Written by benchmarks/spread.mjs from ${used.length} of the ${history.runs.length} CI-mode runs in benchmarks/spread-history.json${maxLoad === null ? '' : ` (load average ≤ ${maxLoad})`} `
      + `(${boots.length} machine start(s)). σ = 1.4826 · MAD; limit = min(median · (1 − max(${MIN_MARGIN}, ${K_SIGMA} σ/median)), `
      + `${LOWEST_FACTOR} × lowest run). A ratio gates when it is timed in one process, its margin is at most ${MAX_MARGIN} and its `
      + 'lowest run is within that margin of the median; otherwise it is only reported. See benchmarks/gate.mjs.',
    runs: used.length,
    machineStarts: boots.length,
    ratios,
  };
  atomicWrite(baselinePath, JSON.stringify(baseline, null, 2) + '\n');
  console.log(`baseline written: ${Object.values(ratios).filter((e) => e.mode === 'gate').length} gating, ${Object.values(ratios).filter((e) => e.mode === 'report').length} reported`);
}

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

function bootId() {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function atomicWrite(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
