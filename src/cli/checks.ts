/**
 * Checks the commands make on their inputs before they write anything: an input without a single valid cell, or a
 * slope whose values cannot be in the declared unit, is refused with a clear error instead of producing a silent
 * all-nodata or nonsense map.
 * @module
 */

import { resolve } from 'node:path';
import type { CommandContext, ParsedArgs } from './command.js';
import { openRaster, readRaster, type RasterSource } from '../io/index.js';
import { RusleError } from '../raster/errors.js';
import type { Raster } from '../raster/raster.js';
import { demHeightWarning, resolveZFactor } from '../terrain/elevation.js';
import type { Crs } from '../raster/crs.js';

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

/** The `--band N` flag, shared by every command that reads rasters. */
export const BAND_OPTION = { band: { type: 'string' } } as const;

/** Help line of `--band`. */
export const BAND_HELP = `  --band N            band to read (1-based) from a multi-band input file; required for a file with more than
                      one band (every raster input of the command is read at band N)`;

/** Help line of `--z-factor`. */
export const Z_FACTOR_HELP = `  --z-factor F        metres per elevation unit (as gdaldem -s; 0.3048 for heights in feet). Required for a DEM
                      that declares a vertical unit other than metres (VerticalUnitsGeoKey, vertical CRS)`;

/** `--band N`: a band number ≥ 1, or undefined when not given. */
export function bandFlag(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const b = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(b) || b < 1) throw new RusleError('BAD_ARGUMENT', `--band must be a band number ≥ 1, got '${String(v)}'`);
  return b;
}

/** `--z-factor F`: a positive finite number of metres per elevation unit, or undefined when not given. */
export function zFactorFlag(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const z = Number(v);
  if (typeof v !== 'string' || !(z > 0) || !Number.isFinite(z)) {
    throw new RusleError('BAD_VALUE', `--z-factor must be a positive number of metres per elevation unit (0.3048 for feet), got '${String(v)}'`);
  }
  return z;
}

/** Reads a raster input (`--band` applied), relative to the working directory. */
export async function readInput(ctx: CommandContext, path: string): Promise<Raster> {
  return readRaster(resolve(ctx.cwd, path), ctx.band !== undefined ? { band: ctx.band } : {});
}

/** Opens a raster input for windowed reading (`--band` applied), relative to the working directory. */
export async function openInput(ctx: CommandContext, path: string): Promise<RasterSource> {
  return openRaster(resolve(ctx.cwd, path), ctx.band !== undefined ? { band: ctx.band } : {});
}

/**
 * Refuses a file that holds an image rather than elevations: 8-bit samples with RGB (or YCbCr) photometric
 * interpretation. `label` names the input.
 */
export function refuseImageAsDem(source: Pick<RasterSource, 'photometric' | 'sampleType' | 'bandCount'>, label: string): void {
  if ((source.photometric === 2 || source.photometric === 6) && source.sampleType === 'Byte') {
    throw new RusleError(
      'BAD_VALUE',
      `${label}: this is a ${source.bandCount}-band 8-bit ${source.photometric === 2 ? 'RGB' : 'YCbCr'} image (a picture or rendered map), not elevations; give a DEM (heights in one band)`,
      { input: label, photometric: source.photometric },
    );
  }
}

/**
 * Reads a DEM for a terrain command: `--band` applied, an RGB image refused, at least one valid cell, the vertical
 * unit checked against `--z-factor` (`BAD_UNITS` before any work), and a warning printed when heights are assumed to
 * be metres on a CRS in feet. Returns the DEM and the z factor given (undefined when none).
 */
export async function readDem(ctx: CommandContext, path: string, values: ParsedArgs['values'], command: string): Promise<{ dem: Raster; zFactor: number | undefined }> {
  const zFactor = zFactorFlag(values['z-factor']);
  const src = await openRaster(resolve(ctx.cwd, path), { cacheBytes: 0, ...(ctx.band !== undefined ? { band: ctx.band } : {}) });
  let dem: Raster;
  try {
    refuseImageAsDem(src, path);
    dem = await src.read(src.grid.fullWindow());
  } finally {
    await src.close();
  }
  requireValidCells(dem, path);
  resolveZFactor(dem.grid.crs, zFactor, path);
  const w = demHeightWarning(dem.grid.crs, zFactor);
  if (w) ctx.err(`rusle ${command}: warning: ${path}: ${w}`);
  return { dem, zFactor };
}

/**
 * Refuses a DEM whose heights are not in metres on the file-level (tiled) paths of `rusle fill | flow | ls`: the tiled
 * chain works on the file's heights as they are, so a z-factor other than 1 (given, or implied by the file's vertical
 * unit) cannot be honoured there.
 */
export function requireMetreHeights(crs: Crs, zFactor: number | undefined, path: string, command: string): void {
  if (resolveZFactor(crs, zFactor, path) !== 1) {
    throw new RusleError('BAD_ARGUMENT', `rusle ${command}: ${path}: with --memory-budget or --tile-size the DEM's heights must be in metres (z-factor 1); convert the DEM to metres first, or run without those flags`, { path });
  }
}
