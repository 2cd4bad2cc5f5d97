/**
 * Unit conversions of the factors and of soil loss: R and K between US customary and SI units, soil loss between
 * t·ha⁻¹·yr⁻¹, t·km⁻²·yr⁻¹ and ton·acre⁻¹·yr⁻¹, and the equivalent depth of soil lost at a bulk density.
 *
 * Conversions are explicit calls, never hidden inside a formula. Two layers:
 * - plain numeric constants (`R_US_TO_SI`, `K_US_TO_SI`, …) for hot code and for the published factors of
 *   Renard et al. (1997), USDA Agriculture Handbook 703 (AH703), Appendix A ("conversion factors": 17.02 for R,
 *   0.1317 for K; 1 ton/acre = 2.242 t/ha);
 * - {@link convertUnits} and the typed helpers, which evaluate the conversion with mathjs units. mathjs is large and
 *   slow to import, so it is loaded lazily (`await import('mathjs')`) on the first call, never at
 *   start-up and never per cell. A private mathjs instance gets the units mathjs lacks: `ha` (10⁴ m²), `yr`
 *   (mathjs `year`) and `tonf` (short ton-force, 2000 lbf = 8896.443 N); mathjs `ton` is the US short ton
 *   (907.18474 kg) and `tonne` the metric ton.
 *
 * Derivation (what mathjs computes): 1 hundred ft·tonf·in·acre⁻¹·h⁻¹ = 100 × 0.3048 m × 8896.443 N × 25.4 mm /
 * 4046.856 m² = 17.0195 MJ·mm·ha⁻¹·h⁻¹ (AH703 rounds to 17.02); K_US → K_SI = (907.18474 kg / 4046.856 m²) / 17.0195
 * = 0.13171 (AH703: 0.1317).
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';

/** R: MJ·mm·ha⁻¹·h⁻¹·yr⁻¹ per hundreds of ft·tonf·in·acre⁻¹·h⁻¹·yr⁻¹, as printed in AH703 Appendix A. */
export const R_US_TO_SI = 17.02;
/** K: t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹ per ton·acre·h·(hundreds of acre·ft·tonf·in)⁻¹, as printed in AH703 Appendix A. */
export const K_US_TO_SI = 0.1317;
/** Unit rainfall energy: MJ·ha⁻¹·mm⁻¹ per ft·tonf·acre⁻¹·in⁻¹ (= 2.638 × 10⁻⁴, AH703). */
export const ENERGY_US_TO_SI = 2.638e-4;
/** Soil loss: t·ha⁻¹ per (short) ton·acre⁻¹ (907.18474 kg / 0.40468564 ha = 2.2417). */
export const TON_PER_ACRE_TO_T_PER_HA = 0.90718474 / 0.40468564224;
/** Soil loss: t·km⁻² per t·ha⁻¹ (exactly 100). */
export const T_PER_HA_TO_T_PER_KM2 = 100;

/** Units of rainfall erosivity R. `SI`: MJ·mm·ha⁻¹·h⁻¹·yr⁻¹; `US`: hundreds of ft·tonf·in·acre⁻¹·h⁻¹·yr⁻¹. */
export type ErosivityUnit = 'SI' | 'US';
/** Units of soil erodibility K. `SI`: t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹; `US`: ton·acre·h·(hundreds of acre·ft·tonf·in)⁻¹. */
export type ErodibilityUnit = 'SI' | 'US';
/** Units of soil loss A. */
export type SoilLossUnit = 't/ha/yr' | 't/km2/yr' | 'ton/acre/yr';

/** mathjs unit strings of each named unit (used by the mathjs conversions). */
const MATHJS_UNITS = {
  R: { SI: 'MJ mm / (ha h yr)', US: 'ft tonf in / (acre h yr)', usScale: 100 },
  K: { SI: 'tonne ha h / (ha MJ mm)', US: 'ton acre h / (acre ft tonf in)', usScale: 0.01 },
  A: { 't/ha/yr': 'tonne / ha / yr', 't/km2/yr': 'tonne / km^2 / yr', 'ton/acre/yr': 'ton / acre / yr' },
} as const;

interface MathUnit {
  toNumber(unit: string): number;
}
interface MathLike {
  unit(value: number, unit: string): MathUnit;
}

let mathPromise: Promise<MathLike> | undefined;

/** The private mathjs instance with `ha`, `yr` and `tonf`, imported on first use. */
async function math(): Promise<MathLike> {
  if (!mathPromise) {
    mathPromise = (async () => {
      const mod = await import('mathjs');
      const m = mod.create(mod.all, {});
      m.createUnit('ha', '10000 m^2');
      m.createUnit('yr', '1 year');
      m.createUnit('tonf', '2000 lbf');
      return m as unknown as MathLike;
    })();
  }
  return mathPromise;
}

/**
 * Converts `value` from one mathjs unit expression to another (mathjs loaded lazily; `ha`, `yr`, `tonf` known).
 *
 * @param value - the number in `from` units.
 * @param from - a mathjs unit expression, e.g. `'ton / acre / yr'`.
 * @param to - the target unit expression, e.g. `'tonne / ha / yr'`.
 * @returns the number in `to` units.
 * @throws `BAD_UNITS` when either unit is unknown or the dimensions differ.
 * @example
 * ```ts
 * await convertUnits(1, 'ton / acre / yr', 'tonne / ha / yr'); // 2.2417
 * ```
 */
export async function convertUnits(value: number, from: string, to: string): Promise<number> {
  const m = await math();
  try {
    return m.unit(value, from).toNumber(to);
  } catch (e) {
    throw new RusleError('BAD_UNITS', `convertUnits: cannot convert '${from}' to '${to}': ${(e as Error).message}`, { from, to }, { cause: e });
  }
}

/**
 * Converts rainfall erosivity R between SI (MJ·mm·ha⁻¹·h⁻¹·yr⁻¹) and US customary units (hundreds of
 * ft·tonf·in·acre⁻¹·h⁻¹·yr⁻¹), with mathjs (exact: 1 US = 17.0195 SI; AH703 prints 17.02, see {@link R_US_TO_SI}).
 *
 * @example
 * ```ts
 * await convertErosivity(100, 'US', 'SI'); // 1701.95
 * ```
 */
export async function convertErosivity(value: number, from: ErosivityUnit, to: ErosivityUnit): Promise<number> {
  checkUnit('convertErosivity', from, ['SI', 'US']);
  checkUnit('convertErosivity', to, ['SI', 'US']);
  if (from === to) return value;
  const u = MATHJS_UNITS.R;
  if (from === 'US') return convertUnits(value * u.usScale, u.US, u.SI);
  return (await convertUnits(value, u.SI, u.US)) / u.usScale;
}

/**
 * Converts soil erodibility K between SI (t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹) and US customary units
 * (ton·acre·h·(hundreds of acre·ft·tonf·in)⁻¹), with mathjs (exact 0.13171; AH703 prints 0.1317).
 *
 * @example
 * ```ts
 * await convertErodibility(0.31, 'US', 'SI'); // 0.0408
 * ```
 */
export async function convertErodibility(value: number, from: ErodibilityUnit, to: ErodibilityUnit): Promise<number> {
  checkUnit('convertErodibility', from, ['SI', 'US']);
  checkUnit('convertErodibility', to, ['SI', 'US']);
  if (from === to) return value;
  const u = MATHJS_UNITS.K;
  if (from === 'US') return convertUnits(value * u.usScale, u.US, u.SI);
  return (await convertUnits(value, u.SI, u.US)) / u.usScale;
}

/**
 * Converts soil loss A between t·ha⁻¹·yr⁻¹, t·km⁻²·yr⁻¹ (the unit of SL 190-2007) and (short) ton·acre⁻¹·yr⁻¹,
 * with mathjs.
 *
 * @example
 * ```ts
 * await convertSoilLoss(5, 't/ha/yr', 't/km2/yr'); // 500
 * ```
 */
export async function convertSoilLoss(value: number, from: SoilLossUnit, to: SoilLossUnit): Promise<number> {
  const names = Object.keys(MATHJS_UNITS.A) as SoilLossUnit[];
  checkUnit('convertSoilLoss', from, names);
  checkUnit('convertSoilLoss', to, names);
  if (from === to) return value;
  return convertUnits(value, MATHJS_UNITS.A[from], MATHJS_UNITS.A[to]);
}

/**
 * Equivalent depth of soil lost, mm·yr⁻¹, for a soil loss in t·ha⁻¹·yr⁻¹ and a dry bulk density in g·cm⁻³
 * (= t·m⁻³): depth = A / (10 ρ). Plain arithmetic (no mathjs).
 *
 * @param soilLossTHaYr - soil loss, t·ha⁻¹·yr⁻¹ (≥ 0).
 * @param bulkDensityGCm3 - dry bulk density, g·cm⁻³ (typically 1.1–1.9).
 * @throws `BAD_VALUE` for a negative loss or a non-positive density.
 * @example
 * ```ts
 * soilLossDepthMm(13, 1.3); // 1 mm per year
 * ```
 */
export function soilLossDepthMm(soilLossTHaYr: number, bulkDensityGCm3: number): number {
  if (!(soilLossTHaYr >= 0)) throw new RusleError('BAD_VALUE', `soilLossDepthMm: soilLossTHaYr must be ≥ 0 t/ha/yr, got ${soilLossTHaYr}`);
  if (!(bulkDensityGCm3 > 0) || !Number.isFinite(bulkDensityGCm3)) {
    throw new RusleError('BAD_VALUE', `soilLossDepthMm: bulkDensityGCm3 must be a positive density in g/cm³, got ${bulkDensityGCm3}`);
  }
  return soilLossTHaYr / (10 * bulkDensityGCm3);
}

function checkUnit(fn: string, unit: string, allowed: readonly string[]): void {
  if (!allowed.includes(unit)) throw new RusleError('BAD_UNITS', `${fn}: unit '${unit}' is not one of ${allowed.join(', ')}`, { unit });
}
