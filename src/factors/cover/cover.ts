/**
 * Cover-management C (RUSLE) and biological-measure B (CSLE) from NDVI and vegetation cover.
 *
 * - `C.vanDerKnijff` — C = exp(−α NDVI / (β − NDVI)), α = 2, β = 1 by default: van der Knijff, J.M., Jones, R.J.A.
 *   & Montanarella, L. (2000), Soil erosion risk assessment in Europe, EUR 19044 EN, European Soil Bureau (first in
 *   van der Knijff et al. 1999, Soil erosion risk assessment in Italy, EUR 19022 EN). NDVI < 0 (water, bare rock)
 *   would give C > 1; the value is clamped to [0, 1].
 * - `FVC.dimidiate` — fractional vegetation cover from the dimidiate pixel model,
 *   FVC = (NDVI − NDVI_soil)/(NDVI_veg − NDVI_soil) clamped to [0, 1] (Gutman, G. & Ignatov, A. (1998), The
 *   derivation of the green vegetation fraction from NOAA/AVHRR data, Int. J. Remote Sens. 19(8):1533–1543,
 *   doi:10.1080/014311698215333; the linear form used in Chinese monitoring practice).
 * - `C.cai2000` — Cai Chongfa, Ding Shuwen, Shi Zhihua et al. (2000), 应用USLE模型与地理信息系统IDRISI预测小流域土壤侵蚀量
 *   / Study of applying USLE and GIS to predict soil erosion in small watershed, Journal of Soil and Water
 *   Conservation 14(2):19–24: C = 1 for c = 0; C = 0.6508 − 0.3436 log₁₀ c for 0 < c ≤ 78.3 %; C = 0 above 78.3 %
 *   (c vegetation cover in %). The 78.3 % break is where the log line reaches 0 (10^(0.6508/0.3436) = 78.3), which
 *   confirms the pair of constants; values above 1 (c < 1 %) are clamped to 1.
 * - CSLE's annual B weighted by erosivity: B = Σ_i SLR_i · WR_i over the 24 half-months, SLR_i the soil-loss ratio of
 *   half-month i, WR_i its share of the annual R (Liu Baoyuan et al., CSLE; WR from {@link zhangDailyErosivity}).
 *
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { registerFormula } from '../registry.js';

/** C = exp(−α NDVI/(β − NDVI)) clamped to [0, 1]. */
export function cVanDerKnijff(ndvi: number, alpha = 2, beta = 1): number {
  const c = Math.exp((-alpha * ndvi) / (beta - ndvi));
  return c > 1 ? 1 : c < 0 ? 0 : c;
}

/** FVC = (NDVI − NDVI_soil)/(NDVI_veg − NDVI_soil) clamped to [0, 1]. */
export function fvcDimidiate(ndvi: number, ndviSoil: number, ndviVeg: number): number {
  const f = (ndvi - ndviSoil) / (ndviVeg - ndviSoil);
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

/** C of Cai et al. (2000) from vegetation cover in %. */
export function cCai2000(coverPct: number): number {
  if (coverPct <= 0) return 1;
  if (coverPct > 78.3) return 0;
  const c = 0.6508 - 0.3436 * Math.log10(coverPct);
  return c > 1 ? 1 : c < 0 ? 0 : c;
}

registerFormula({
  id: 'C.vanDerKnijff',
  title: 'C from NDVI (van der Knijff)',
  citation: 'van der Knijff, J.M., Jones, R.J.A. & Montanarella, L. (2000). Soil erosion risk assessment in Europe. EUR 19044 EN, European Soil Bureau, JRC Ispra (also van der Knijff et al. 1999, EUR 19022 EN, for Italy).',
  inputs: [
    { name: 'ndvi', unit: '–', min: -1, max: 1, maxExclusive: true, description: 'normalised difference vegetation index' },
    { name: 'alpha', unit: '–', min: 0, minExclusive: true, max: 100, default: 2, description: 'shape parameter α' },
    { name: 'beta', unit: '–', min: 1, max: 100, default: 1, description: 'shape parameter β (≥ 1 so that β − NDVI > 0)' },
  ],
  output: { name: 'C', unit: '–', description: 'cover-management factor, clamped to [0, 1]' },
  expression: 'C = exp(−α NDVI / (β − NDVI)),  α = 2, β = 1',
  notes: 'Calibrated for Europe (Italy); NDVI < 0 would give C > 1 and is clamped to 1.',
  checkedAgainst: 'Form and default α = 2, β = 1 as given in the issue text and the JRC reports; value pinned by hand.',
  fn: ({ ndvi, alpha, beta }) => cVanDerKnijff(ndvi, alpha, beta),
});

registerFormula({
  id: 'FVC.dimidiate',
  title: 'Fractional vegetation cover from NDVI (dimidiate pixel model)',
  citation: 'Gutman, G. & Ignatov, A. (1998). The derivation of the green vegetation fraction from NOAA/AVHRR data for use in numerical weather prediction models. International Journal of Remote Sensing 19(8):1533–1543.',
  doi: '10.1080/014311698215333',
  inputs: [
    { name: 'ndvi', unit: '–', min: -1, max: 1, description: 'NDVI of the cell' },
    { name: 'ndviSoil', unit: '–', min: -1, max: 1, description: 'NDVI of bare soil (e.g. the 5 % quantile of the scene)' },
    { name: 'ndviVeg', unit: '–', min: -1, max: 1, description: 'NDVI of full cover (e.g. the 95 % quantile of the scene)' },
  ],
  output: { name: 'FVC', unit: '–', description: 'fraction of the cell covered by vegetation, 0–1 (× 100 for %)' },
  expression: 'FVC = (NDVI − NDVI_soil) / (NDVI_veg − NDVI_soil), clamped to [0, 1]',
  check: ({ ndviSoil, ndviVeg }) => (ndviVeg > ndviSoil ? undefined : `ndviVeg (${ndviVeg}) must be greater than ndviSoil (${ndviSoil})`),
  fn: ({ ndvi, ndviSoil, ndviVeg }) => fvcDimidiate(ndvi, ndviSoil, ndviVeg),
});

registerFormula({
  id: 'C.cai2000',
  title: 'C from vegetation cover (Cai et al.)',
  citation: 'Cai Chongfa, Ding Shuwen, Shi Zhihua, Huang Li, Zhang Guangyuan (2000). Study of applying USLE and geographical information system IDRISI to predict soil erosion in small watershed (应用USLE模型与地理信息系统IDRISI预测小流域土壤侵蚀量). Journal of Soil and Water Conservation 14(2):19–24.',
  inputs: [{ name: 'coverPct', unit: '%', min: 0, max: 100, description: 'vegetation cover c' }],
  output: { name: 'C', unit: '–', description: 'cover-management factor' },
  expression: 'C = 1 (c = 0);  C = 0.6508 − 0.3436 log₁₀ c (0 < c ≤ 78.3 %);  C = 0 (c > 78.3 %)',
  notes: 'From plots in the hilly Three Gorges area (Hubei); C > 1 for c < 1 % is clamped to 1.',
  checkedAgainst: 'Internal consistency: the line reaches 0 at c = 10^(0.6508/0.3436) = 78.33 %, the published break; the 78.3 % break is also quoted (Wang & Liu 1999) in the literature applying the model.',
  fn: ({ coverPct }) => cCai2000(coverPct),
});

/**
 * CSLE's annual B as the erosivity-weighted mean of half-month soil-loss ratios: B = Σ SLR_i · WR_i.
 *
 * @param soilLossRatios - SLR_i of the 24 half-months (0–1).
 * @param erosivityShares - WR_i, each half-month's share of the annual R (≥ 0, summing to 1 ± 1e-6; e.g.
 *   `zhangDailyErosivity(...).halfMonthShare`).
 * @returns B (–).
 * @throws `BAD_VALUE` for lengths other than 24, values out of range, or shares that do not sum to 1.
 * @example
 * ```ts
 * annualBFactor(Array(24).fill(0.1), Array(24).fill(1 / 24)); // 0.1
 * ```
 */
export function annualBFactor(soilLossRatios: ArrayLike<number>, erosivityShares: ArrayLike<number>): number {
  if (soilLossRatios.length !== 24 || erosivityShares.length !== 24) {
    throw new RusleError('BAD_VALUE', `annualBFactor: 24 half-month values are needed (got ${soilLossRatios.length} SLR and ${erosivityShares.length} WR)`);
  }
  let b = 0;
  let s = 0;
  for (let i = 0; i < 24; i++) {
    const slr = soilLossRatios[i]!;
    const wr = erosivityShares[i]!;
    if (!(slr >= 0 && slr <= 1)) throw new RusleError('BAD_VALUE', `annualBFactor: soilLossRatios[${i}] must be in [0, 1], got ${slr}`);
    if (!(wr >= 0)) throw new RusleError('BAD_VALUE', `annualBFactor: erosivityShares[${i}] must be ≥ 0, got ${wr}`);
    b += slr * wr;
    s += wr;
  }
  if (Math.abs(s - 1) > 1e-6) throw new RusleError('BAD_VALUE', `annualBFactor: erosivityShares sum to ${s}, not 1`);
  return b;
}
