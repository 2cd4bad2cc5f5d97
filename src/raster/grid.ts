/**
 * The georeferenced grid: size, affine geotransform (GDAL order) and CRS, with true cell sizes and areas.
 *
 * Cell size and area always come from the transform and the CRS, never an assumed 1. In a geographic CRS the
 * east-west cell width and the cell area depend on the row's latitude; both are computed on the ellipsoid.
 *
 * @module
 */

import { type Crs, crsEquals, describeCrs, meridionalRadius, primeVerticalRadius, zoneAreaPerRadian } from './crs.js';
import { RusleError } from './errors.js';

/**
 * Affine geotransform in GDAL order: `[originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight]`.
 * The georeferenced position of the top-left corner of cell (col, row) is
 * `x = t[0] + col·t[1] + row·t[2]`, `y = t[3] + col·t[4] + row·t[5]`. North-up grids have `t[2] = t[4] = 0` and
 * `t[5] < 0`.
 */
export type GeoTransform = readonly [number, number, number, number, number, number];

/** A rectangular window of cells: column and row offset, width and height, in cells. */
export interface Window {
  /** Column offset of the window's first cell. */
  readonly x: number;
  /** Row offset of the window's first cell. */
  readonly y: number;
  /** Width in cells. */
  readonly width: number;
  /** Height in cells. */
  readonly height: number;
}

/** Horizontal size of one cell, metres. */
export interface CellSizeMeters {
  /** East-west width, metres. */
  readonly dx: number;
  /** North-south height, metres. */
  readonly dy: number;
  /** Diagonal √(dx² + dy²), metres. */
  readonly diagonal: number;
}

/**
 * A georeferenced grid of `width × height` cells. Immutable.
 *
 * @example
 * ```ts
 * const grid = new Grid(100, 80, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
 * grid.cellSizeMeters(0); // { dx: 30, dy: 30, diagonal: 42.43 }
 * ```
 */
export class Grid {
  /** Number of columns. */
  readonly width: number;
  /** Number of rows. */
  readonly height: number;
  /** Affine geotransform, GDAL order. */
  readonly transform: GeoTransform;
  /** Coordinate reference system. */
  readonly crs: Crs;
  private rowAreas: Float64Array | undefined;
  private rowSizes: { dx: Float64Array; dy: Float64Array } | undefined;

  constructor(width: number, height: number, transform: GeoTransform | readonly number[], crs: Crs) {
    if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
      throw new RusleError('BAD_ARGUMENT', `Grid: width and height must be positive integers, got ${width} × ${height}`);
    }
    if (transform.length !== 6 || !transform.every((v) => Number.isFinite(v))) {
      throw new RusleError('BAD_ARGUMENT', `Grid: transform must be 6 finite numbers in GDAL order, got [${transform.join(', ')}]`);
    }
    const t = transform as GeoTransform;
    if (t[1] * t[5] - t[2] * t[4] === 0) {
      throw new RusleError('BAD_ARGUMENT', `Grid: transform [${t.join(', ')}] is singular (zero cell size)`);
    }
    this.width = width;
    this.height = height;
    this.transform = [t[0], t[1], t[2], t[3], t[4], t[5]] as const;
    this.crs = crs;
  }

  /** Number of cells, width × height. */
  get cellCount(): number {
    return this.width * this.height;
  }

  /** True when the CRS is geographic (coordinates in degrees). */
  get isGeographic(): boolean {
    return this.crs.geographic;
  }

  /** True when the transform has rotation terms. */
  get isRotated(): boolean {
    return this.transform[2] !== 0 || this.transform[4] !== 0;
  }

  /** Georeferenced coordinates of a point given in fractional cell coordinates (0,0 = top-left corner). */
  pixelToCrs(col: number, row: number): [number, number] {
    const t = this.transform;
    return [t[0] + col * t[1] + row * t[2], t[3] + col * t[4] + row * t[5]];
  }

  /** Fractional cell coordinates of a georeferenced point (inverse of {@link Grid.pixelToCrs}). */
  crsToPixel(x: number, y: number): [number, number] {
    const t = this.transform;
    const det = t[1] * t[5] - t[2] * t[4];
    const dx = x - t[0];
    const dy = y - t[3];
    return [(dx * t[5] - dy * t[2]) / det, (dy * t[1] - dx * t[4]) / det];
  }

  /** Bounds of the grid in CRS units: `[minX, minY, maxX, maxY]`. */
  bounds(): [number, number, number, number] {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [c, r] of [[0, 0], [this.width, 0], [0, this.height], [this.width, this.height]] as const) {
      const [x, y] = this.pixelToCrs(c, r);
      xs.push(x);
      ys.push(y);
    }
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }

  private requireNorthUp(what: string): void {
    if (this.isRotated) {
      throw new RusleError('UNSUPPORTED_TIFF', `${what}: rotated grids (transform [${this.transform.join(', ')}]) are not supported; warp the raster to a north-up grid first`);
    }
  }

  /** Latitude in radians of the centre of `row` (geographic grids only). */
  rowCenterLatitudeRad(row: number): number {
    const t = this.transform;
    return (t[3] + (row + 0.5) * t[5]) * this.crs.angularUnitRadians;
  }

  private computeRowSizes(): { dx: Float64Array; dy: Float64Array } {
    if (this.rowSizes) return this.rowSizes;
    this.requireNorthUp('cellSizeMeters');
    const t = this.transform;
    const dxs = new Float64Array(this.height);
    const dys = new Float64Array(this.height);
    if (!this.crs.geographic) {
      const u = this.crs.linearUnitMeters;
      if (!(u > 0)) throw new RusleError('BAD_UNITS', `Grid: the projected CRS ${describeCrs(this.crs)} has no known linear unit`);
      dxs.fill(Math.abs(t[1]) * u);
      dys.fill(Math.abs(t[5]) * u);
    } else {
      const k = this.crs.angularUnitRadians;
      const dLon = Math.abs(t[1]) * k;
      const dLat = Math.abs(t[5]) * k;
      const ell = this.crs.ellipsoid;
      for (let r = 0; r < this.height; r++) {
        const lat = this.rowCenterLatitudeRad(r);
        dxs[r] = primeVerticalRadius(lat, ell) * Math.cos(lat) * dLon;
        dys[r] = meridionalRadius(lat, ell) * dLat;
      }
    }
    this.rowSizes = { dx: dxs, dy: dys };
    return this.rowSizes;
  }

  /**
   * True horizontal size of the cells of `row`, metres. Projected grids: the transform's cell size times the CRS
   * unit. Geographic grids: N(φ)·cos φ·Δλ east-west and M(φ)·Δφ north-south at the row's centre latitude on the
   * CRS ellipsoid.
   */
  cellSizeMeters(row = 0): CellSizeMeters {
    const s = this.computeRowSizes();
    const dx = s.dx[row]!;
    const dy = s.dy[row]!;
    if (dx === undefined || Number.isNaN(dx)) throw new RusleError('BAD_ARGUMENT', `cellSizeMeters: row ${row} is outside 0..${this.height - 1}`);
    return { dx, dy, diagonal: Math.hypot(dx, dy) };
  }

  /** East-west cell widths per row (metres), length `height`. Do not mutate. */
  rowCellWidthsMeters(): Float64Array {
    return this.computeRowSizes().dx;
  }

  /** North-south cell heights per row (metres), length `height`. Do not mutate. */
  rowCellHeightsMeters(): Float64Array {
    return this.computeRowSizes().dy;
  }

  /**
   * True area of each row's cells, m², length `height`. Projected: |det(transform)| · unit². Geographic: the
   * ellipsoidal area between the row's bounding parallels (see `zoneAreaPerRadian`). Do not mutate.
   */
  rowCellAreasM2(): Float64Array {
    if (this.rowAreas) return this.rowAreas;
    const t = this.transform;
    const areas = new Float64Array(this.height);
    if (!this.crs.geographic) {
      const u = this.crs.linearUnitMeters;
      if (!(u > 0)) throw new RusleError('BAD_UNITS', `Grid: the projected CRS ${describeCrs(this.crs)} has no known linear unit`);
      areas.fill(Math.abs(t[1] * t[5] - t[2] * t[4]) * u * u);
    } else {
      this.requireNorthUp('rowCellAreasM2');
      const k = this.crs.angularUnitRadians;
      const dLon = Math.abs(t[1]) * k;
      const ell = this.crs.ellipsoid;
      for (let r = 0; r < this.height; r++) {
        const lat1 = (t[3] + r * t[5]) * k;
        const lat2 = (t[3] + (r + 1) * t[5]) * k;
        areas[r] = dLon * Math.abs(zoneAreaPerRadian(lat2, ell) - zoneAreaPerRadian(lat1, ell));
      }
    }
    this.rowAreas = areas;
    return areas;
  }

  /** True area of a cell of `row`, m². */
  cellAreaM2(row = 0): number {
    const a = this.rowCellAreasM2()[row];
    if (a === undefined) throw new RusleError('BAD_ARGUMENT', `cellAreaM2: row ${row} is outside 0..${this.height - 1}`);
    return a;
  }

  /** True area of the whole grid, m². */
  totalAreaM2(): number {
    const a = this.rowCellAreasM2();
    let s = 0;
    for (let r = 0; r < a.length; r++) s += a[r]! * this.width;
    return s;
  }

  /** Throws `WINDOW_OUT_OF_BOUNDS` unless `win` lies inside the grid. */
  checkWindow(win: Window, what = 'window'): void {
    const ok =
      Number.isInteger(win.x) && Number.isInteger(win.y) && Number.isInteger(win.width) && Number.isInteger(win.height) &&
      win.x >= 0 && win.y >= 0 && win.width > 0 && win.height > 0 &&
      win.x + win.width <= this.width && win.y + win.height <= this.height;
    if (!ok) {
      throw new RusleError(
        'WINDOW_OUT_OF_BOUNDS',
        `${what} {x: ${win.x}, y: ${win.y}, width: ${win.width}, height: ${win.height}} is not inside the ${this.width} × ${this.height} grid`,
        { window: win },
      );
    }
  }

  /** The sub-grid covering `win` (same CRS, transform shifted to the window's corner). */
  window(win: Window): Grid {
    this.checkWindow(win);
    const t = this.transform;
    const [x0, y0] = this.pixelToCrs(win.x, win.y);
    return new Grid(win.width, win.height, [x0, t[1], t[2], y0, t[4], t[5]], this.crs);
  }

  /** The whole grid as a window. */
  fullWindow(): Window {
    return { x: 0, y: 0, width: this.width, height: this.height };
  }

  /**
   * True when both grids have the same shape, CRS, and transforms equal within `tolerance` of a cell
   * (default 1e-6 of the cell size for offsets, 1e-9 relative for cell sizes).
   */
  equals(other: Grid, tolerance = 1e-6): boolean {
    return alignmentProblem(this, other, tolerance) === undefined;
  }

  /** A plain-object description, for JSON and messages. */
  toJSON(): { width: number; height: number; transform: number[]; crs: string } {
    return { width: this.width, height: this.height, transform: [...this.transform], crs: describeCrs(this.crs) };
  }
}

function alignmentProblem(a: Grid, b: Grid, tolerance: number): string | undefined {
  if (a.width !== b.width || a.height !== b.height) return `shapes differ: ${a.width} × ${a.height} vs ${b.width} × ${b.height}`;
  const ta = a.transform;
  const tb = b.transform;
  const cell = Math.max(Math.abs(ta[1]), Math.abs(ta[5]));
  for (const i of [1, 2, 4, 5]) {
    if (Math.abs(ta[i]! - tb[i]!) > 1e-9 * cell + tolerance * 1e-3 * cell) return `cell sizes or rotations differ: [${ta.join(', ')}] vs [${tb.join(', ')}]`;
  }
  for (const i of [0, 3]) {
    if (Math.abs(ta[i]! - tb[i]!) > tolerance * cell) return `origins differ by more than ${tolerance} of a cell: [${ta.join(', ')}] vs [${tb.join(', ')}]`;
  }
  if (!crsEquals(a.crs, b.crs)) return `CRSs differ: ${describeCrs(a.crs)} vs ${describeCrs(b.crs)}`;
  return undefined;
}

/**
 * Throws `GRID_MISMATCH` unless two grids (or rasters) have the same shape, transform (within `tolerance` of a
 * cell) and CRS. `names` label the two arguments in the message.
 */
export function assertAligned(
  a: Grid | { grid: Grid },
  b: Grid | { grid: Grid },
  names: readonly [string, string] = ['a', 'b'],
  tolerance = 1e-6,
): void {
  const ga = a instanceof Grid ? a : a.grid;
  const gb = b instanceof Grid ? b : b.grid;
  const problem = alignmentProblem(ga, gb, tolerance);
  if (problem !== undefined) {
    throw new RusleError('GRID_MISMATCH', `${names[0]} and ${names[1]} are not on the same grid: ${problem}`, { a: ga.toJSON(), b: gb.toJSON() });
  }
}
