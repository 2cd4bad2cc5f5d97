/**
 * The S (slope steepness), m (slope-length exponent), L (slope length) and combined LS formulas of the RUSLE
 * family, registered in the formula registry with their sources.
 *
 * Every function here is a pure scalar function of angles in radians and lengths/areas in metres.
 * The raster kernels (`ls-factor.ts`) evaluate algebraically equal forms (tan θ with sin θ = t/√(1+t²), powers
 * as exp/log, memoised on exact input bits); tests in `test/ls/ls-factor.test.ts` pin every S × m × L path to these
 * functions through `formulas.evaluate`.
 *
 * Constants were checked against the sources listed in each formula's `citation`:
 * - McCool et al. (1987) Trans. ASAE 30(5):1387–1396, eq. for S (10.8/0.03, 16.8/−0.50, 9 % break) and the
 *   short-slope S (3.0 sin^0.8 θ + 0.56), reproduced in AH703 (Renard et al. 1997) ch. 4 eqs. 4-4, 4-5.
 * - McCool et al. (1989) Trans. ASAE 32(5):1571–1576: β = (sin θ / 0.0896) / (3.0 sin^0.8 θ + 0.56), m = β/(1+β),
 *   AH703 eqs. 4-2, 4-3 (the "0.0986" and "0.896" seen in some codes are transcription errors; GRASS
 *   `r.watershed` and SAGA `ta_hydrology 22` use 0.0896, as here).
 * - Liu, Nearing & Risse (1994) Trans. ASAE 37(6):1835–1840: S = 21.91 sin θ − 0.96 for steep slopes.
 * - Liu, Nearing, Shi & Jia (2000) SSSAJ 64:1759–1763 and the CSLE practice (Liu et al. 2002; Zhang et al. 2013,
 *   LS-TOOL, Computers & Geosciences 52:177–188): the CSLE piecewise S and the CSLE m classes by degrees.
 * - Nearing (1997) SSSAJ 61:917–919: S = −1.5 + 17 / (1 + exp(2.3 − 6.1 sin θ)).
 * - Wischmeier & Smith (1978) AH537: S = 65.41 sin² θ + 4.56 sin θ + 0.065 and the m step table.
 * - Foster & Wischmeier (1974) Trans. ASAE 17(2):305–309: the segment (irregular slope) L.
 * - Desmet & Govers (1996) J. Soil Water Conserv. 51(5):427–433, eq. 6: the grid-cell L from upslope area.
 * - Moore & Burch (1986) SSSAJ 50:1294–1298 / Moore, Grayson & Ladson (1991) Hydrol. Process. 5:3–30: the
 *   unit-stream-power LS, in the form SAGA `ta_hydrology 22 -METHOD 0` computes:
 *   `(0.4 + 1) · (SCA / 22.13)^0.4 · (sin β / 0.0896)^1.3`.
 *
 * @module
 */

import { registerFormula } from '../registry.js';

/** Length of the unit plot, metres (72.6 ft). */
export const UNIT_PLOT_LENGTH_M = 22.13;

/** atan(0.09): the 9 % slope break of McCool et al. (1987), radians. */
export const SLOPE_9_PERCENT_RAD = Math.atan(0.09);

const DEG = Math.PI / 180;

const SLOPE_INPUT = {
  name: 'slopeRad',
  unit: 'rad',
  min: 0,
  max: Math.PI / 2,
  description: 'slope angle θ from the horizontal, radians',
} as const;

const AH703 = 'Renard, K.G., Foster, G.R., Weesies, G.A., McCool, D.K., Yoder, D.C. (1997). Predicting Soil Erosion by Water: A Guide to Conservation Planning with the Revised Universal Soil Loss Equation (RUSLE). USDA Agriculture Handbook 703, ch. 4';

// ---------------------------------------------------------------------------------------------------------------
// S — slope steepness

/** S of McCool et al. (1987): 10.8 sin θ + 0.03 when tan θ < 0.09, else 16.8 sin θ − 0.50. */
export function sMcCool1987(slopeRad: number): number {
  const s = Math.sin(slopeRad);
  return Math.tan(slopeRad) < 0.09 ? 10.8 * s + 0.03 : 16.8 * s - 0.5;
}

/** S of McCool et al. (1987) for slopes shorter than 4 m (15 ft): 3.0 sin^0.8 θ + 0.56. */
export function sMcCool1987Short(slopeRad: number): number {
  return 3.0 * Math.pow(Math.sin(slopeRad), 0.8) + 0.56;
}

/** S of Liu, Nearing & Risse (1994) for steep slopes: 21.91 sin θ − 0.96. */
export function sLiu1994(slopeRad: number): number {
  return 21.91 * Math.sin(slopeRad) - 0.96;
}

/** CSLE piecewise S (Liu et al. 1994, 2000): θ < 5°: 10.8 sin θ + 0.03; 5° ≤ θ < 10°: 16.8 sin θ − 0.50; θ ≥ 10°: 21.91 sin θ − 0.96. */
export function sCsle(slopeRad: number): number {
  const s = Math.sin(slopeRad);
  if (slopeRad < 5 * DEG) return 10.8 * s + 0.03;
  if (slopeRad < 10 * DEG) return 16.8 * s - 0.5;
  return 21.91 * s - 0.96;
}

/** S of Nearing (1997): −1.5 + 17 / (1 + exp(2.3 − 6.1 sin θ)). */
export function sNearing1997(slopeRad: number): number {
  return -1.5 + 17 / (1 + Math.exp(2.3 - 6.1 * Math.sin(slopeRad)));
}

/** S of Wischmeier & Smith (1978): 65.41 sin² θ + 4.56 sin θ + 0.065. */
export function sWischmeierSmith1978(slopeRad: number): number {
  const s = Math.sin(slopeRad);
  return 65.41 * s * s + 4.56 * s + 0.065;
}

registerFormula<{ slopeRad: number }>({
  id: 'S.mccool1987',
  title: 'RUSLE slope steepness factor S (McCool et al. 1987), 9 % break',
  citation: `McCool, D.K., Brown, L.C., Foster, G.R., Mutchler, C.K., Meyer, L.D. (1987). Revised slope steepness factor for the Universal Soil Loss Equation. Transactions of the ASAE 30(5):1387–1396. As AH703 eq. 4-4: ${AH703}`,
  doi: '10.13031/2013.30576',
  inputs: [SLOPE_INPUT],
  output: { name: 'S', unit: '–', description: 'slope steepness factor, 1 at 9 %' },
  expression: 'S = 10.8 sin θ + 0.03 if tan θ < 0.09;  S = 16.8 sin θ − 0.50 if tan θ ≥ 0.09',
  notes: 'For slopes longer than 4 m (15 ft). The break is at 9 % (tan θ = 0.09), the boundary itself takes the steep branch. Data span 0.5–56 %.',
  fn: ({ slopeRad }) => sMcCool1987(slopeRad),
});

registerFormula<{ slopeRad: number }>({
  id: 'S.mccool1987short',
  title: 'RUSLE slope steepness factor for slopes shorter than 4 m (McCool et al. 1987)',
  citation: `McCool, D.K., Brown, L.C., Foster, G.R., Mutchler, C.K., Meyer, L.D. (1987). Revised slope steepness factor for the Universal Soil Loss Equation. Transactions of the ASAE 30(5):1387–1396. As AH703 eq. 4-5: ${AH703}`,
  doi: '10.13031/2013.30576',
  inputs: [SLOPE_INPUT],
  output: { name: 'S', unit: '–', description: 'slope steepness factor for short slopes' },
  expression: 'S = 3.0 (sin θ)^0.8 + 0.56',
  notes: 'Only for slopes shorter than 4 m (15 ft) where rill erosion has not developed; AH703 applies it to slopes ≥ 9 %.',
  fn: ({ slopeRad }) => sMcCool1987Short(slopeRad),
});

registerFormula<{ slopeRad: number }>({
  id: 'S.liu1994',
  title: 'Slope steepness factor for steep slopes (Liu, Nearing & Risse 1994)',
  citation: 'Liu, B.Y., Nearing, M.A., Risse, L.M. (1994). Slope gradient effects on soil loss for steep slopes. Transactions of the ASAE 37(6):1835–1840.',
  doi: '10.13031/2013.28273',
  inputs: [SLOPE_INPUT],
  output: { name: 'S', unit: '–', description: 'slope steepness factor' },
  expression: 'S = 21.91 sin θ − 0.96',
  notes: 'Fitted on slopes of 9–55 % (Loess Plateau plots); used for θ ≥ 10° in the CSLE.',
  fn: ({ slopeRad }) => sLiu1994(slopeRad),
});

registerFormula<{ slopeRad: number }>({
  id: 'S.csle',
  title: 'CSLE slope steepness factor, piecewise at 5° and 10° (McCool 1987 + Liu et al. 1994)',
  citation: 'Liu, B.Y., Nearing, M.A., Shi, P.J., Jia, Z.W. (2000). Slope length effects on soil loss for steep slopes. Soil Science Society of America Journal 64:1759–1763; Liu, B.Y., Nearing, M.A., Risse, L.M. (1994). Transactions of the ASAE 37(6):1835–1840; Liu, B.Y., Zhang, K.L., Xie, Y. (2002). An empirical soil loss equation. Proc. 12th ISCO, Beijing, vol. 2:21–25; Zhang, H., Yang, Q., Li, R., Liu, Q., Moore, D., He, P., Ritsema, C.J., Geissen, V. (2013). Extension of a GIS procedure for calculating the RUSLE equation LS factor. Computers & Geosciences 52:177–188.',
  doi: '10.2136/sssaj2000.6451759x',
  inputs: [SLOPE_INPUT],
  output: { name: 'S', unit: '–', description: 'slope steepness factor' },
  expression: 'S = 10.8 sin θ + 0.03 (θ < 5°);  16.8 sin θ − 0.50 (5° ≤ θ < 10°);  21.91 sin θ − 0.96 (θ ≥ 10°)',
  notes: 'Boundaries: exactly 5° takes the middle branch, exactly 10° the steep branch (as in LS-TOOL, Zhang et al. 2013). S is slightly discontinuous at both boundaries.',
  fn: ({ slopeRad }) => sCsle(slopeRad),
});

registerFormula<{ slopeRad: number }>({
  id: 'S.nearing1997',
  title: 'Slope steepness factor, logistic form (Nearing 1997)',
  citation: 'Nearing, M.A. (1997). A single, continuous function for slope steepness influence on soil loss. Soil Science Society of America Journal 61:917–919.',
  doi: '10.2136/sssaj1997.03615995006100030029x',
  inputs: [SLOPE_INPUT],
  output: { name: 'S', unit: '–', description: 'slope steepness factor' },
  expression: 'S = −1.5 + 17 / (1 + exp(2.3 − 6.1 sin θ))',
  notes: 'Continuous over the whole range; close to McCool 1987 below 20 % and to Liu 1994 on steep slopes.',
  fn: ({ slopeRad }) => sNearing1997(slopeRad),
});

registerFormula<{ slopeRad: number }>({
  id: 'S.wischmeierSmith1978',
  title: 'USLE slope steepness factor (Wischmeier & Smith 1978)',
  citation: 'Wischmeier, W.H., Smith, D.D. (1978). Predicting Rainfall Erosion Losses: A Guide to Conservation Planning. USDA Agriculture Handbook 537, p. 12 (equation of Figure 4).',
  inputs: [SLOPE_INPUT],
  output: { name: 'S', unit: '–', description: 'slope steepness factor, 1 at 9 %' },
  expression: 'S = 65.41 sin² θ + 4.56 sin θ + 0.065',
  notes: 'USLE (not RUSLE); overpredicts on steep slopes (McCool et al. 1987).',
  fn: ({ slopeRad }) => sWischmeierSmith1978(slopeRad),
});

// ---------------------------------------------------------------------------------------------------------------
// m — slope-length exponent

/**
 * m of McCool et al. (1989): β = ratio · (sin θ / 0.0896) / (3.0 sin^0.8 θ + 0.56), m = β / (1 + β).
 * `ratio` is 0.5 (low rill/interrill ratio), 1 (moderate) or 2 (high).
 */
export function mMcCool1989(slopeRad: number, ratio = 1): number {
  const s = Math.sin(slopeRad);
  const beta = (ratio * (s / 0.0896)) / (3.0 * Math.pow(s, 0.8) + 0.56);
  return beta / (1 + beta);
}

/** m of the USLE (Wischmeier & Smith 1978) by slope in percent: 0.5 (≥ 5 %), 0.4 (3–5 %), 0.3 (1–3 %), 0.2 (< 1 %). */
export function mUsle(slopeRad: number): number {
  const p = Math.tan(slopeRad) * 100;
  if (p >= 5) return 0.5;
  if (p >= 3) return 0.4;
  if (p >= 1) return 0.3;
  return 0.2;
}

/** CSLE m by slope in degrees (Liu et al. 2000; Zhang et al. 2013): 0.2 (θ ≤ 1°), 0.3 (1°–3°], 0.4 (3°–5°], 0.5 (> 5°). */
export function mCsle(slopeRad: number): number {
  if (slopeRad <= 1 * DEG) return 0.2;
  if (slopeRad <= 3 * DEG) return 0.3;
  if (slopeRad <= 5 * DEG) return 0.4;
  return 0.5;
}

registerFormula<{ slopeRad: number; rillRatio: number }>({
  id: 'm.mccool1989',
  title: 'RUSLE slope-length exponent m from the rill/interrill ratio β (McCool et al. 1989)',
  citation: `McCool, D.K., Foster, G.R., Mutchler, C.K., Meyer, L.D. (1989). Revised slope length factor for the Universal Soil Loss Equation. Transactions of the ASAE 32(5):1571–1576. As AH703 eqs. 4-2, 4-3 and Table 4-3 (moderate), 4-2 (low), 4-4 (high): ${AH703}`,
  doi: '10.13031/2013.31192',
  inputs: [
    SLOPE_INPUT,
    { name: 'rillRatio', unit: '–', min: 0, minExclusive: true, max: 10, default: 1, description: 'multiplier of β for the rill/interrill ratio class: 0.5 low (rangeland, consolidated soil), 1 moderate (row crops), 2 high (freshly tilled, thawing)' },
  ],
  output: { name: 'm', unit: '–', description: 'slope-length exponent' },
  expression: 'β = rillRatio · (sin θ / 0.0896) / (3.0 (sin θ)^0.8 + 0.56);  m = β / (1 + β)',
  notes: 'The constant is 0.0896 (= sin of a 9 % slope); 0.0986 and 0.896 found in some codes are transcription errors.',
  fn: ({ slopeRad, rillRatio }) => mMcCool1989(slopeRad, rillRatio),
});

registerFormula<{ slopeRad: number }>({
  id: 'm.usle',
  title: 'USLE slope-length exponent m, step table by slope percent (Wischmeier & Smith 1978)',
  citation: 'Wischmeier, W.H., Smith, D.D. (1978). Predicting Rainfall Erosion Losses: A Guide to Conservation Planning. USDA Agriculture Handbook 537, p. 14.',
  inputs: [SLOPE_INPUT],
  output: { name: 'm', unit: '–', description: 'slope-length exponent' },
  expression: 'm = 0.5 (tan θ ≥ 5 %);  0.4 (3 % ≤ tan θ < 5 %);  0.3 (1 % ≤ tan θ < 3 %);  0.2 (tan θ < 1 %)',
  notes: 'AH537 gives 0.4 for 3.5–4.5 % and 0.3 for 1–3 %; the gaps are closed here at 3 % and 5 % (lower bound inclusive), as in the usual GIS implementations.',
  fn: ({ slopeRad }) => mUsle(slopeRad),
});

registerFormula<{ slopeRad: number }>({
  id: 'm.csle',
  title: 'CSLE slope-length exponent m, classes by slope degrees',
  citation: 'Liu, B.Y., Nearing, M.A., Shi, P.J., Jia, Z.W. (2000). Slope length effects on soil loss for steep slopes. Soil Science Society of America Journal 64:1759–1763; Zhang, H. et al. (2013). Extension of a GIS procedure for calculating the RUSLE equation LS factor. Computers & Geosciences 52:177–188 (LS-TOOL).',
  doi: '10.2136/sssaj2000.6451759x',
  inputs: [SLOPE_INPUT],
  output: { name: 'm', unit: '–', description: 'slope-length exponent' },
  expression: 'm = 0.2 (θ ≤ 1°);  0.3 (1° < θ ≤ 3°);  0.4 (3° < θ ≤ 5°);  0.5 (θ > 5°)',
  notes: 'Upper bounds inclusive (exactly 1° → 0.2, 3° → 0.3, 5° → 0.4). Liu et al. (2000) found m = 0.5 holds on steep slopes up to 55 %.',
  fn: ({ slopeRad }) => mCsle(slopeRad),
});

// ---------------------------------------------------------------------------------------------------------------
// L — slope length factor

/** L = (λ / 22.13)^m, λ horizontal metres. */
export function lRusle(lengthM: number, m: number): number {
  return Math.pow(lengthM / UNIT_PLOT_LENGTH_M, m);
}

/**
 * Segment L (Foster & Wischmeier 1974): (λout^(m+1) − λin^(m+1)) / ((λout − λin) · 22.13^m). Falls back to
 * (λout / 22.13)^m when λout = λin.
 */
export function lSegment(lengthInM: number, lengthOutM: number, m: number): number {
  const d = lengthOutM - lengthInM;
  if (!(d > 0)) return Math.pow(lengthOutM / UNIT_PLOT_LENGTH_M, m);
  return (Math.pow(lengthOutM, m + 1) - Math.pow(lengthInM, m + 1)) / (d * Math.pow(UNIT_PLOT_LENGTH_M, m));
}

/** Flow-width factor x = |sin α| + |cos α| of Desmet & Govers (1996) for aspect α, radians. */
export function flowWidthFactor(aspectRad: number): number {
  return Math.abs(Math.sin(aspectRad)) + Math.abs(Math.cos(aspectRad));
}

/**
 * Desmet & Govers (1996) grid-cell L: ((A + D²)^(m+1) − A^(m+1)) / (D^(m+2) · x^m · 22.13^m), with A the upslope
 * area at the cell's inlet (m², without the cell), D the cell size (m) and x the flow-width factor.
 */
export function lDesmetGovers1996(upslopeAreaM2: number, cellSizeM: number, m: number, x: number): number {
  const d2 = cellSizeM * cellSizeM;
  return (Math.pow(upslopeAreaM2 + d2, m + 1) - Math.pow(upslopeAreaM2, m + 1)) / (Math.pow(cellSizeM, m + 2) * Math.pow(x, m) * Math.pow(UNIT_PLOT_LENGTH_M, m));
}

/** Moore & Burch (1986) LS in SAGA's form: (m + 1) · (As / 22.13)^m · (sin β / 0.0896)^n. */
export function lsMooreBurch1986(specificCatchmentAreaM: number, slopeRad: number, m = 0.4, n = 1.3): number {
  return (m + 1) * Math.pow(specificCatchmentAreaM / UNIT_PLOT_LENGTH_M, m) * Math.pow(Math.sin(slopeRad) / 0.0896, n);
}

registerFormula<{ lengthM: number; m: number }>({
  id: 'L.rusle',
  title: 'RUSLE slope length factor L = (λ / 22.13)^m',
  citation: `Wischmeier, W.H., Smith, D.D. (1978). USDA Agriculture Handbook 537; ${AH703}, eq. 4-1.`,
  inputs: [
    { name: 'lengthM', unit: 'm', min: 0, description: 'horizontal slope length λ, metres' },
    { name: 'm', unit: '–', min: 0, max: 1, description: 'slope-length exponent' },
  ],
  output: { name: 'L', unit: '–', description: 'slope length factor, 1 at 22.13 m' },
  expression: 'L = (λ / 22.13)^m',
  notes: 'λ is the horizontal projection of the slope length, not the distance along the surface (AH703 p. 107).',
  fn: ({ lengthM, m }) => lRusle(lengthM, m),
});

registerFormula<{ lengthInM: number; lengthOutM: number; m: number }>({
  id: 'L.segment',
  title: 'Segment (irregular slope) L factor (Foster & Wischmeier 1974)',
  citation: 'Foster, G.R., Wischmeier, W.H. (1974). Evaluating irregular slopes for soil loss prediction. Transactions of the ASAE 17(2):305–309; used per grid cell by Liu et al. (2000, CSLE) and Zhang et al. (2013, LS-TOOL).',
  doi: '10.13031/2013.36846',
  inputs: [
    { name: 'lengthInM', unit: 'm', min: 0, description: 'horizontal slope length at the segment inlet (top), metres' },
    { name: 'lengthOutM', unit: 'm', min: 0, description: 'horizontal slope length at the segment outlet (bottom), metres; ≥ lengthInM' },
    { name: 'm', unit: '–', min: 0, max: 1, description: 'slope-length exponent' },
  ],
  output: { name: 'L', unit: '–', description: 'mean slope length factor of the segment' },
  expression: 'L = (λout^(m+1) − λin^(m+1)) / ((λout − λin) · 22.13^m)',
  notes: 'When λout = λin the limit (λout / 22.13)^m is returned. With λin = 0 it reduces to L.rusle at λout.',
  fn: ({ lengthInM, lengthOutM, m }) => lSegment(lengthInM, lengthOutM, m),
});

registerFormula<{ upslopeAreaM2: number; cellSizeM: number; m: number; aspectRad: number }>({
  id: 'L.desmetGovers1996',
  title: 'Grid-cell L factor from upslope area (Desmet & Govers 1996)',
  citation: 'Desmet, P.J.J., Govers, G. (1996). A GIS procedure for automatically calculating the USLE LS factor on topographically complex landscape units. Journal of Soil and Water Conservation 51(5):427–433, eq. 6.',
  inputs: [
    { name: 'upslopeAreaM2', unit: 'm²', min: 0, description: 'contributing area at the inlet of the cell (without the cell itself), m²' },
    { name: 'cellSizeM', unit: 'm', min: 0, minExclusive: true, description: 'grid cell size D, metres' },
    { name: 'm', unit: '–', min: 0, max: 1, description: 'slope-length exponent' },
    { name: 'aspectRad', unit: 'rad', min: -2 * Math.PI, max: 2 * Math.PI, default: 0, description: 'aspect α for the flow-width factor x = |sin α| + |cos α|; 0 gives x = 1' },
  ],
  output: { name: 'L', unit: '–', description: 'slope length factor of the cell' },
  expression: 'L = ((A + D²)^(m+1) − A^(m+1)) / (D^(m+2) · x^m · 22.13^m),  x = |sin α| + |cos α|',
  notes: 'A is in m² and excludes the cell; tools differ: SAGA ta_hydrology 22 feeds A/D (specific catchment area) into the same expression, InVEST SDR uses (flow accumulation − 1) · D².',
  fn: ({ upslopeAreaM2, cellSizeM, m, aspectRad }) => lDesmetGovers1996(upslopeAreaM2, cellSizeM, m, flowWidthFactor(aspectRad)),
});

registerFormula<{ specificCatchmentAreaM: number; slopeRad: number; m: number; n: number }>({
  id: 'LS.mooreBurch1986',
  title: 'Unit-stream-power LS (Moore & Burch 1986), SAGA "Moore et al. 1991" form with (m + 1)',
  citation: 'Moore, I.D., Burch, G.J. (1986). Physical basis of the length-slope factor in the Universal Soil Loss Equation. Soil Science Society of America Journal 50:1294–1298; Moore, I.D., Grayson, R.B., Ladson, A.R. (1991). Digital terrain modelling: a review of hydrological, geomorphological and biological applications. Hydrological Processes 5:3–30. Form of SAGA GIS ta_hydrology tool 22 (LS Factor, method 0), source TopographicIndices.cpp.',
  doi: '10.2136/sssaj1986.03615995005000050042x',
  inputs: [
    { name: 'specificCatchmentAreaM', unit: 'm', min: 0, description: 'specific catchment area As: upslope area per unit contour width, m²/m = m' },
    SLOPE_INPUT,
    { name: 'm', unit: '–', min: 0, max: 1, default: 0.4, description: 'area exponent (0.4 in SAGA; 0.4–0.6 in Moore & Burch)' },
    { name: 'n', unit: '–', min: 0, max: 3, default: 1.3, description: 'slope exponent (1.3 in SAGA; 1.0–1.4 in Moore & Burch)' },
  ],
  output: { name: 'LS', unit: '–', description: 'combined slope length and steepness factor' },
  expression: 'LS = (m + 1) · (As / 22.13)^m · (sin β / 0.0896)^n',
  notes: 'SAGA hard-codes m = 0.4 and n = 1.3. Without the (m + 1) factor this is the Moore & Wilson (1992) form.',
  fn: ({ specificCatchmentAreaM, slopeRad, m, n }) => lsMooreBurch1986(specificCatchmentAreaM, slopeRad, m, n),
});
