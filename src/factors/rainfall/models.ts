/**
 * Rainfall erosivity from daily, monthly and annual rainfall amounts.
 *
 * - `R.zhangDaily` — Zhang Wenbo, Xie Yun & Liu Baoyuan (2002), 利用日雨量计算降雨侵蚀力的方法研究 / Rainfall erosivity
 *   estimation using daily rainfall amounts, Scientia Geographica Sinica 22(6):705–711,
 *   doi:10.13249/j.cnki.sgs.2002.06.705. Half-month erosivity M_i = α Σ_k P_k^β over the days k of half-month i
 *   with P_k ≥ 12 mm; β = 0.8363 + 18.144/P_d12 + 24.455/P_y12, α = 21.586 β^(−7.1891), where P_d12 is the mean
 *   daily rainfall of days ≥ 12 mm and P_y12 the mean yearly sum of those days' rainfall (mm). Output
 *   MJ·mm·ha⁻¹·h⁻¹ per half-month. Calibrated on 71 stations across China (abstract: mean R² 0.718; with α and β
 *   from the rainfall indexes 0.697 and a 17.3 % mean relative error of the annual R); it underestimates extreme
 *   storms and works best where rain is abundant — use it for China, monsoon climates.
 * - `R.renardFreimund1994` — Renard, K.G. & Freimund, J.R. (1994), Using monthly precipitation data to estimate the
 *   R-factor in the revised USLE, Journal of Hydrology 157:287–306, doi:10.1016/0022-1694(94)90110-4:
 *   R = 0.0483 P^1.610 (P ≤ 850 mm), R = 587.8 − 1.219 P + 0.004105 P² (P > 850 mm), P annual precipitation in mm,
 *   R in MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. Fitted to 155 US stations (contiguous USA).
 * - `R.renardFreimund1994Fournier` — the same paper's regression on the modified Fournier index F (Arnoldus 1980):
 *   R = 0.7397 F^1.847 (F ≤ 55 mm), R = 95.77 − 6.081 F + 0.4770 F² (F > 55 mm).
 * - `F.arnoldus1980` — the modified Fournier index F = Σ_{i=1}^{12} p_i² / P (mm), Arnoldus, H.M.J. (1980), An
 *   approximation of the rainfall factor in the Universal Soil Loss Equation, in De Boodt & Gabriels (eds.),
 *   Assessment of Erosion, Wiley, pp. 127–132.
 *
 * Constants checked: Zhang 2002 — the abstract (geoscien.neigae.ac.cn) confirms the model form, data and errors;
 * the numeric constants of β and α are as quoted in the Chinese literature that applies the model (the paper's
 * body was not reachable here — flagged in the docs). Renard & Freimund (P form) — identical constants in an
 * independent implementation (an LPJ-family Fortran soil-erosion routine, "eqn. 8") and in ICIMOD's Koshi-basin
 * R dataset description; its branches meet at 850 mm within 0.15 %. The Fournier form was not found in a source
 * reachable here: its branches meet at 55 mm within 0.7 % only with the coefficient 0.7397 (tested).
 *
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { registerFormula } from '../registry.js';

/** Days with at least this much rain (mm) are erosive in the Zhang et al. (2002) model. */
export const ZHANG_DAILY_THRESHOLD_MM = 12;

/** β of Zhang et al. (2002) from P_d12 and P_y12 (mm). */
export function zhangBeta(pd12Mm: number, py12Mm: number): number {
  return 0.8363 + 18.144 / pd12Mm + 24.455 / py12Mm;
}

/** α of Zhang et al. (2002) from β. */
export function zhangAlpha(beta: number): number {
  return 21.586 * Math.pow(beta, -7.1891);
}

registerFormula({
  id: 'R.zhangDaily',
  title: 'Erosivity of one day from its rainfall (Zhang Wenbo et al. half-month model)',
  citation: 'Zhang Wenbo, Xie Yun, Liu Baoyuan (2002). Rainfall erosivity estimation using daily rainfall amounts (利用日雨量计算降雨侵蚀力的方法研究). Scientia Geographica Sinica 22(6):705–711.',
  doi: '10.13249/j.cnki.sgs.2002.06.705',
  inputs: [
    { name: 'rainMm', unit: 'mm', min: 0, max: 2000, description: 'daily rainfall; days below 12 mm contribute 0' },
    { name: 'pd12Mm', unit: 'mm', min: 12, max: 500, description: 'P_d12: mean daily rainfall of the days ≥ 12 mm (station climatology)' },
    { name: 'py12Mm', unit: 'mm', minExclusive: true, min: 0, max: 10000, description: 'P_y12: mean yearly sum of the rainfall of days ≥ 12 mm' },
  ],
  output: { name: 'M', unit: 'MJ·mm·ha⁻¹·h⁻¹', description: "the day's contribution to its half-month erosivity" },
  expression: 'M = α P^β (P ≥ 12 mm, else 0);  β = 0.8363 + 18.144/P_d12 + 24.455/P_y12;  α = 21.586 β^(−7.1891)',
  notes: 'Half-month erosivity is the sum over its days; annual R the mean yearly sum (see zhangDailyErosivity). Calibrated on 71 Chinese stations; best where rain is abundant, low for extreme storms.',
  checkedAgainst: 'Model form, data and errors: the paper\'s abstract. Constants: as quoted in the Chinese literature applying the model; the paper body was not reachable.',
  fn: ({ rainMm, pd12Mm, py12Mm }) => {
    if (rainMm < ZHANG_DAILY_THRESHOLD_MM) return 0;
    const beta = zhangBeta(pd12Mm, py12Mm);
    return zhangAlpha(beta) * Math.pow(rainMm, beta);
  },
});

/** R = 0.0483 P^1.610 (P ≤ 850 mm), 587.8 − 1.219 P + 0.004105 P² above; MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. */
export function rRenardFreimund1994(annualRainMm: number): number {
  return annualRainMm <= 850 ? 0.0483 * Math.pow(annualRainMm, 1.61) : 587.8 - 1.219 * annualRainMm + 0.004105 * annualRainMm * annualRainMm;
}

/** R = 0.7397 F^1.847 (F ≤ 55 mm), 95.77 − 6.081 F + 0.4770 F² above; MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. */
export function rRenardFreimund1994Fournier(fournierMm: number): number {
  return fournierMm <= 55 ? 0.7397 * Math.pow(fournierMm, 1.847) : 95.77 - 6.081 * fournierMm + 0.477 * fournierMm * fournierMm;
}

/**
 * The modified Fournier index F = Σ p_i² / P of twelve monthly rainfalls p_i (mm), P = Σ p_i; 0 when P = 0.
 *
 * @throws `BAD_VALUE` unless 12 finite values ≥ 0 are given.
 * @example
 * ```ts
 * fournierIndex(Array(12).fill(100)); // 100
 * ```
 */
export function fournierIndex(monthlyRainMm: ArrayLike<number>): number {
  if (monthlyRainMm.length !== 12) throw new RusleError('BAD_VALUE', `fournierIndex: 12 monthly rainfalls (mm) are needed, got ${monthlyRainMm.length}`);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < 12; i++) {
    const p = monthlyRainMm[i]!;
    if (!(p >= 0) || !Number.isFinite(p)) throw new RusleError('BAD_VALUE', `fournierIndex: month ${i + 1} rainfall must be finite and ≥ 0 mm, got ${p}`);
    sum += p;
    sq += p * p;
  }
  return sum > 0 ? sq / sum : 0;
}

registerFormula({
  id: 'R.renardFreimund1994',
  title: 'R from annual precipitation (Renard & Freimund)',
  citation: 'Renard, K.G. & Freimund, J.R. (1994). Using monthly precipitation data to estimate the R-factor in the revised USLE. Journal of Hydrology 157:287–306.',
  doi: '10.1016/0022-1694(94)90110-4',
  inputs: [{ name: 'annualRainMm', unit: 'mm·yr⁻¹', min: 0, max: 10000, description: 'mean annual precipitation' }],
  output: { name: 'R', unit: 'MJ·mm·ha⁻¹·h⁻¹·yr⁻¹', description: 'rainfall erosivity' },
  expression: 'R = 0.0483 P^1.610 (P ≤ 850 mm);  R = 587.8 − 1.219 P + 0.004105 P² (P > 850 mm)',
  notes: 'Fitted to US stations (contiguous USA); outside that climate treat as a rough estimate.',
  checkedAgainst: 'Identical constants in an independent Fortran implementation (LPJ-family soil erosion routine) and in ICIMOD\'s Koshi-basin R dataset description.',
  fn: ({ annualRainMm }) => rRenardFreimund1994(annualRainMm),
});

registerFormula({
  id: 'R.renardFreimund1994Fournier',
  title: 'R from the modified Fournier index (Renard & Freimund)',
  citation: 'Renard, K.G. & Freimund, J.R. (1994). Using monthly precipitation data to estimate the R-factor in the revised USLE. Journal of Hydrology 157:287–306. F after Arnoldus (1980).',
  doi: '10.1016/0022-1694(94)90110-4',
  inputs: [{ name: 'fournierMm', unit: 'mm', min: 0, max: 5000, description: 'modified Fournier index F = Σ p_i²/P of mean monthly rainfalls' }],
  output: { name: 'R', unit: 'MJ·mm·ha⁻¹·h⁻¹·yr⁻¹', description: 'rainfall erosivity' },
  expression: 'R = 0.7397 F^1.847 (F ≤ 55 mm);  R = 95.77 − 6.081 F + 0.4770 F² (F > 55 mm)',
  notes: 'Fitted to US stations (contiguous USA).',
  checkedAgainst: 'Not found in a source reachable here; the two branches meet at F = 55 mm within 0.7 % (1212 vs 1204), which fixes the coefficient at 0.7397 (a quoted 0.07397 would jump tenfold).',
  fn: ({ fournierMm }) => rRenardFreimund1994Fournier(fournierMm),
});

registerFormula({
  id: 'F.arnoldus1980',
  title: 'Modified Fournier index: one month\'s term p_i² / P',
  citation: 'Arnoldus, H.M.J. (1980). An approximation of the rainfall factor in the Universal Soil Loss Equation. In: De Boodt, M. & Gabriels, D. (eds.), Assessment of Erosion. Wiley, Chichester, pp. 127–132.',
  inputs: [
    { name: 'monthRainMm', unit: 'mm', min: 0, max: 5000, description: 'rainfall of one month, p_i' },
    { name: 'annualRainMm', unit: 'mm', min: 0, minExclusive: true, max: 20000, description: 'annual rainfall, P = Σ p_i' },
  ],
  output: { name: 'F_i', unit: 'mm', description: "one month's term of F = Σ p_i²/P" },
  expression: 'F = Σ_{i=1}^{12} p_i² / P;  this entry gives one term p_i²/P (use fournierIndex for the sum)',
  fn: ({ monthRainMm, annualRainMm }) => (monthRainMm * monthRainMm) / annualRainMm,
});

/** A daily rainfall series: one value per day. */
export interface DailyRainSeries {
  /** Day of each value: ms since 1970-01-01 UTC at any time of that (UTC) day, or `'YYYY-MM-DD'` strings. */
  readonly dates: ArrayLike<number> | readonly string[];
  /** Rainfall of each day, mm (finite, ≥ 0). */
  readonly rainMm: ArrayLike<number>;
}

/** Result of {@link zhangDailyErosivity}. */
export interface ZhangDailyResult {
  /** β used. */
  readonly beta: number;
  /** α used. */
  readonly alpha: number;
  /** P_d12: mean daily rainfall of days ≥ 12 mm, mm. */
  readonly pd12Mm: number;
  /** P_y12: mean yearly sum of the rainfall of days ≥ 12 mm, mm. */
  readonly py12Mm: number;
  /** Mean erosivity of each of the 24 half-months (Jan 1–15, Jan 16–31, …), MJ·mm·ha⁻¹·h⁻¹. */
  readonly halfMonthMean: Float64Array;
  /** Share of the annual R in each half-month (sums to 1 when R > 0): the WR_i weights of CSLE's B. */
  readonly halfMonthShare: Float64Array;
  /** Yearly sums, MJ·mm·ha⁻¹·h⁻¹. */
  readonly yearly: { year: number; r: number }[];
  /** Mean annual R, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹. */
  readonly annualR: number;
}

function dayParts(d: number | string): { year: number; month: number; day: number } {
  if (typeof d === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
    if (!m) throw new RusleError('BAD_VALUE', `zhangDailyErosivity: date '${d}' is not YYYY-MM-DD`);
    return { year: Number(m[1]), month: Number(m[2]) - 1, day: Number(m[3]) };
  }
  if (!Number.isFinite(d)) throw new RusleError('BAD_VALUE', `zhangDailyErosivity: date ${d} is not a finite time in ms`);
  const t = new Date(d);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth(), day: t.getUTCDate() };
}

/**
 * Half-month and annual rainfall erosivity from a daily rainfall series with the model of Zhang et al. (2002).
 *
 * α and β come from the series itself (P_d12, P_y12) unless given. Years are the calendar years present in the
 * series (give whole years: a partial year lowers the mean).
 *
 * @param series - daily rainfall, see {@link DailyRainSeries}.
 * @param options - `alpha`, `beta` to override the rainfall-index estimates (station-calibrated values).
 * @returns half-month means and shares, yearly sums, annual R (MJ·mm·ha⁻¹·h⁻¹·yr⁻¹).
 * @throws `BAD_VALUE` for missing or negative rainfall, or a series with no day ≥ 12 mm and no α, β given.
 * @example
 * ```ts
 * const r = zhangDailyErosivity({ dates: ['2020-07-01', '2020-07-02'], rainMm: [30, 5] });
 * r.annualR;
 * ```
 */
export function zhangDailyErosivity(series: DailyRainSeries, options: { alpha?: number; beta?: number } = {}): ZhangDailyResult {
  const n = series.rainMm.length;
  if (series.dates.length !== n) throw new RusleError('BAD_VALUE', `zhangDailyErosivity: ${series.dates.length} dates but ${n} rainfall values`);
  const parts: { year: number; half: number }[] = new Array(n);
  const years = new Set<number>();
  let erosiveSum = 0;
  let erosiveDays = 0;
  for (let k = 0; k < n; k++) {
    const p = series.rainMm[k]!;
    if (!(p >= 0) || !Number.isFinite(p)) throw new RusleError('BAD_VALUE', `zhangDailyErosivity: rainMm[${k}] must be finite and ≥ 0 mm (fill gaps first), got ${p}`, { index: k });
    const { year, month, day } = dayParts((series.dates as ArrayLike<number | string>)[k]!);
    parts[k] = { year, half: month * 2 + (day > 15 ? 1 : 0) };
    years.add(year);
    if (p >= ZHANG_DAILY_THRESHOLD_MM) {
      erosiveSum += p;
      erosiveDays++;
    }
  }
  const nYears = years.size;
  const pd12 = erosiveDays > 0 ? erosiveSum / erosiveDays : NaN;
  const py12 = nYears > 0 ? erosiveSum / nYears : NaN;
  const beta = options.beta ?? zhangBeta(pd12, py12);
  const alpha = options.alpha ?? zhangAlpha(beta);
  if (!Number.isFinite(beta) || !Number.isFinite(alpha)) {
    throw new RusleError('BAD_VALUE', 'zhangDailyErosivity: the series has no day with ≥ 12 mm, so α and β cannot be estimated; give them as options');
  }
  const sortedYears = [...years].sort((a, b) => a - b);
  const yIndex = new Map(sortedYears.map((y, i) => [y, i]));
  const perYearHalf = new Float64Array(nYears * 24);
  for (let k = 0; k < n; k++) {
    const p = series.rainMm[k]!;
    if (p < ZHANG_DAILY_THRESHOLD_MM) continue;
    const { year, half } = parts[k]!;
    perYearHalf[yIndex.get(year)! * 24 + half] += alpha * Math.pow(p, beta);
  }
  const halfMonthMean = new Float64Array(24);
  const yearly = sortedYears.map((year) => ({ year, r: 0 }));
  for (let y = 0; y < nYears; y++) {
    for (let h = 0; h < 24; h++) {
      const v = perYearHalf[y * 24 + h]!;
      halfMonthMean[h] += v / nYears;
      yearly[y]!.r += v;
    }
  }
  let annualR = 0;
  for (let h = 0; h < 24; h++) annualR += halfMonthMean[h]!;
  const halfMonthShare = new Float64Array(24);
  if (annualR > 0) for (let h = 0; h < 24; h++) halfMonthShare[h] = halfMonthMean[h]! / annualR;
  return { beta, alpha, pd12Mm: pd12, py12Mm: py12, halfMonthMean, halfMonthShare, yearly, annualR };
}
