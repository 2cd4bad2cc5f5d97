/**
 * The one error type of the library.
 *
 * Every failure that a caller can act on is a {@link RusleError} with a machine-readable {@link RusleErrorCode}
 * and a message that names the argument and what was expected. Code that catches errors switches on `code`, never
 * on the message text.
 *
 * @module
 */

/**
 * Machine-readable error codes.
 *
 * - `GRID_MISMATCH`: rasters that must share a grid differ in shape, transform or CRS.
 * - `BAD_UNITS`: a quantity in the wrong unit (degrees treated as metres, an unknown unit name).
 * - `BAD_VALUE`: a value outside its valid range (negative factor, NaN where a number is required).
 * - `BAD_ARGUMENT`: an option of the wrong type or an impossible combination of options.
 * - `NOT_A_TIFF`: the bytes are not a TIFF file.
 * - `TRUNCATED`: the file ends before the data it declares.
 * - `UNSUPPORTED_TIFF`: a valid TIFF whose layout, sample type or compression is not supported.
 * - `NO_GEOREFERENCE`: a raster without a geotransform where one is required.
 * - `WINDOW_OUT_OF_BOUNDS`: a window that does not lie inside the grid.
 * - `OUT_OF_MEMORY_BUDGET`: the work cannot be done within the given memory budget.
 * - `IO_ERROR`: the operating system refused a read or a write.
 * - `BAD_CONFIG`: a pipeline configuration that does not follow its schema.
 * - `NO_OVERLAP`: zones or inputs that do not overlap the grid.
 * - `BAD_TABLE`: a CSV/JSON table that lacks a required column or holds a bad value.
 * - `UNKNOWN_FORMULA`: a formula id that is not registered.
 * - `MULTI_BAND`: a file with more than one band read without choosing a band.
 * - `IGNORED_OPTION`: an option that the chosen preset or method does not use (it would change nothing).
 * - `BAD_GEOMETRY`: a polygon that is not valid (a self-intersecting ring) where valid geometry is required.
 * - `UNSUPPORTED_URL`: a URL given where a local file path is expected.
 * - `INTERNAL`: a bug in this library; please report it.
 */
export type RusleErrorCode =
  | 'GRID_MISMATCH'
  | 'BAD_UNITS'
  | 'BAD_VALUE'
  | 'BAD_ARGUMENT'
  | 'NOT_A_TIFF'
  | 'TRUNCATED'
  | 'UNSUPPORTED_TIFF'
  | 'NO_GEOREFERENCE'
  | 'WINDOW_OUT_OF_BOUNDS'
  | 'OUT_OF_MEMORY_BUDGET'
  | 'IO_ERROR'
  | 'BAD_CONFIG'
  | 'NO_OVERLAP'
  | 'BAD_TABLE'
  | 'UNKNOWN_FORMULA'
  | 'MULTI_BAND'
  | 'IGNORED_OPTION'
  | 'BAD_GEOMETRY'
  | 'UNSUPPORTED_URL'
  | 'INTERNAL';

/** Codes that mean "the input is wrong" (the command exits with status 2 for these, 1 for the rest). */
export const INPUT_ERROR_CODES: ReadonlySet<RusleErrorCode> = new Set<RusleErrorCode>([
  'GRID_MISMATCH',
  'BAD_UNITS',
  'BAD_VALUE',
  'BAD_ARGUMENT',
  'NOT_A_TIFF',
  'TRUNCATED',
  'UNSUPPORTED_TIFF',
  'NO_GEOREFERENCE',
  'WINDOW_OUT_OF_BOUNDS',
  'OUT_OF_MEMORY_BUDGET',
  'BAD_CONFIG',
  'NO_OVERLAP',
  'BAD_TABLE',
  'UNKNOWN_FORMULA',
  'MULTI_BAND',
  'IGNORED_OPTION',
  'BAD_GEOMETRY',
  'UNSUPPORTED_URL',
]);

/**
 * An error raised by the library, with a machine-readable `code`.
 *
 * @example
 * ```ts
 * try { await readRaster('missing.tif'); }
 * catch (e) { if (e instanceof RusleError && e.code === 'IO_ERROR') console.error(e.message); }
 * ```
 */
export class RusleError extends Error {
  /** Machine-readable reason; see {@link RusleErrorCode}. */
  readonly code: RusleErrorCode;
  /** Optional structured details (the argument name, the offending value, a location). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: RusleErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RusleError';
    this.code = code;
    this.details = details;
  }
}

/** True when `e` is a {@link RusleError} (optionally with the given code). */
export function isRusleError(e: unknown, code?: RusleErrorCode): e is RusleError {
  return e instanceof RusleError && (code === undefined || e.code === code);
}
