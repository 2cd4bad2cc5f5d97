/**
 * Checks the commands make on their inputs before they write anything: an input without a single valid cell, or a
 * slope whose values cannot be in the declared unit, is refused with a clear error instead of producing a silent
 * all-nodata or nonsense map.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Raster } from '../raster/raster.js';

/** Throws `BAD_VALUE` when every cell of `raster` is nodata. `label` names the input (a path or a flag). */
export function requireValidCells(raster: Raster, label: string): void {
  if (raster.validCount() === 0) {
    throw new RusleError('BAD_VALUE', `${label}: every one of the ${raster.width} × ${raster.height} cells is nodata; there is nothing to compute (check the file's nodata value and extent)`, { input: label });
  }
}

/**
 * Throws `BAD_UNITS` when the valid values of a slope raster cannot be in `units`: radians outside [0, π/2],
 * degrees outside [0, 90], percent below 0. Catches the common mistake of declaring degrees as radians.
 */
export function checkSlopeUnits(slope: Raster, units: string, label: string): void {
  const max = units === 'radians' ? Math.PI / 2 : units === 'degrees' ? 90 : Infinity;
  const d = slope.data;
  let bad = -1;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v || (slope.nodata !== null && v === slope.nodata)) continue;
    if (v < 0 || v > max) { bad = i; break; }
  }
  if (bad >= 0) {
    const col = bad % slope.width;
    const row = Math.floor(bad / slope.width);
    const v = d[bad]!;
    const hint = units === 'radians' && v <= 90 ? ' (are these degrees? then give --slope-units degrees)' : '';
    throw new RusleError('BAD_UNITS', `${label}: value ${v} at column ${col}, row ${row} is not a slope in ${units}: expected ${units === 'percent' ? '≥ 0' : `0 … ${units === 'radians' ? 'π/2' : '90'}`}${hint}`, { input: label, col, row, value: v });
  }
}
