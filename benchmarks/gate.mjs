// The CI benchmark gate: which tracked ratios gate, their limits, and how a run is judged.
//
// A suite marks a figure `tracked: true` when it is a candidate for the gate: a dimensionless ratio of two timings
// of the same run. Whether it gates is decided from its measured spread (benchmarks/spread.mjs writes
// benchmarks/baseline.json from the history of CI-mode runs in benchmarks/spread-history.json):
//
// - robust deviation  σ = 1.4826 · MAD (median absolute deviation; equals the standard deviation for normal noise,
//   and one wild run cannot inflate it);
// - margin            m = max(MIN_MARGIN, K_SIGMA · σ / median);
// - limit             L = min(median · (1 − m), LOWEST_FACTOR · lowest run);
// - a ratio GATES when it is timed in one process (both sides in the same Node process: no gdal_translate, GRASS,
//   SAGA or numpy on one side), its margin is at most MAX_MARGIN and its lowest run is within MAX_MARGIN of the
//   median; otherwise it is REPORTED: printed beside its median and spread, never failing the run.
//
// Floors (`floor` on a figure) are absolute lower bounds set in the suites for the figures that guard a real
// regression (the combine against the copy, the LS share of the chain, …); they apply in every run.
//
// A failed gate or floor is measured once more before the run fails: run.mjs reruns the suites concerned in a fresh
// process and fails only on figures that fail in both runs.

export const K_SIGMA = 3;
export const MIN_MARGIN = 0.15;
export const MAX_MARGIN = 0.25;
export const LOWEST_FACTOR = 0.9;

/** Ids of figures whose two sides run in different processes (an external tool on one side). */
export const EXTERNAL = /gdal|grass|saga|numpy/i;

const median = (sorted) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);

/** Median, MAD-based robust deviation, lowest and highest of a list of values. */
export function spreadOf(values) {
  const v = [...values].sort((a, b) => a - b);
  const med = median(v);
  const mad = median(v.map((x) => Math.abs(x - med)).sort((a, b) => a - b));
  return { runs: v.length, median: med, robustDev: 1.4826 * mad, relSpread: (1.4826 * mad) / med, lowest: v[0], highest: v[v.length - 1] };
}

/** The gate entry of one ratio from its history of values (see the header for the rule). */
export function gateEntry(id, values) {
  const s = spreadOf(values);
  const margin = Math.max(MIN_MARGIN, K_SIGMA * s.relSpread);
  const limit = Math.min(s.median * (1 - margin), LOWEST_FACTOR * s.lowest);
  const round = (x) => +x.toPrecision(4);
  const entry = {
    median: round(s.median), robustDev: round(s.robustDev), relSpread: round(s.relSpread),
    lowest: round(s.lowest), highest: round(s.highest), runs: s.runs,
  };
  let reason = null;
  if (EXTERNAL.test(id)) reason = 'two processes: an external tool times one side, so machine load moves the sides apart';
  else if (s.runs < 10) reason = `only ${s.runs} runs in the history (10 needed)`;
  else if (margin > MAX_MARGIN) reason = `spread too wide: ${K_SIGMA} × σ/median = ${(K_SIGMA * s.relSpread * 100).toFixed(1)} % > ${MAX_MARGIN * 100} %`;
  else if (s.lowest < s.median * (1 - MAX_MARGIN)) reason = `lowest run ${round(s.lowest)} is more than ${MAX_MARGIN * 100} % below the median`;
  if (reason) return { mode: 'report', reason, ...entry };
  return { mode: 'gate', limit: round(limit), margin: round(margin), ...entry };
}

/**
 * Judges one run: every figure with a `floor`, and every tracked figure that has a `gate` entry in the baseline.
 * Returns one row per checked or reported figure: `{ key, kind: 'gate'|'floor'|'report'|'new', bound, value, ok }`.
 */
export function judge(suites, baselineRatios) {
  const rows = [];
  for (const [name, s] of Object.entries(suites)) {
    for (const x of s.figures) {
      const key = `${name}/${x.id}`;
      if (x.floor !== undefined) rows.push({ key, suite: name, kind: 'floor', bound: x.floor, value: x.value, ok: x.value >= x.floor });
      if (!x.tracked) continue;
      const b = baselineRatios[key];
      if (!b) rows.push({ key, suite: name, kind: 'new', bound: null, value: x.value, ok: true });
      else if (b.mode === 'gate') rows.push({ key, suite: name, kind: 'gate', bound: b.limit, median: b.median, value: x.value, ok: x.value >= b.limit });
      else rows.push({ key, suite: name, kind: 'report', bound: null, median: b.median, value: x.value, ok: true, reason: b.reason });
    }
  }
  return rows;
}
