/**
 * LS presets: named option sets that reproduce the documented behaviour of the tools people compare against. A
 * preset is only options; every option can be overridden (`{ preset: 'csle', maxLengthM: 300 }`).
 *
 * | preset | length term | S | m | source |
 * |---|---|---|---|---|
 * | `csle` | D8 cumulative λ (Van Remortel cutoffs), segment L (λ_in → λ_out) | `S.csle` | `m.csle` | Liu et al. 2000; Zhang et al. 2013 (LS-TOOL) |
 * | `rusle-aml` | D8 cumulative λ (Van Remortel cutoffs), (λ/22.13)^m | `S.mccool1987` | `m.mccool1989` (moderate) | Van Remortel et al. 2001, 2004 |
 * | `invest-3.3` (alias `invest`) | Desmet & Govers, A_in = (cells − 1)·D², x = \|sin α\|+\|cos α\| (D∞ aspect), L ≤ 333, D∞ | `S.mccool1987` (slope % < 9) | InVEST classes (≤1, ≤3.5, ≤5, ≤9 %: 0.2/0.3/0.4/0.5; above: McCool 1989) | natcap/invest `sdr.py` `_calculate_ls_factor` (3.3–3.7, D∞ era) |
 * | `invest-3.14` | Desmet & Govers fed A_in = √((cells − 1)·D²) (metres, "to match SAGA's square root of catchment area"), x = \|sin θ\|+\|cos θ\| of the slope angle θ, L ≤ 122, pygeoprocessing MFD on pits filled without ε, pygeoprocessing's slope | as `invest-3.3` | as `invest-3.3` | natcap/invest `sdr.py` `_calculate_ls_factor` (3.14 to 3.20, MFD default) |
 * | `saga-desmet-govers` | SAGA `ta_hydrology 22 -METHOD 1 -CONV 1`: SCA = A/D fed into Desmet & Govers, x = 1 | McCool, break at θ < atan 0.09 | McCool 1989, erosivity 1 | SAGA `TopographicIndices.cpp` `CLS_Factor::Get_LS` |
 * | `grass-r.watershed` | r.watershed `length_slope`: SFD slope length as its code accumulates it, S from the mean gradient since the ridge | McCool 1987 on that mean gradient | McCool 1989 ×0.5 (`ril` 0) | GRASS `r.watershed` `sg_factor.c`, `slope_len.c` |
 *
 * @module
 */

/** Names of the presets. */
export type LsPresetName = 'csle' | 'rusle-aml' | 'invest' | 'invest-3.3' | 'invest-3.14' | 'saga-desmet-govers' | 'grass-r.watershed';

/** How the length term is computed. */
export type LsLengthMethod = 'slope-length' | 'desmet-govers' | 'moore-burch' | 'grass-r.watershed';

/** S formula ids usable by `lsFactor`. */
export type LsSFormula = 'S.mccool1987' | 'S.liu1994' | 'S.csle' | 'S.nearing1997' | 'S.wischmeierSmith1978' | 'S.mccool1987short';

/** m formula ids usable by `lsFactor` (`m.invest` = InVEST's slope classes; `m.constant` = `mConstant`). */
export type LsMFormula = 'm.mccool1989' | 'm.usle' | 'm.csle' | 'm.invest' | 'm.constant';

/** L formula for the slope-length method. */
export type LsLFormula = 'L.rusle' | 'L.segment';

/** Where the slope angle used by S and m comes from. */
export type LsSlopeSource = 'd8-downslope' | 'horn';

/**
 * Flow-width factor x of Desmet & Govers: from the aspect (or D∞ angle), 1, or InVEST 3.14's |sin θ| + |cos θ| of
 * the slope angle θ.
 */
export type LsFlowWidth = 'aspect' | 'one' | 'slope-angle';

/**
 * Routing used for the upslope area of the area methods. `mfd-pygeoprocessing` is InVEST's MFD (quantised
 * proportions, plateaus by drain distance, pits filled without ε, slope by pygeoprocessing's `calculate_slope`).
 */
export type LsRouting = 'd8' | 'mfd' | 'dinf' | 'mfd-pygeoprocessing';

/** The options a preset sets (all overridable). */
export interface LsPresetOptions {
  /** How the length term is computed. @defaultValue `'slope-length'` */
  readonly method: LsLengthMethod;
  /** S formula id. @defaultValue `'S.mccool1987'` */
  readonly sFormula: LsSFormula;
  /** m formula id. @defaultValue `'m.mccool1989'` */
  readonly mFormula: LsMFormula;
  /** L formula of the slope-length method (`L.segment` uses λ_in → λ). @defaultValue `'L.rusle'` */
  readonly lFormula: LsLFormula;
  /** Slope used by S and m: the D8 downslope angle or the Horn 3 × 3 slope. @defaultValue `'d8-downslope'` */
  readonly slopeSource: LsSlopeSource;
  /** Routing of the upslope area (area methods only; λ always follows D8). @defaultValue `'d8'` */
  readonly routing: LsRouting;
  /** Flow-width factor x of Desmet & Govers: from the aspect (D∞ angle with D∞ routing) or 1. @defaultValue `'one'` */
  readonly flowWidth: LsFlowWidth;
  /**
   * `m2-inlet` = A − cell area (Desmet & Govers' A_in); `sca-saga` = A / D used as the area (SAGA CONV 1);
   * `sqrt-inlet` = √(A − cell area), InVEST 3.14's square root fed in as the area. @defaultValue `'m2-inlet'`
   */
  readonly areaConvention: 'm2-inlet' | 'sca-saga' | 'sqrt-inlet';
  /** β multiplier of `m.mccool1989`: 0.5 low, 1 moderate, 2 high rill/interrill ratio. @defaultValue 1 */
  readonly rillRatio: number;
  /** m of `m.constant`. @defaultValue 0.5 */
  readonly mConstant: number;
  /** Cap on L (dimensionless); `Infinity` for none. @defaultValue Infinity */
  readonly capL: number;
  /** Cap on λ, metres; `Infinity` for none. @defaultValue Infinity */
  readonly maxLengthM: number;
  /** Slope-length cutoff factor below 5 % (Van Remortel et al.). @defaultValue 0.7 */
  readonly cutoffBelow5Pct: number;
  /** Slope-length cutoff factor at and above 5 %. @defaultValue 0.5 */
  readonly cutoffAtOrAbove5Pct: number;
  /** Upslope area (m², D8, the cell included) above which the slope length restarts (channel). @defaultValue Infinity */
  readonly channelThresholdM2: number;
}

/** Options shared by all presets unless they say otherwise. */
export const LS_BASE_OPTIONS: LsPresetOptions = Object.freeze({
  method: 'slope-length',
  sFormula: 'S.mccool1987',
  mFormula: 'm.mccool1989',
  lFormula: 'L.rusle',
  slopeSource: 'd8-downslope',
  routing: 'd8',
  flowWidth: 'one',
  areaConvention: 'm2-inlet',
  rillRatio: 1,
  mConstant: 0.5,
  capL: Infinity,
  maxLengthM: Infinity,
  cutoffBelow5Pct: 0.7,
  cutoffAtOrAbove5Pct: 0.5,
  channelThresholdM2: Infinity,
});

/** The presets (see the module header for their sources). */
export const LS_PRESETS: Readonly<Record<LsPresetName, LsPresetOptions>> = Object.freeze({
  csle: { ...LS_BASE_OPTIONS, sFormula: 'S.csle', mFormula: 'm.csle', lFormula: 'L.segment' },
  'rusle-aml': { ...LS_BASE_OPTIONS },
  invest: {
    ...LS_BASE_OPTIONS,
    method: 'desmet-govers',
    mFormula: 'm.invest',
    slopeSource: 'horn',
    routing: 'dinf',
    flowWidth: 'aspect',
    capL: 333,
  },
  'invest-3.3': {
    ...LS_BASE_OPTIONS,
    method: 'desmet-govers',
    mFormula: 'm.invest',
    slopeSource: 'horn',
    routing: 'dinf',
    flowWidth: 'aspect',
    capL: 333,
  },
  'invest-3.14': {
    ...LS_BASE_OPTIONS,
    method: 'desmet-govers',
    mFormula: 'm.invest',
    slopeSource: 'horn',
    routing: 'mfd-pygeoprocessing',
    flowWidth: 'slope-angle',
    areaConvention: 'sqrt-inlet',
    capL: 122,
  },
  'saga-desmet-govers': {
    ...LS_BASE_OPTIONS,
    method: 'desmet-govers',
    slopeSource: 'horn',
    routing: 'mfd',
    areaConvention: 'sca-saga',
  },
  'grass-r.watershed': {
    ...LS_BASE_OPTIONS,
    method: 'grass-r.watershed',
    rillRatio: 0.5,
    cutoffBelow5Pct: 0,
    cutoffAtOrAbove5Pct: 0,
  },
});

/** InVEST SDR's m: ≤ 1 % → 0.2, ≤ 3.5 % → 0.3, ≤ 5 % → 0.4, ≤ 9 % → 0.5, above: McCool et al. (1989) β/(1+β). */
export function mInvest(slopeRad: number): number {
  const p = Math.tan(slopeRad) * 100;
  if (p <= 1) return 0.2;
  if (p <= 3.5) return 0.3;
  if (p <= 5) return 0.4;
  if (p <= 9) return 0.5;
  const s = Math.sin(slopeRad);
  const beta = s / 0.0896 / (3 * Math.pow(s, 0.8) + 0.56);
  return beta / (1 + beta);
}
