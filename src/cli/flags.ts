/**
 * The one flag parser of the `rusle` commands, on `node:util` `parseArgs`, and the typed readers of flag values.
 *
 * `parseFlags` turns parseArgs' own errors into one-line `BAD_ARGUMENT` messages: an unknown flag names the closest
 * known flag ("did you mean --sand-pct?") by edit distance, a flag missing its value says so. The readers
 * (`stringFlag`, `numberFlag`, `integerFlag`, `choiceFlag`, `memoryBudgetFlag`) validate a value and name the flag
 * and what was expected. A new command declares its flags as `OptionSpec` and reads them with these.
 * @module
 */

import { parseArgs } from 'node:util';
import { RusleError, type RusleErrorCode } from '../raster/errors.js';
import { parseBytes } from '../model/blocks.js';
import type { OptionSpec, ParsedArgs } from './command.js';

/** Flags every command takes. */
export const GLOBAL_FLAGS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
};

/**
 * Edit distance between two short strings: insertions, deletions, substitutions and swaps of two neighbouring
 * characters each count 1 (the optimal-string-alignment form of Damerau 1964).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name closest to `name` (edit distance at most a third of its length, at least 2; a known name that
 * starts with `name` also counts), or undefined.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(2, Math.floor(name.length / 3));
  for (const k of known) {
    const d = k.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, k);
    if (d < bestD) { best = k; bestD = d; }
  }
  return bestD <= limit ? best : undefined;
}

/** The "did you mean" suffix for an unknown flag `--name` among `options`, or ''. */
export function didYouMean(name: string, options: OptionSpec): string {
  const close = closestName(name, Object.keys(options));
  return close === undefined ? '' : `; did you mean --${close}?`;
}

/**
 * Parses `args` against `options` plus the global flags (`--help`, `--quiet`, `--json`). Positionals are allowed;
 * unknown flags are refused.
 *
 * @throws RusleError `BAD_ARGUMENT` with a one-line message: an unknown flag with the closest known flag, a string
 *   flag without its value, or a value given to a boolean flag.
 */
export function parseFlags(args: readonly string[], options: OptionSpec): ParsedArgs {
  const all: OptionSpec = { ...options, ...GLOBAL_FLAGS };
  try {
    const parsed = parseArgs({ args: [...args], options: all, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const m = /option '(-{1,2})([^'\s,=]+)/i.exec(err.message);
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && m) {
      const name = m[2]!;
      throw new RusleError('BAD_ARGUMENT', `unknown flag ${m[1]}${name}${m[1] === '--' ? didYouMean(name, all) : ''}`, { flag: name }, { cause: e });
    }
    const long = /--([\w-]+)/.exec(err.message);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && long) {
      const expectsValue = / argument missing/.test(err.message);
      throw new RusleError('BAD_ARGUMENT', `--${long[1]} ${expectsValue ? 'needs a value' : 'takes no value'}`, { flag: long[1] }, { cause: e });
    }
    throw new RusleError('BAD_ARGUMENT', err.message.replace(/\s*\n\s*/g, ' ').trim(), undefined, { cause: e });
  }
}

/** The last string given for flag `name` (a repeated flag keeps its last value), or undefined. */
export function stringFlag(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The string given for flag `name`. @throws RusleError `BAD_ARGUMENT` naming the flag and `what` when missing. */
export function requiredStringFlag(values: ParsedArgs['values'], name: string, what: string): string {
  const v = stringFlag(values, name);
  if (v === undefined || v === '') throw new RusleError('BAD_ARGUMENT', `--${name} is required: ${what}`);
  return v;
}

/** A decimal number as typed on a command line (no hex, no empty string). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True when `text` is a plain decimal number. */
export function isNumberText(text: string): boolean {
  return NUMBER.test(text.trim());
}

/** Options of {@link numberFlag}. */
export interface NumberFlagOptions {
  /** The unit, named in the message. */
  readonly unit?: string;
  /** Smallest valid value (inclusive). */
  readonly min?: number;
  /** Values must be strictly greater than this. */
  readonly above?: number;
  /** Largest valid value (inclusive). */
  readonly max?: number;
  /** Accept `none`, `inf` and `Infinity` as Infinity. @defaultValue false */
  readonly allowNone?: boolean;
  /** The error code. @defaultValue 'BAD_ARGUMENT' */
  readonly code?: RusleErrorCode;
}

/**
 * The number given for flag `name`, or undefined when it is absent.
 * @throws RusleError (`BAD_ARGUMENT` unless `code` says otherwise) naming the flag, the range and the unit.
 */
export function numberFlag(values: ParsedArgs['values'], name: string, options: NumberFlagOptions = {}): number | undefined {
  const v = stringFlag(values, name);
  if (v === undefined) return undefined;
  const { unit, min, above, max, allowNone = false, code = 'BAD_ARGUMENT' } = options;
  const x = allowNone && (v === 'none' || v === 'inf' || v === 'Infinity') ? Infinity : isNumberText(v) ? Number(v) : NaN;
  const ok = x === x && (allowNone || Number.isFinite(x)) && (min === undefined || x >= min) && (above === undefined || x > above) && (max === undefined || x <= max);
  if (!ok) {
    const range = above !== undefined ? ` > ${above}` : min !== undefined ? ` ≥ ${min}` : '';
    const upper = max !== undefined ? `${range ? ' and' : ''} ≤ ${max}` : '';
    throw new RusleError(code, `--${name} must be a number${range}${upper}${unit ? ` in ${unit}` : ''}${allowNone ? " (or 'none')" : ''}, got '${v}'`, { flag: name, value: v });
  }
  return x;
}

/**
 * The integer given for flag `name` (at least `min`), or undefined when it is absent.
 * @throws RusleError `BAD_ARGUMENT` naming the flag and the bound.
 */
export function integerFlag(values: ParsedArgs['values'], name: string, min = 1): number | undefined {
  const v = stringFlag(values, name);
  if (v === undefined) return undefined;
  const n = isNumberText(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min) throw new RusleError('BAD_ARGUMENT', `--${name} must be an integer ≥ ${min}, got '${v}'`, { flag: name, value: v });
  return n;
}

/**
 * The value of flag `name`, one of `allowed`, or `fallback` when the flag is absent.
 * @throws RusleError (`BAD_ARGUMENT`, or `code`) naming the flag and the allowed values, with the closest one.
 */
export function choiceFlag<T extends string>(values: ParsedArgs['values'], name: string, allowed: readonly T[], fallback: T, code: RusleErrorCode = 'BAD_ARGUMENT'): T {
  const v = stringFlag(values, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    const close = closestName(v, allowed);
    throw new RusleError(code, `--${name} must be one of ${allowed.join(', ')}, got '${v}'${close !== undefined ? `; did you mean ${close}?` : ''}`, { flag: name, value: v });
  }
  return v as T;
}

/**
 * The memory budget given for flag `name` (as the string the engine takes), or undefined when it is absent.
 * @throws RusleError `BAD_ARGUMENT` when it is not a size the engine reads (`512MB`, `2GiB`, a number of bytes).
 */
export function memoryBudgetFlag(values: ParsedArgs['values'], name = 'memory-budget'): string | undefined {
  const v = stringFlag(values, name);
  if (v === undefined) return undefined;
  parseBytes(v, `--${name}`);
  return v;
}
