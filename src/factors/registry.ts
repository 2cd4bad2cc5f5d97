/**
 * The formula registry: every scalar formula of the library registered once with its id, citation, input units
 * and valid ranges, and output unit. It drives the docs table, input validation, the `rusle formula` command and the
 * raster appliers. Hot raster loops call the same `fn` (or an inlined copy that tests pin to it).
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';

/** One input of a formula, named with its unit (`slopeRad`, `sandPct`, `lengthM`, …). */
export interface FormulaInput {
  /** Name, carrying the unit (`slopeRad`, `clayPct`). */
  readonly name: string;
  /** Unit, spelled out (`rad`, `%`, `m`, `mm·h⁻¹`, `–` for dimensionless). */
  readonly unit: string;
  /** Smallest valid value (inclusive unless `minExclusive`). */
  readonly min?: number;
  /** Largest valid value (inclusive unless `maxExclusive`). */
  readonly max?: number;
  /** The lower bound is excluded. */
  readonly minExclusive?: boolean;
  /** The upper bound is excluded. */
  readonly maxExclusive?: boolean;
  /** Used when the input is not given; an input without a default is required. */
  readonly default?: number;
  /** What it is. */
  readonly description: string;
}

/** Metadata of a registered formula (what {@link formulas.list} returns). */
export interface FormulaInfo {
  /** Stable id, `<factor>.<author><year>` (`S.mccool1987`, `K.epic`). */
  readonly id: string;
  /** One-line title. */
  readonly title: string;
  /** Full citation of the source (authors, year, title, journal or report, pages). */
  readonly citation: string;
  /** DOI of the source, when it has one. */
  readonly doi?: string;
  /** Inputs, in order. */
  readonly inputs: readonly FormulaInput[];
  /** Output name and unit. */
  readonly output: { readonly name: string; readonly unit: string; readonly description: string };
  /** The formula as text (for docs), e.g. `S = 10.8 sin θ + 0.03`. */
  readonly expression: string;
  /** Region or conditions of validity, caveats. */
  readonly notes?: string;
  /** Where each constant was checked (page, equation, table, or the independent source used). */
  readonly checkedAgainst?: string;
}

/** A formula: metadata plus the pure function. */
export interface Formula<I extends Record<string, number> = Record<string, number>> extends FormulaInfo {
  /** The pure scalar function. Assumes valid inputs (validation is done by {@link formulas.evaluate}). */
  readonly fn: (inputs: I) => number;
  /**
   * Optional check across inputs (for example "sand + silt + clay = 100 %"), run by {@link formulas.evaluate}
   * after the per-input ranges; returns a message when the inputs are inconsistent, `undefined` when they are fine.
   */
  readonly check?: (inputs: I) => string | undefined;
}

const REGISTRY = new Map<string, Formula>();

/**
 * Registers a formula and returns it (so a module can use `formula.fn` directly). Throws `BAD_ARGUMENT` when the id
 * is taken.
 */
export function registerFormula<I extends Record<string, number>>(formula: Formula<I>): Formula<I> {
  if (REGISTRY.has(formula.id)) throw new RusleError('BAD_ARGUMENT', `registerFormula: id '${formula.id}' is already registered`);
  REGISTRY.set(formula.id, formula as unknown as Formula);
  return formula;
}

function checkInput(f: FormulaInfo, spec: FormulaInput, value: unknown): number {
  if (value === undefined) {
    if (spec.default !== undefined) return spec.default;
    throw new RusleError('BAD_VALUE', `${f.id}: input '${spec.name}' (${spec.unit}) is required`, { formula: f.id, input: spec.name });
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RusleError('BAD_VALUE', `${f.id}: input '${spec.name}' must be a finite number in ${spec.unit}, got ${String(value)}`, { formula: f.id, input: spec.name, value });
  }
  const lowOk = spec.min === undefined || (spec.minExclusive ? value > spec.min : value >= spec.min);
  const highOk = spec.max === undefined || (spec.maxExclusive ? value < spec.max : value <= spec.max);
  if (!lowOk || !highOk) {
    const lo = spec.min === undefined ? '−∞' : `${spec.min}`;
    const hi = spec.max === undefined ? '∞' : `${spec.max}`;
    const range = `${spec.minExclusive ? '(' : '['}${lo}, ${hi}${spec.maxExclusive ? ')' : ']'}`;
    throw new RusleError('BAD_VALUE', `${f.id}: input '${spec.name}' = ${value} ${spec.unit} is outside its valid range ${range}`, { formula: f.id, input: spec.name, value });
  }
  return value;
}

/** The registry of formulas. */
export const formulas = {
  /** Metadata of every registered formula, sorted by id. */
  list(): FormulaInfo[] {
    return [...REGISTRY.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(({ fn: _fn, check: _check, ...info }) => info);
  },
  /** The formula with this id; throws `UNKNOWN_FORMULA`. */
  get(id: string): Formula {
    const f = REGISTRY.get(id);
    if (!f) throw new RusleError('UNKNOWN_FORMULA', `no formula '${id}'; known ids: ${[...REGISTRY.keys()].sort().join(', ')}`, { id });
    return f;
  },
  /** True when `id` is registered. */
  has(id: string): boolean {
    return REGISTRY.has(id);
  },
  /**
   * Evaluates a formula after validating its inputs: a missing, non-finite or out-of-range input throws
   * `BAD_VALUE` naming the input, its unit and its range. Unknown input names throw `BAD_VALUE` too.
   *
   * @example
   * ```ts
   * formulas.evaluate('S.mccool1987', { slopeRad: Math.atan(0.2) }); // 2.7 (approx.)
   * ```
   */
  evaluate(id: string, inputs: Readonly<Record<string, number>>): number {
    const f = formulas.get(id);
    const known = new Set(f.inputs.map((i) => i.name));
    for (const k of Object.keys(inputs)) {
      if (!known.has(k)) throw new RusleError('BAD_VALUE', `${id}: unknown input '${k}'; inputs are ${f.inputs.map((i) => `${i.name} (${i.unit})`).join(', ')}`, { formula: id, input: k });
    }
    const args: Record<string, number> = {};
    for (const spec of f.inputs) args[spec.name] = checkInput(f, spec, inputs[spec.name]);
    const problem = f.check?.(args);
    if (problem !== undefined) throw new RusleError('BAD_VALUE', `${id}: ${problem}`, { formula: id });
    return f.fn(args);
  },
};

/** True when `value` is a finite number inside the input's valid range (NaN-safe; used by the raster appliers). */
export function inputInRange(spec: FormulaInput, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (spec.min !== undefined && !(spec.minExclusive ? value > spec.min : value >= spec.min)) return false;
  if (spec.max !== undefined && !(spec.maxExclusive ? value < spec.max : value <= spec.max)) return false;
  return true;
}
