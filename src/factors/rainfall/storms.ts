/**
 * Storm erosivity EI30 from a rain-gauge record, and the annual R factor as the mean of yearly sums.
 *
 * Rules of Wischmeier & Smith (1978), AH537, and Renard et al. (1997), AH703 chapter 2:
 * - storms are separated by a period of 6 h with less than 1.27 mm (0.05 in) of rain;
 * - a storm is erosive when its depth is at least 12.7 mm (0.5 in); AH537 also counts a smaller storm when at least
 *   6.35 mm (0.25 in) fell in 15 min — that rule is the option `min15MinDepthMm` (off by default);
 * - E = Σ e(i_r)·ΔV_r over the intervals of the storm (e from `e.brownFoster1987`, `e.rusle2` or
 *   `e.wischmeierSmith1978`), I30 = the greatest depth in any 30 min × 2 (mm·h⁻¹), EI30 = E·I30
 *   (MJ·mm·ha⁻¹·h⁻¹);
 * - R = the mean over years of the yearly sums of the erosive storms' EI30 (MJ·mm·ha⁻¹·h⁻¹·yr⁻¹).
 *
 * Records: fixed-interval (depth per step, any step; 1 min and up) or breakpoint (times and cumulative depths).
 * Both become intervals of constant intensity, so the cumulative depth is piecewise linear: I30 is the exact maximum
 * of C(t + 30 min) − C(t) over all t (the maximum is reached with one window edge on a breakpoint, so only those
 * windows are evaluated). For a fixed-interval record whose step divides 30 min this is the greatest sum of
 * 30/step consecutive steps; for longer steps (60 min) it is the depth of the wettest step × 30/step (the
 * underestimate of I30 from coarse records is documented by Yin et al. 2007, Catena 70:306–312).
 *
 * Separation rule as implemented: rain in contiguous intervals always belongs to one storm; after a rainy interval
 * ending at t that is followed by a dry interval or a gap, the storm ends when less than 1.27 mm falls in
 * (t, t + 6 h]; the next storm starts at the next rainy interval (so a sprinkle inside the dry period starts the
 * next, usually non-erosive, storm). Storms are assigned to the calendar year (UTC,
 * or shifted by `utcOffsetMinutes`) of their start.
 *
 * Complexity O(n) for n intervals (plus the 6-h look-ahead at each dry gap). Missing values (NaN depths) are refused (`BAD_VALUE`): gaps must be filled
 * or the record split by the caller, because a gap silently read as "no rain" would merge or split storms.
 *
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { type UnitEnergyMethod, unitEnergyFunction } from './energy.js';

const MS_PER_MIN = 60_000;

/** A rain record as intervals of constant intensity: interval k runs from `startMs[k]` to `endMs[k]` with `depthMm[k]`. */
export interface RainRecord {
  /** Start of each interval, milliseconds since 1970-01-01 UTC, increasing. */
  readonly startMs: Float64Array;
  /** End of each interval, ms; `endMs[k] > startMs[k]`, `endMs[k] ≤ startMs[k + 1]`. */
  readonly endMs: Float64Array;
  /** Depth of rain in each interval, mm (≥ 0). */
  readonly depthMm: Float64Array;
}

/**
 * A fixed-interval record: `depthsMm[k]` fell between `start + k·step` and `start + (k+1)·step`.
 *
 * @param startMs - start of the first step, ms since 1970-01-01 UTC (e.g. `Date.UTC(2020, 0, 1)`).
 * @param stepMinutes - step, minutes (> 0).
 * @param depthsMm - depth per step, mm (finite, ≥ 0).
 * @throws `BAD_VALUE` for a bad step or depth.
 * @example
 * ```ts
 * const rec = fixedIntervalRecord(Date.UTC(2020, 5, 1), 5, [0, 1.2, 3.4, 0.8]);
 * ```
 */
export function fixedIntervalRecord(startMs: number, stepMinutes: number, depthsMm: ArrayLike<number>): RainRecord {
  if (!Number.isFinite(startMs)) throw new RusleError('BAD_VALUE', `fixedIntervalRecord: startMs must be a finite time in ms, got ${startMs}`);
  if (!(stepMinutes > 0) || !Number.isFinite(stepMinutes)) throw new RusleError('BAD_VALUE', `fixedIntervalRecord: stepMinutes must be > 0 minutes, got ${stepMinutes}`);
  const n = depthsMm.length;
  const s = new Float64Array(n);
  const e = new Float64Array(n);
  const d = new Float64Array(n);
  const step = stepMinutes * MS_PER_MIN;
  for (let k = 0; k < n; k++) {
    const v = depthsMm[k]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RusleError('BAD_VALUE', `fixedIntervalRecord: depthsMm[${k}] must be a finite depth ≥ 0 mm, got ${v}`, { index: k });
    s[k] = startMs + k * step;
    e[k] = startMs + (k + 1) * step;
    d[k] = v;
  }
  return { startMs: s, endMs: e, depthMm: d };
}

/**
 * A breakpoint record: at `timesMs[k]` the cumulative depth was `cumulativeMm[k]` (non-decreasing); rain falls at
 * constant intensity between breakpoints.
 *
 * @throws `BAD_VALUE` when times do not increase or the cumulative depth decreases.
 * @example
 * ```ts
 * const t0 = Date.UTC(2020, 5, 1, 14);
 * const rec = breakpointRecord([t0, t0 + 10 * 60e3, t0 + 25 * 60e3], [0, 8, 20]);
 * ```
 */
export function breakpointRecord(timesMs: ArrayLike<number>, cumulativeMm: ArrayLike<number>): RainRecord {
  if (timesMs.length !== cumulativeMm.length) throw new RusleError('BAD_VALUE', `breakpointRecord: ${timesMs.length} times but ${cumulativeMm.length} cumulative depths`);
  const n = Math.max(0, timesMs.length - 1);
  const s = new Float64Array(n);
  const e = new Float64Array(n);
  const d = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const t0 = timesMs[k]!;
    const t1 = timesMs[k + 1]!;
    const dv = cumulativeMm[k + 1]! - cumulativeMm[k]!;
    if (!(t1 > t0)) throw new RusleError('BAD_VALUE', `breakpointRecord: times must increase (timesMs[${k + 1}] = ${t1} ≤ ${t0})`, { index: k + 1 });
    if (!(dv >= 0) || !Number.isFinite(dv)) throw new RusleError('BAD_VALUE', `breakpointRecord: cumulative depth must be finite and non-decreasing (index ${k + 1})`, { index: k + 1 });
    s[k] = t0;
    e[k] = t1;
    d[k] = dv;
  }
  return { startMs: s, endMs: e, depthMm: d };
}

/** Options of {@link stormErosivity}. */
export interface StormErosivityOptions {
  /** Unit-energy relation. @defaultValue `'brownFoster1987'` (AH703) */
  readonly energy?: UnitEnergyMethod;
  /** Dry period that separates storms, hours. @defaultValue 6 */
  readonly separationHours?: number;
  /** A storm ends when less than this depth falls in the separation period, mm. @defaultValue 1.27 */
  readonly separationDepthMm?: number;
  /** Smallest erosive storm depth, mm. @defaultValue 12.7 */
  readonly minStormDepthMm?: number;
  /**
   * When set, a storm below `minStormDepthMm` still counts as erosive if its greatest 15-min depth reaches this
   * value, mm (AH537: 6.35 mm). @defaultValue undefined (off)
   */
  readonly min15MinDepthMm?: number;
  /** Calendar years are taken at this offset from UTC, minutes (480 for China Standard Time). @defaultValue 0 */
  readonly utcOffsetMinutes?: number;
  /**
   * Years the mean is taken over. @defaultValue every calendar year from the record's first to its last interval
   * (partial years included — pass the complete years to exclude them).
   */
  readonly years?: readonly number[];
}

/** Default options of {@link stormErosivity}. */
export const STORM_EROSIVITY_DEFAULTS = {
  energy: 'brownFoster1987',
  separationHours: 6,
  separationDepthMm: 1.27,
  minStormDepthMm: 12.7,
  utcOffsetMinutes: 0,
} as const;

/** One storm of the events table. */
export interface StormEvent {
  /** Start of the first rainy interval, ms since 1970-01-01 UTC. */
  readonly startMs: number;
  /** End of the last rainy interval, ms. */
  readonly endMs: number;
  /** Calendar year the storm is counted in. */
  readonly year: number;
  /** Storm depth, mm. */
  readonly depthMm: number;
  /** Storm kinetic energy E, MJ·ha⁻¹. */
  readonly energyMJHa: number;
  /** Maximum 30-min intensity, mm·h⁻¹. */
  readonly i30MmH: number;
  /** Greatest 15-min depth, mm. */
  readonly max15MinDepthMm: number;
  /** E · I30, MJ·mm·ha⁻¹·h⁻¹. */
  readonly ei30: number;
  /** True when the storm passes the erosive-storm rule. */
  readonly erosive: boolean;
}

/** Result of {@link stormErosivity}. */
export interface StormErosivityResult {
  /** Every storm (erosive or not), in time order. */
  readonly events: StormEvent[];
  /** Sum of the erosive storms' EI30 per year, MJ·mm·ha⁻¹·h⁻¹. */
  readonly yearly: { year: number; ei30: number; erosiveStorms: number }[];
  /** Mean of the yearly sums: the R factor, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. */
  readonly annualR: number;
}

/**
 * Cumulative depth C(t) of the intervals [lo, hi] for non-decreasing t: a cursor that only moves forward, so a
 * sweep over sorted times costs O(n) in total.
 */
class CumulativeCursor {
  private p: number;
  private cum = 0;
  constructor(private readonly rec: RainRecord, lo: number, private readonly hi: number) {
    this.p = lo;
  }
  at(t: number): number {
    const { startMs: s, endMs: e, depthMm: d } = this.rec;
    while (this.p <= this.hi && e[this.p]! <= t) {
      this.cum += d[this.p]!;
      this.p++;
    }
    const k = this.p;
    if (k <= this.hi && s[k]! < t) return this.cum + (d[k]! * (t - s[k]!)) / (e[k]! - s[k]!);
    return this.cum;
  }
}

/**
 * Greatest depth falling in any window of `windowMs` over the intervals [lo, hi] (constant intensity within each).
 * The maximum of C(t + W) − C(t) is reached with a window edge on a breakpoint, so windows starting and windows
 * ending at every breakpoint are evaluated, with forward-only cursors: O(n).
 */
function maxWindowDepth(rec: RainRecord, lo: number, hi: number, windowMs: number): number {
  const s = rec.startMs;
  const e = rec.endMs;
  const atT = new CumulativeCursor(rec, lo, hi);
  const plusW = new CumulativeCursor(rec, lo, hi);
  const minusW = new CumulativeCursor(rec, lo, hi);
  let best = 0;
  for (let k = lo; k <= hi; k++) {
    for (let side = 0; side < 2; side++) {
      const t = side === 0 ? s[k]! : e[k]!;
      const c = atT.at(t);
      const a = plusW.at(t + windowMs) - c;
      if (a > best) best = a;
      const b = c - minusW.at(t - windowMs);
      if (b > best) best = b;
    }
  }
  return best;
}

function yearOf(ms: number, offsetMin: number): number {
  return new Date(ms + offsetMin * MS_PER_MIN).getUTCFullYear();
}

/**
 * Storm EI30 of every storm in a rain record, the events table, and the annual R factor.
 *
 * @param record - a {@link RainRecord} (from {@link fixedIntervalRecord} or {@link breakpointRecord}).
 * @param options - see {@link StormErosivityOptions}.
 * @returns events (start, end, depth mm, energy MJ·ha⁻¹, I30 mm·h⁻¹, EI30 MJ·mm·ha⁻¹·h⁻¹), yearly sums and R.
 * @throws `BAD_VALUE` for overlapping intervals or bad options.
 * @example
 * ```ts
 * const rec = fixedIntervalRecord(Date.UTC(2020, 6, 1), 10, [2, 6, 9, 4, 1]);
 * const { events, annualR } = stormErosivity(rec);
 * events[0].i30MmH; // 2 × (6 + 9 + 4) = 38 mm/h
 * ```
 */
export function stormErosivity(record: RainRecord, options: StormErosivityOptions = {}): StormErosivityResult {
  const o = { ...STORM_EROSIVITY_DEFAULTS, ...options };
  if (!(o.separationHours > 0)) throw new RusleError('BAD_VALUE', `stormErosivity: separationHours must be > 0 h, got ${o.separationHours}`);
  if (!(o.separationDepthMm >= 0)) throw new RusleError('BAD_VALUE', `stormErosivity: separationDepthMm must be ≥ 0 mm, got ${o.separationDepthMm}`);
  if (!(o.minStormDepthMm >= 0)) throw new RusleError('BAD_VALUE', `stormErosivity: minStormDepthMm must be ≥ 0 mm, got ${o.minStormDepthMm}`);
  const energyOf = unitEnergyFunction(o.energy);
  if (!energyOf) throw new RusleError('BAD_ARGUMENT', `stormErosivity: unknown energy relation '${String(o.energy)}'`);
  const { startMs: s, endMs: e, depthMm: d } = record;
  const n = d.length;
  for (let k = 0; k < n; k++) {
    if (!(e[k]! > s[k]!)) throw new RusleError('BAD_VALUE', `stormErosivity: interval ${k} ends before it starts`, { index: k });
    if (k > 0 && s[k]! < e[k - 1]!) throw new RusleError('BAD_VALUE', `stormErosivity: interval ${k} overlaps the previous one`, { index: k });
    if (!(d[k]! >= 0) || !Number.isFinite(d[k]!)) throw new RusleError('BAD_VALUE', `stormErosivity: depthMm[${k}] must be finite and ≥ 0 (fill or split gaps first), got ${d[k]}`, { index: k });
  }
  const sepMs = o.separationHours * 3_600_000;
  const events: StormEvent[] = [];
  // Prefix sums of depth over the whole record, for "rain in (t, t + 6 h]".
  const cum = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) cum[k + 1] = cum[k]! + d[k]!;
  /** Depth in (t, t + sep] summed over intervals after index k (intervals partly inside count pro rata). */
  const depthAfter = (k: number, t: number): number => {
    let sum = 0;
    const tEnd = t + sepMs;
    for (let j = k + 1; j < n && s[j]! < tEnd; j++) {
      if (d[j]! === 0) continue;
      const a = Math.max(s[j]!, t);
      const b = Math.min(e[j]!, tEnd);
      if (b > a) sum += (d[j]! * (b - a)) / (e[j]! - s[j]!);
      if (sum >= o.separationDepthMm) break;
    }
    return sum;
  };
  let k = 0;
  while (k < n) {
    while (k < n && d[k] === 0) k++;
    if (k >= n) break;
    const first = k;
    let last = k;
    let j = k;
    for (;;) {
      // j is rainy and part of the storm.
      last = j;
      const contiguous = j + 1 < n && d[j + 1]! > 0 && s[j + 1] === e[j];
      if (!contiguous && depthAfter(j, e[j]!) < o.separationDepthMm) break;
      let next = j + 1;
      while (next < n && d[next] === 0) next++;
      if (next >= n) break;
      j = next;
    }
    let depth = 0;
    let energy = 0;
    for (let q = first; q <= last; q++) {
      const dv = d[q]!;
      if (dv === 0) continue;
      const hours = (e[q]! - s[q]!) / 3_600_000;
      depth += dv;
      energy += energyOf(dv / hours) * dv;
    }
    const i30 = 2 * maxWindowDepth(record, first, last, 30 * MS_PER_MIN);
    const max15 = maxWindowDepth(record, first, last, 15 * MS_PER_MIN);
    const erosive = depth >= o.minStormDepthMm || (o.min15MinDepthMm !== undefined && max15 >= o.min15MinDepthMm);
    events.push({
      startMs: s[first]!,
      endMs: e[last]!,
      year: yearOf(s[first]!, o.utcOffsetMinutes),
      depthMm: depth,
      energyMJHa: energy,
      i30MmH: i30,
      max15MinDepthMm: max15,
      ei30: energy * i30,
      erosive,
    });
    k = last + 1;
  }
  let years: number[];
  if (o.years) {
    years = [...o.years];
  } else if (n === 0) {
    years = [];
  } else {
    const y0 = yearOf(s[0]!, o.utcOffsetMinutes);
    const y1 = yearOf(e[n - 1]! - 1, o.utcOffsetMinutes);
    years = [];
    for (let y = y0; y <= y1; y++) years.push(y);
  }
  const yearly = years.map((year) => ({ year, ei30: 0, erosiveStorms: 0 }));
  const byYear = new Map(yearly.map((y) => [y.year, y]));
  for (const ev of events) {
    const y = byYear.get(ev.year);
    if (ev.erosive && y) {
      y.ei30 += ev.ei30;
      y.erosiveStorms++;
    }
  }
  const annualR = yearly.length === 0 ? NaN : yearly.reduce((a, y) => a + y.ei30, 0) / yearly.length;
  return { events, yearly, annualR };
}
