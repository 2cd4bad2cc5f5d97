/**
 * Unit rainfall energy e (MJ·ha⁻¹·mm⁻¹) as a function of rainfall intensity i (mm·h⁻¹): the three relations used
 * with the USLE, RUSLE and RUSLE2.
 *
 * - `e.brownFoster1987`: e = 0.29 [1 − 0.72 exp(−0.05 i)] — Brown, L.C. & Foster, G.R. (1987), Storm erosivity
 *   using idealized intensity distributions, Trans. ASAE 30(2):379–386, doi:10.13031/2013.31957; the RUSLE relation
 *   of Renard et al. (1997), AH703, chapter 2 (SI form).
 * - `e.rusle2`: e = 0.29 [1 − 0.72 exp(−0.082 i)] — McGregor, K.C., Bingner, R.L., Bowie, A.J. & Foster, G.R.
 *   (1995), Erosivity index values for northern Mississippi, Trans. ASAE 38(4):1039–1047, doi:10.13031/2013.27921;
 *   the relation used by RUSLE2.
 * - `e.wischmeierSmith1978`: e = 0.119 + 0.0873 log₁₀ i for i ≤ 76 mm·h⁻¹, 0.283 above — Wischmeier, W.H. &
 *   Smith, D.D. (1978), Predicting rainfall erosion losses, USDA Agriculture Handbook 537 (AH537), "rainfall energy" (metric
 *   form of e = 916 + 331 log₁₀ i, ft·tonf·acre⁻¹·in⁻¹, capped at 3 in/h).
 *
 * All three rise with intensity and saturate (0.29 and 0.283 MJ·ha⁻¹·mm⁻¹). The AH537 relation is negative below
 * i ≈ 0.04 mm·h⁻¹; the function returns 0 there (no negative energy).
 *
 * Constants checked: the three expressions as quoted with their sources by the hyetor R package documentation
 * (kvantas.github.io/hyetor, "erosivity" article), which states the same coefficients, units and the 76 mm/h cap.
 *
 * @module
 */

import { registerFormula } from '../registry.js';

const INTENSITY = {
  name: 'intensityMmH',
  unit: 'mm·h⁻¹',
  min: 0,
  max: 1000,
  description: 'rainfall intensity of the interval',
} as const;
const ENERGY_OUT = { name: 'e', unit: 'MJ·ha⁻¹·mm⁻¹', description: 'kinetic energy per unit depth of rain' } as const;

/** e = 0.29 [1 − 0.72 exp(−0.05 i)], MJ·ha⁻¹·mm⁻¹, i in mm·h⁻¹ (Brown & Foster 1987; AH703). */
export function unitEnergyBrownFoster1987(intensityMmH: number): number {
  return 0.29 * (1 - 0.72 * Math.exp(-0.05 * intensityMmH));
}

/** e = 0.29 [1 − 0.72 exp(−0.082 i)], MJ·ha⁻¹·mm⁻¹, i in mm·h⁻¹ (McGregor et al. 1995; RUSLE2). */
export function unitEnergyRusle2(intensityMmH: number): number {
  return 0.29 * (1 - 0.72 * Math.exp(-0.082 * intensityMmH));
}

/** e = 0.119 + 0.0873 log₁₀ i (i ≤ 76 mm·h⁻¹), 0.283 above, never below 0; MJ·ha⁻¹·mm⁻¹ (AH537). */
export function unitEnergyWischmeierSmith1978(intensityMmH: number): number {
  if (intensityMmH > 76) return 0.283;
  if (!(intensityMmH > 0)) return 0;
  const e = 0.119 + 0.0873 * Math.log10(intensityMmH);
  return e > 0 ? e : 0;
}

registerFormula({
  id: 'e.brownFoster1987',
  title: 'Unit rainfall energy (RUSLE)',
  citation: 'Brown, L.C. & Foster, G.R. (1987). Storm erosivity using idealized intensity distributions. Transactions of the ASAE 30(2):379–386. As used in Renard et al. (1997), USDA Agriculture Handbook 703, chapter 2.',
  doi: '10.13031/2013.31957',
  inputs: [INTENSITY],
  output: ENERGY_OUT,
  expression: 'e = 0.29 [1 − 0.72 exp(−0.05 i)]',
  notes: 'Saturates at 0.29 MJ·ha⁻¹·mm⁻¹; e(0) = 0.0812.',
  checkedAgainst: 'hyetor R package documentation (erosivity article) states the same coefficients and units.',
  fn: ({ intensityMmH }) => unitEnergyBrownFoster1987(intensityMmH),
});

registerFormula({
  id: 'e.rusle2',
  title: 'Unit rainfall energy (RUSLE2)',
  citation: 'McGregor, K.C., Bingner, R.L., Bowie, A.J. & Foster, G.R. (1995). Erosivity index values for northern Mississippi. Transactions of the ASAE 38(4):1039–1047.',
  doi: '10.13031/2013.27921',
  inputs: [INTENSITY],
  output: ENERGY_OUT,
  expression: 'e = 0.29 [1 − 0.72 exp(−0.082 i)]',
  notes: 'The relation used by RUSLE2; saturates at 0.29 MJ·ha⁻¹·mm⁻¹.',
  checkedAgainst: 'hyetor R package documentation (erosivity article).',
  fn: ({ intensityMmH }) => unitEnergyRusle2(intensityMmH),
});

registerFormula({
  id: 'e.wischmeierSmith1978',
  title: 'Unit rainfall energy (USLE)',
  citation: 'Wischmeier, W.H. & Smith, D.D. (1978). Predicting rainfall erosion losses — a guide to conservation planning. USDA Agriculture Handbook 537, rainfall energy equation (metric form).',
  inputs: [INTENSITY],
  output: ENERGY_OUT,
  expression: 'e = 0.119 + 0.0873 log₁₀ i  (i ≤ 76 mm·h⁻¹);  e = 0.283  (i > 76 mm·h⁻¹)',
  notes: 'Negative below i ≈ 0.04 mm·h⁻¹: returned as 0.',
  checkedAgainst: 'hyetor R package documentation (erosivity article): same coefficients and the 76 mm/h cap at 0.283.',
  fn: ({ intensityMmH }) => unitEnergyWischmeierSmith1978(intensityMmH),
});

/** Names of the unit-energy relations. */
export type UnitEnergyMethod = 'brownFoster1987' | 'rusle2' | 'wischmeierSmith1978';

/** The unit-energy function of a method. */
export function unitEnergyFunction(method: UnitEnergyMethod): (intensityMmH: number) => number {
  switch (method) {
    case 'brownFoster1987': return unitEnergyBrownFoster1987;
    case 'rusle2': return unitEnergyRusle2;
    case 'wischmeierSmith1978': return unitEnergyWischmeierSmith1978;
  }
}
