/**
 * Windows and tiles: split a grid into blocks, optionally with a halo of neighbouring cells for focal operations.
 *
 * Tiles are produced in row-major order (top to bottom, left to right), so a pass over them is deterministic.
 *
 * @module
 */

import { RusleError } from './errors.js';
import type { Grid, Window } from './grid.js';

/** One tile: the `core` window it is responsible for, and the `padded` window to read (core plus halo, clipped). */
export interface Tile {
  /** Sequence number in row-major order, from 0. */
  readonly index: number;
  /** The cells this tile produces. */
  readonly core: Window;
  /** The cells to read: `core` grown by the halo on every side, clipped to the grid. */
  readonly padded: Window;
  /** Offset of `core` inside `padded` (columns, rows). */
  readonly offsetX: number;
  /** Offset of `core` inside `padded` (rows). */
  readonly offsetY: number;
}

/** Options of {@link tiles}. */
export interface TileOptions {
  /** Tile width in cells. @defaultValue 512 */
  tileWidth?: number;
  /** Tile height in cells. @defaultValue 512 */
  tileHeight?: number;
  /** Halo in cells added on every side of the padded window. @defaultValue 0 */
  halo?: number;
}

/** Default tile options. */
export const TILE_DEFAULTS: Required<TileOptions> = { tileWidth: 512, tileHeight: 512, halo: 0 };

/**
 * Iterates the tiles covering `grid` (or a `{width, height}` shape) in row-major order.
 *
 * @example
 * ```ts
 * for (const t of tiles(grid, { tileWidth: 256, tileHeight: 256, halo: 1 })) { … t.padded … t.core … }
 * ```
 */
export function* tiles(grid: Pick<Grid, 'width' | 'height'>, options: TileOptions = {}): Generator<Tile> {
  const tw = options.tileWidth ?? TILE_DEFAULTS.tileWidth;
  const th = options.tileHeight ?? TILE_DEFAULTS.tileHeight;
  const halo = options.halo ?? TILE_DEFAULTS.halo;
  if (!Number.isInteger(tw) || tw <= 0 || !Number.isInteger(th) || th <= 0) {
    throw new RusleError('BAD_ARGUMENT', `tiles: tileWidth and tileHeight must be positive integers, got ${tw} × ${th}`);
  }
  if (!Number.isInteger(halo) || halo < 0) throw new RusleError('BAD_ARGUMENT', `tiles: halo must be a non-negative integer, got ${halo}`);
  let index = 0;
  for (let y = 0; y < grid.height; y += th) {
    const h = Math.min(th, grid.height - y);
    for (let x = 0; x < grid.width; x += tw) {
      const w = Math.min(tw, grid.width - x);
      const px = Math.max(0, x - halo);
      const py = Math.max(0, y - halo);
      const px2 = Math.min(grid.width, x + w + halo);
      const py2 = Math.min(grid.height, y + h + halo);
      yield {
        index: index++,
        core: { x, y, width: w, height: h },
        padded: { x: px, y: py, width: px2 - px, height: py2 - py },
        offsetX: x - px,
        offsetY: y - py,
      };
    }
  }
}

/** Number of tiles {@link tiles} yields for a grid. */
export function tileCount(grid: Pick<Grid, 'width' | 'height'>, options: TileOptions = {}): number {
  const tw = options.tileWidth ?? TILE_DEFAULTS.tileWidth;
  const th = options.tileHeight ?? TILE_DEFAULTS.tileHeight;
  return Math.ceil(grid.width / tw) * Math.ceil(grid.height / th);
}

/** Intersection of two windows, or `undefined` when they do not overlap. */
export function intersectWindows(a: Window, b: Window): Window | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  if (x2 <= x || y2 <= y) return undefined;
  return { x, y, width: x2 - x, height: y2 - y };
}
