/**
 * Soil erodibility K from soil texture, organic matter, structure and permeability. All registered formulas return
 * K in SI units, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹ (= K_US × 0.1317, AH703 Appendix A; see `units.ts`).
 *
 * - `K.nomograph` — Wischmeier, W.H. & Smith, D.D. (1978), AH537, the equation of the soil-erodibility nomograph (Fig. 3):
 *   100 K = 2.1 × 10⁻⁴ M^1.14 (12 − OM) + 3.25 (s − 2) + 2.5 (p − 3), M = (silt % + very fine sand %)(100 − clay %),
 *   K in US units; s the structure class (1 very fine granular, 2 fine granular, 3 medium or coarse granular,
 *   4 blocky, platy or massive), p the permeability class (1 rapid … 6 very slow). Valid for OM ≤ 4 % and
 *   silt + very fine sand ≤ 70 % (enforced). Published check: AH537's worked example (65 % silt + vfs, 5 % sand,
 *   2.8 % OM, structure 2, permeability 4) reads K = 0.31 from the nomograph; the equation gives 0.3105.
 * - `K.epic` — Williams, J.R. (1995), The EPIC model, in Singh (ed.), Computer Models of Watershed Hydrology,
 *   pp. 909–1000; Sharpley, A.N. & Williams, J.R. (eds.) (1990), EPIC — Erosion/Productivity Impact Calculator,
 *   USDA Technical Bulletin 1768: K_US = {0.2 + 0.3 exp[−0.0256 SAN (1 − SIL/100)]} (SIL/(CLA + SIL))^0.3
 *   {1 − 0.25 C/(C + exp(3.72 − 2.95 C))} {1 − 0.7 SN1/(SN1 + exp(−5.51 + 22.9 SN1))}, SN1 = 1 − SAN/100,
 *   C organic carbon %. The coefficient is 0.0256 (the SWAT 2009 theory document misprints it as 0.256).
 * - `K.shiraziBoersma` — Renard et al. (1997), AH703, eq. 3-5, after Shirazi, M.A. & Boersma, L. (1984), A unifying
 *   quantitative analysis of soil texture, Soil Sci. Soc. Am. J. 48:142–147, doi:10.2136/sssaj1984.03615995004800010026x:
 *   K_US = 7.594 {0.0034 + 0.0405 exp[−½ ((log₁₀ D_g + 1.659)/0.7101)²]}, D_g (mm) = exp(0.01 Σ f_i ln m_i) with
 *   f_i the mass % of clay, silt, sand and m_i the class mean diameters (0.001, 0.026, 1.025 mm for the USDA
 *   classes). 7.594 = 1/0.1317, so the braces are K_SI. Valid for soils with < 10 % rock fragments (AH703).
 *
 * The China correction of EPIC K (K_china = −0.01383 + 0.51575 K_epic, attributed to Zhang Keli et al. 2008) is
 * NOT registered: its constants could not be confirmed in the paper here. Apply a linear correction of your choice
 * with the `linearCorrection` option of `kFactorFromTexture`.
 *
 * Constants checked: EPIC — the same coefficients (0.0256, 3.72, 2.95, 5.51, 22.9) in a published R-factor/K table
 * (Authorea, Yang et al. 2003 form) and in wflow's `UsleK_EPIC`; Shirazi–Boersma — the same constants in wflow
 * (log₁₀, D_g in mm, SI braces) and in natcap's ISRIC K-factor script (7.594 × braces = US; it uses natural log,
 * which we do not follow: AH703 uses log₁₀); nomograph — AH537's example worked by hand (test).
 *
 * @module
 */

import { registerFormula } from '../registry.js';
import { K_US_TO_SI } from '../units.js';

/** Allowed deviation of sand + silt + clay from 100 %, percentage points. */
export const TEXTURE_SUM_TOLERANCE_PCT = 1;

/** Class mean diameters (mm) of the USDA fractions used for D_g: clay 0–0.002, silt 0.002–0.05, sand 0.05–2 mm. */
export const USDA_MEAN_DIAMETER_MM = { clay: 0.001, silt: 0.026, sand: 1.025 } as const;

function textureSumProblem(sandPct: number, siltPct: number, clayPct: number): string | undefined {
  const sum = sandPct + siltPct + clayPct;
  if (Math.abs(sum - 100) > TEXTURE_SUM_TOLERANCE_PCT) {
    return `sand + silt + clay = ${sum} % (${sandPct} + ${siltPct} + ${clayPct}); it must be 100 ± ${TEXTURE_SUM_TOLERANCE_PCT} %`;
  }
  return undefined;
}

/** K (SI) from the AH537 nomograph equation; inputs in % and classes. No validation (see the registered formula). */
export function kNomograph(siltPct: number, veryFineSandPct: number, clayPct: number, organicMatterPct: number, structureClass: number, permeabilityClass: number): number {
  const m = (siltPct + veryFineSandPct) * (100 - clayPct);
  const k100 = 2.1e-4 * Math.pow(m, 1.14) * (12 - organicMatterPct) + 3.25 * (structureClass - 2) + 2.5 * (permeabilityClass - 3);
  return (k100 / 100) * K_US_TO_SI;
}

/** K (US units) of the EPIC equation; inputs in %. No validation. */
export function kEpicUs(sandPct: number, siltPct: number, clayPct: number, organicCarbonPct: number): number {
  const sn1 = 1 - sandPct / 100;
  const fcsand = 0.2 + 0.3 * Math.exp(-0.0256 * sandPct * (1 - siltPct / 100));
  const fcl = siltPct + clayPct > 0 ? Math.pow(siltPct / (clayPct + siltPct), 0.3) : 0;
  const forgc = 1 - (0.25 * organicCarbonPct) / (organicCarbonPct + Math.exp(3.72 - 2.95 * organicCarbonPct));
  const fhisand = 1 - (0.7 * sn1) / (sn1 + Math.exp(-5.51 + 22.9 * sn1));
  return fcsand * fcl * forgc * fhisand;
}

/** K (SI) of the EPIC equation = 0.1317 × K_US. */
export function kEpic(sandPct: number, siltPct: number, clayPct: number, organicCarbonPct: number): number {
  return kEpicUs(sandPct, siltPct, clayPct, organicCarbonPct) * K_US_TO_SI;
}

/** Geometric mean particle diameter D_g (mm) of clay/silt/sand percentages with the given class mean diameters. */
export function geometricMeanDiameterMm(sandPct: number, siltPct: number, clayPct: number, diam: { clay: number; silt: number; sand: number } = USDA_MEAN_DIAMETER_MM): number {
  return Math.exp(0.01 * (clayPct * Math.log(diam.clay) + siltPct * Math.log(diam.silt) + sandPct * Math.log(diam.sand)));
}

/** K (SI) of AH703 eq. 3-5 (the braces) from D_g in mm. */
export function kShiraziBoersmaFromDg(dgMm: number): number {
  const z = (Math.log10(dgMm) + 1.659) / 0.7101;
  return 0.0034 + 0.0405 * Math.exp(-0.5 * z * z);
}

const K_OUT = { name: 'K', unit: 't·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹', description: 'soil erodibility (SI; K_US = K / 0.1317)' } as const;

registerFormula({
  id: 'K.nomograph',
  title: 'K from the USLE nomograph equation',
  citation: 'Wischmeier, W.H. & Smith, D.D. (1978). Predicting rainfall erosion losses — a guide to conservation planning. USDA Agriculture Handbook 537, the soil-erodibility nomograph (Fig. 3) and its equation (after Wischmeier, Johnson & Cross 1971).',
  inputs: [
    { name: 'siltPct', unit: '%', min: 0, max: 100, description: 'silt (0.002–0.05 mm), mass %' },
    { name: 'veryFineSandPct', unit: '%', min: 0, max: 100, description: 'very fine sand (0.05–0.1 mm), mass %' },
    { name: 'clayPct', unit: '%', min: 0, max: 100, description: 'clay (< 0.002 mm), mass %' },
    { name: 'organicMatterPct', unit: '%', min: 0, max: 4, description: 'organic matter, mass % (the equation is valid up to 4 %)' },
    { name: 'structureClass', unit: 'class', min: 1, max: 4, description: 'soil structure code: 1 very fine granular, 2 fine granular, 3 medium/coarse granular, 4 blocky, platy or massive' },
    { name: 'permeabilityClass', unit: 'class', min: 1, max: 6, description: 'profile permeability code: 1 rapid, 2 moderate to rapid, 3 moderate, 4 slow to moderate, 5 slow, 6 very slow' },
  ],
  output: K_OUT,
  expression: '100 K_US = 2.1×10⁻⁴ M^1.14 (12 − OM) + 3.25 (s − 2) + 2.5 (p − 3);  M = (silt + vfs)(100 − clay);  K = 0.1317 K_US',
  notes: 'Valid for OM ≤ 4 % and silt + very fine sand ≤ 70 % (AH537); both enforced. Classes must be integers.',
  checkedAgainst: 'AH537 worked example (65 % silt+vfs, 5 % sand, 2.8 % OM, s = 2, p = 4 → K_US 0.31) reproduced by hand.',
  check: ({ siltPct, veryFineSandPct, clayPct, structureClass, permeabilityClass }) => {
    if (siltPct + veryFineSandPct > 70) return `silt + very fine sand = ${siltPct + veryFineSandPct} %; the nomograph equation is valid up to 70 %`;
    if (siltPct + veryFineSandPct + clayPct > 100 + TEXTURE_SUM_TOLERANCE_PCT) return `silt + very fine sand + clay = ${siltPct + veryFineSandPct + clayPct} % exceeds 100 %`;
    if (!Number.isInteger(structureClass)) return `structureClass must be an integer 1–4, got ${structureClass}`;
    if (!Number.isInteger(permeabilityClass)) return `permeabilityClass must be an integer 1–6, got ${permeabilityClass}`;
    return undefined;
  },
  fn: ({ siltPct, veryFineSandPct, clayPct, organicMatterPct, structureClass, permeabilityClass }) =>
    kNomograph(siltPct, veryFineSandPct, clayPct, organicMatterPct, structureClass, permeabilityClass),
});

const TEXTURE_INPUTS = [
  { name: 'sandPct', unit: '%', min: 0, max: 100, description: 'sand (0.05–2 mm), mass %' },
  { name: 'siltPct', unit: '%', min: 0, max: 100, description: 'silt (0.002–0.05 mm), mass %' },
  { name: 'clayPct', unit: '%', min: 0, max: 100, description: 'clay (< 0.002 mm), mass %' },
] as const;

registerFormula({
  id: 'K.epic',
  title: 'K from texture and organic carbon (EPIC, Williams)',
  citation: 'Williams, J.R. (1995). The EPIC model. In: Singh, V.P. (ed.), Computer Models of Watershed Hydrology. Water Resources Publications, pp. 909–1000; Sharpley, A.N. & Williams, J.R. (eds.) (1990). EPIC — Erosion/Productivity Impact Calculator: 1. Model documentation. USDA Technical Bulletin 1768.',
  inputs: [...TEXTURE_INPUTS, { name: 'organicCarbonPct', unit: '%', min: 0, max: 100, description: 'organic carbon, mass % (≈ organic matter / 1.724)' }],
  output: K_OUT,
  expression: 'K_US = {0.2 + 0.3 exp[−0.0256 SAN(1 − SIL/100)]} (SIL/(CLA+SIL))^0.3 {1 − 0.25C/(C + exp(3.72 − 2.95C))} {1 − 0.7SN1/(SN1 + exp(−5.51 + 22.9SN1))};  SN1 = 1 − SAN/100;  K = 0.1317 K_US',
  notes: 'Sand + silt + clay must be 100 ± 1 %. Coefficient 0.0256 (not the 0.256 misprint of the SWAT 2009 theory document). Chinese K maps often apply a linear correction to this value; it is not built in (constants unconfirmed).',
  checkedAgainst: 'Coefficients identical in Yang et al. (2003) as tabulated in an Authorea RUSLE methods table and in wflow UsleK_EPIC.',
  check: ({ sandPct, siltPct, clayPct }) => textureSumProblem(sandPct, siltPct, clayPct),
  fn: ({ sandPct, siltPct, clayPct, organicCarbonPct }) => kEpic(sandPct, siltPct, clayPct, organicCarbonPct),
});

registerFormula({
  id: 'K.shiraziBoersma',
  title: 'K from the geometric mean particle diameter (AH703 eq. 3-5)',
  citation: 'Renard, K.G., Foster, G.R., Weesies, G.A., McCool, D.K. & Yoder, D.C. (1997). Predicting soil erosion by water: a guide to conservation planning with the Revised Universal Soil Loss Equation (RUSLE). USDA Agriculture Handbook 703, eq. 3-5; after Shirazi, M.A. & Boersma, L. (1984), Soil Sci. Soc. Am. J. 48:142–147.',
  doi: '10.2136/sssaj1984.03615995004800010026x',
  inputs: [...TEXTURE_INPUTS],
  output: K_OUT,
  expression: 'K = 0.0034 + 0.0405 exp[−½ ((log₁₀ D_g + 1.659)/0.7101)²]  (= K_US / 7.594);  D_g = exp(0.01 Σ f_i ln m_i), m = 0.001, 0.026, 1.025 mm',
  notes: 'For soils lacking structure/permeability data, with < 10 % rock fragments (AH703). Sand + silt + clay must be 100 ± 1 %.',
  checkedAgainst: 'Constants identical in wflow (log₁₀, D_g in mm) and natcap ISRIC K script (7.594 × braces); value cross-checked by hand.',
  check: ({ sandPct, siltPct, clayPct }) => textureSumProblem(sandPct, siltPct, clayPct),
  fn: ({ sandPct, siltPct, clayPct }) => kShiraziBoersmaFromDg(geometricMeanDiameterMm(sandPct, siltPct, clayPct)),
});
