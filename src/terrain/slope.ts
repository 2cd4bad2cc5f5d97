/**
 * Slope and aspect from a DEM with a 3 × 3 finite-difference window.
 *
 * - Horn, B.K.P. (1981). Hill shading and the reflectance map. Proceedings of the IEEE 69(1), 14–47.
 *   doi:10.1109/PROC.1981.11918 — the default; the same weighted differences as `gdaldem slope` (the default
 *   algorithm) and ArcGIS:
 *   ∂z/∂x = ((c + 2f + i) − (a + 2d + g)) / (8 Δx), ∂z/∂y = ((g + 2h + i) − (a + 2b + c)) / (8 Δy), window
 *   `a b c / d e f / g h i` with `a` the north-west cell.
 * - Zevenbergen, L.W., Thorne, C.R. (1987). Quantitative analysis of land surface topography. Earth Surface
 *   Processes and Landforms 12(1), 47–56. doi:10.1002/esp.3290120107 — the option `'zevenbergen-thorne'`:
 *   ∂z/∂x = (f − d) / (2 Δx), ∂z/∂y = (h − b) / (2 Δy).
 *
 * **Distances.** Δx and Δy are true horizontal distances from the grid ({@link neighbourDistances}): in a projected
 * grid the cell size times the CRS unit; in a geographic grid the ellipsoidal east-west width of each row (so the
 * north and south rows of the window use their own Δx) and the meridian arc between the row centres. Degrees are
 * never treated as metres. `zFactor` converts elevation units to metres (0.3048 for a DEM in feet).
 *
 * **Edges and nodata** (`edges`): a cell whose window needs a neighbour that is off the grid or nodata is
 * - `'nodata'` (default, like `gdaldem`): NaN; the test covers all nine cells of the window for both methods,
 *   as gdaldem does;
 * - `'compute'` (like `gdaldem -compute_edges`, GDAL 3.6 `GDALGeneric3x3Processing`): an off-grid neighbour is
 *   extrapolated linearly, 2·a − b, from the two nearest cells of its column (a missing row; columns clamped to
 *   the grid) or of its row (a missing column; on the first and last rows the column is clamped instead); a nodata neighbour, or an extrapolation that involves nodata,
 *   takes the centre cell's value;
 * - `'extrapolate'` (like SAGA's 3 × 3 sub-matrix): the missing neighbour is mirrored through the centre,
 *   z = 2·z₀ − z(opposite), or z₀ when the opposite neighbour is missing too.
 * A nodata centre cell is always NaN.
 *
 * **Units.** Slope in `'degrees'`, `'radians'` or `'percent'` (100 · tan θ). Aspect is the azimuth of the downslope
 * direction, clockwise from north (0 = the slope faces north, 90 = east), in degrees [0, 360) or radians [0, 2π); a
 * flat cell (zero gradient) has aspect NaN (gdaldem writes its nodata value there).
 *
 * Complexity: O(n), one pass, no allocation per cell. Output Float32 (NaN = nodata). `slope` converts an integer DEM
 * to a Float32 copy first (4 B/cell) so that it takes the fast path.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { type FloatArray, floatValues, isFloatArray, Raster } from '../raster/raster.js';

/** Units of slope. */
export type SlopeUnits = 'degrees' | 'radians' | 'percent';
/** Units of aspect. */
export type AspectUnits = 'degrees' | 'radians';
/** Finite-difference method. */
export type SlopeMethod = 'horn' | 'zevenbergen-thorne';
/** What to do with cells whose window reaches off the grid or into nodata. */
export type SlopeEdgeRule = 'nodata' | 'compute' | 'extrapolate';

/** Options shared by {@link slope}, {@link aspect} and {@link slopeAspect}. */
export interface GradientOptions {
  /**
   * Finite-difference method.
   * @defaultValue 'horn'
   */
  readonly method?: SlopeMethod;
  /**
   * Edge and nodata-neighbour rule (see the module header).
   * @defaultValue 'nodata'
   */
  readonly edges?: SlopeEdgeRule;
  /**
   * Metres per elevation unit (0.3048 for feet). Multiplies elevation differences.
   * @defaultValue 1
   */
  readonly zFactor?: number;
}

/** Options of {@link slope}. */
export interface SlopeOptions extends GradientOptions {
  /**
   * Output unit.
   * @defaultValue 'degrees'
   */
  readonly units?: SlopeUnits;
  /** Output raster (Float32, same grid). */
  readonly out?: Raster<Float32Array>;
}

/** Options of {@link aspect}. */
export interface AspectOptions extends GradientOptions {
  /**
   * Output unit.
   * @defaultValue 'degrees'
   */
  readonly units?: AspectUnits;
  /** Output raster (Float32, same grid). */
  readonly out?: Raster<Float32Array>;
}

/** Defaults of the slope and aspect functions. */
export const SLOPE_DEFAULTS = Object.freeze({
  method: 'horn' as SlopeMethod,
  edges: 'nodata' as SlopeEdgeRule,
  zFactor: 1,
  units: 'degrees' as SlopeUnits,
});

const U_RAD = 0;
const U_DEG = 1;
const U_PCT = 2;
const E_NODATA = 0;
const E_COMPUTE = 1;
const E_EXTRAPOLATE = 2;

/**
 * The kernel: fills `slopeOut` (unit code), `aspectOut` (radians or degrees) and/or `widthOut` (the flow-width
 * factor |sin α| + |cos α| = (|∂z/∂x| + |∂z/∂y|) / |∇z|, 1 where flat, from the same gradient without any
 * trigonometric call). Per-row geometry: `invDx[r]` = 1/Δx of row r, `spanNs[r]` = distance between the centres of
 * rows r−1 and r+1.
 */
function gradientKernel(
  z: FloatArray, w: number, h: number, nodataValue: number | null,
  dxM: Float64Array, dyM: Float64Array, horn: boolean, edgeRule: number, zFactor: number,
  slopeOut: FloatArray | null, slopeUnit: number, aspectOut: FloatArray | null, aspectDegrees: boolean,
  widthOut: Float64Array | null = null,
): void {
  const win = new Float64Array(9);
  const ok = new Uint8Array(9);
  const RAD2DEG = 180 / Math.PI;
  const TWO_PI = 2 * Math.PI;
  const hasND = nodataValue !== null;
  const nd = nodataValue ?? 0;
  for (let r = 0; r < h; r++) {
    const rn = r > 0 ? r - 1 : r;
    const rs = r < h - 1 ? r + 1 : r;
    const invDxN = 1 / dxM[rn]!;
    const invDxC = 1 / dxM[r]!;
    const invDxS = 1 / dxM[rs]!;
    // Distance between the centres of rows r−1 and r+1 (half cells of the outer rows plus the centre row).
    const span = (dyM[rn]! + 2 * dyM[r]! + dyM[rs]!) / 2;
    const invSpan = 1 / span;
    const rowInterior = r > 0 && r < h - 1;
    // Fast path for the common case (Horn slope of a float DEM, interior row): a rolling 3 × 3 window loads one new
    // column per cell, and one NaN test on the result replaces nine on the inputs (every neighbour enters ∂z/∂x or
    // ∂z/∂y). Same arithmetic, in the same order, as the general path below, which takes the cells it declines.
    const fastRow = rowInterior && horn && slopeOut !== null && aspectOut === null && !hasND && w >= 3;
    // The row's valid span: a nodata centre gives NaN whatever its neighbours, so the nodata margins of a clipped
    // DEM are filled in bulk and the loop runs from the first to the last valid column.
    const rb = r * w;
    let cFirst = 0;
    while (cFirst < w && (z[rb + cFirst]! !== z[rb + cFirst]! || (hasND && z[rb + cFirst] === nd))) cFirst++;
    let cLast = w - 1;
    while (cLast > cFirst && (z[rb + cLast]! !== z[rb + cLast]! || (hasND && z[rb + cLast] === nd))) cLast--;
    if (cFirst === w) cLast = -1;
    if (cFirst > 0 || cLast < w - 1) {
      const e0 = rb + cFirst;
      const e1 = rb + cLast + 1;
      if (slopeOut) { slopeOut.fill(NaN, rb, e0); if (e1 < rb + w) slopeOut.fill(NaN, e1 > e0 ? e1 : e0, rb + w); }
      if (aspectOut) { aspectOut.fill(NaN, rb, e0); if (e1 < rb + w) aspectOut.fill(NaN, e1 > e0 ? e1 : e0, rb + w); }
      if (widthOut) { widthOut.fill(NaN, rb, e0); if (e1 < rb + w) widthOut.fill(NaN, e1 > e0 ? e1 : e0, rb + w); }
    }
    // the rolling window of the fast path starts at columns c0 − 1 and c0 (c0 ≥ 1: column 0 takes the general path)
    const c0 = cFirst > 1 ? cFirst : 1;
    let xa = 0, xb = 0, xd = 0, xe = 0, xg = 0, xh = 0;
    if (fastRow && c0 < w - 1) {
      const o = (r - 1) * w + c0 - 1;
      const m = r * w + c0 - 1;
      const s2 = (r + 1) * w + c0 - 1;
      xa = z[o]!; xd = z[m]!; xg = z[s2]!;
      xb = z[o + 1]!; xe = z[m + 1]!; xh = z[s2 + 1]!;
    }
    for (let c = cFirst; c <= cLast; c++) {
      const i = r * w + c;
      if (fastRow && c > 0 && c < w - 1) {
        const xc = z[i - w + 1]!;
        const xf = z[i + 1]!;
        const xi = z[i + w + 1]!;
        const fp = ((xc - xa) * invDxN + 2 * (xf - xd) * invDxC + (xi - xg) * invDxS) * 0.125 * zFactor;
        const fq = (xg + 2 * xh + xi - (xa + 2 * xb + xc)) * 0.25 * invSpan * zFactor;
        const centre = xe;
        xa = xb; xb = xc; xd = xe; xe = xf; xg = xh; xh = xi;
        const t2 = fp * fp + fq * fq;
        if (t2 === t2 && centre === centre) {
          const t = Math.sqrt(t2);
          slopeOut[i] = slopeUnit === U_PCT ? 100 * t : slopeUnit === U_DEG ? Math.atan(t) * RAD2DEG : Math.atan(t);
          if (widthOut) widthOut[i] = t > 0 ? (Math.abs(fp) + Math.abs(fq)) / t : 1;
          continue;
        }
      }
      const e = z[i]!;
      if (e !== e || (hasND && e === nd)) {
        if (slopeOut) slopeOut[i] = NaN;
        if (aspectOut) aspectOut[i] = NaN;
        if (widthOut) widthOut[i] = NaN;
        continue;
      }
      let a: number, b: number, cc: number, d: number, f: number, g: number, hh: number, ii: number;
      let fast = rowInterior && c > 0 && c < w - 1;
      if (fast) {
        const o = i - w;
        const s = i + w;
        a = z[o - 1]!; b = z[o]!; cc = z[o + 1]!;
        d = z[i - 1]!; f = z[i + 1]!;
        g = z[s - 1]!; hh = z[s]!; ii = z[s + 1]!;
        // NaN fails the self-comparison; a declared nodata value is checked when given.
        if (a !== a || b !== b || cc !== cc || d !== d || f !== f || g !== g || hh !== hh || ii !== ii ||
          (hasND && (a === nd || b === nd || cc === nd || d === nd || f === nd || g === nd || hh === nd || ii === nd))) fast = false;
      } else {
        a = b = cc = d = f = g = hh = ii = 0;
      }
      if (!fast) {
        // Slow path: gather the window with validity flags, then apply the edge rule.
        let missing = false;
        for (let k = 0; k < 9; k++) {
          const rr = r + ((k / 3) | 0) - 1;
          const c2 = c + (k % 3) - 1;
          if (rr < 0 || c2 < 0 || rr >= h || c2 >= w) {
            ok[k] = 0;
            missing = true;
            continue;
          }
          const v = z[rr * w + c2]!;
          if (v !== v || (hasND && v === nd)) {
            ok[k] = 0;
            missing = true;
          } else {
            ok[k] = 1;
            win[k] = v;
          }
        }
        if (missing) {
          if (edgeRule === E_NODATA) {
            if (slopeOut) slopeOut[i] = NaN;
            if (aspectOut) aspectOut[i] = NaN;
            if (widthOut) widthOut[i] = NaN;
            continue;
          }
          for (let k = 0; k < 9; k++) {
            if (ok[k]) continue;
            if (edgeRule === E_EXTRAPOLATE) {
              const opp = 8 - k;
              win[k] = ok[opp] ? 2 * e - win[opp]! : e;
            } else {
              // gdaldem -compute_edges: an off-grid neighbour is extrapolated linearly, 2·a − b, from the two
              // nearest cells of its column (missing rows; columns clamped to the grid) or of its row (missing
              // columns); a nodata neighbour, or an extrapolation from nodata, takes the centre value.
              const rr = r + ((k / 3) | 0) - 1;
              const c2 = c + (k % 3) - 1;
              let v = NaN;
              if (rr < 0 || rr >= h) {
                const cl = c2 < 0 ? 0 : c2 >= w ? w - 1 : c2;
                const ra = rr < 0 ? 0 : h - 1;
                const rb = rr < 0 ? 1 : h - 2;
                if (rb >= 0 && rb < h) v = 2 * z[ra * w + cl]! - z[rb * w + cl]!;
              } else if ((c2 < 0 || c2 >= w) && (r === 0 || r === h - 1)) {
                // first and last lines: gdaldem clamps the columns (the corner's missing column repeats its own)
                const vc = z[rr * w + (c2 < 0 ? 0 : w - 1)]!;
                if (!(hasND && vc === nd)) v = vc;
              } else if (c2 < 0 || c2 >= w) {
                const ca = c2 < 0 ? 0 : w - 1;
                const cb = c2 < 0 ? 1 : w - 2;
                if (cb >= 0 && cb < w) {
                  const va = z[rr * w + ca]!;
                  const vb = z[rr * w + cb]!;
                  if (!(hasND && (va === nd || vb === nd))) v = 2 * va - vb;
                }
              }
              if (hasND && v === v) {
                // extrapolation from a declared nodata value is nodata (checked above for columns)
                if (rr < 0 || rr >= h) {
                  const cl = c2 < 0 ? 0 : c2 >= w ? w - 1 : c2;
                  const ra = rr < 0 ? 0 : h - 1;
                  const rb = rr < 0 ? 1 : h - 2;
                  if (z[ra * w + cl] === nd || z[rb * w + cl] === nd) v = NaN;
                }
              }
              win[k] = v === v ? v : e;
            }
          }
        }
        a = win[0]!; b = win[1]!; cc = win[2]!; d = win[3]!; f = win[5]!; g = win[6]!; hh = win[7]!; ii = win[8]!;
      }
      let p: number; // ∂z/∂x, east positive
      let q: number; // ∂z/∂y, south positive (rows grow southward)
      if (horn) {
        p = ((cc - a) * invDxN + 2 * (f - d) * invDxC + (ii - g) * invDxS) * 0.125;
        q = (g + 2 * hh + ii - (a + 2 * b + cc)) * 0.25 * invSpan;
      } else {
        p = (f - d) * 0.5 * invDxC;
        q = (hh - b) * invSpan;
      }
      p *= zFactor;
      q *= zFactor;
      if (slopeOut) {
        const t = Math.sqrt(p * p + q * q);
        slopeOut[i] = slopeUnit === U_PCT ? 100 * t : slopeUnit === U_DEG ? Math.atan(t) * RAD2DEG : Math.atan(t);
      }
      if (widthOut) {
        const t = Math.sqrt(p * p + q * q);
        widthOut[i] = t > 0 ? (Math.abs(p) + Math.abs(q)) / t : 1;
      }
      if (aspectOut) {
        if (p === 0 && q === 0) aspectOut[i] = NaN;
        else {
          // Downslope direction: east component −p, north component +q (q is ∂z/∂y southward).
          let az = Math.atan2(-p, q);
          if (az < 0) az += TWO_PI;
          if (aspectDegrees) {
            az *= RAD2DEG;
            if (az >= 360) az -= 360;
          } else if (az >= TWO_PI) az -= TWO_PI;
          aspectOut[i] = az;
        }
      }
    }
  }
}

function validate(dem: Raster, o: Required<GradientOptions>, what: string): void {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `${what}: dem must be a Raster`);
  if (o.method !== 'horn' && o.method !== 'zevenbergen-thorne') {
    throw new RusleError('BAD_ARGUMENT', `${what}: method must be 'horn' or 'zevenbergen-thorne', got '${String(o.method)}'`);
  }
  if (o.edges !== 'nodata' && o.edges !== 'compute' && o.edges !== 'extrapolate') {
    throw new RusleError('BAD_ARGUMENT', `${what}: edges must be 'nodata', 'compute' or 'extrapolate', got '${String(o.edges)}'`);
  }
  if (!(o.zFactor > 0) || !Number.isFinite(o.zFactor)) {
    throw new RusleError('BAD_VALUE', `${what}: zFactor must be a positive number of metres per elevation unit, got ${o.zFactor}`);
  }
}

function edgeCode(e: SlopeEdgeRule): number {
  return e === 'nodata' ? E_NODATA : e === 'compute' ? E_COMPUTE : E_EXTRAPOLATE;
}

function outArray(dem: Raster, out: Raster<Float32Array> | undefined, what: string): Raster<Float32Array> {
  if (out === undefined) return new Raster(dem.grid, new Float32Array(dem.width * dem.height));
  if (!(out instanceof Raster) || !(out.data instanceof Float32Array) || out.data.length !== dem.width * dem.height) {
    throw new RusleError('BAD_ARGUMENT', `${what}: out must be a Float32 raster of ${dem.width} × ${dem.height} cells`);
  }
  return out;
}

function nodataOf(dem: Raster): number | null {
  return isFloatArray(dem.data) ? null : dem.nodata;
}

/**
 * Integer DEMs (Int16 SRTM and the like) as Float32 with NaN for nodata, so that the slope kernel takes its fast
 * path (exact: 16-bit integers are exact in float32; 32-bit integers above 2^24 m do not occur in DEMs).
 */
function asFloat32(dem: Raster): Float32Array {
  return floatValues(dem.data, dem.nodata, new Float32Array(dem.data.length));
}

/**
 * Slope of a DEM: Horn (1981) by default or Zevenbergen & Thorne (1987), with true distances from the grid.
 *
 * @param dem - elevations (metres, or another unit with `zFactor`); NaN or the integer nodata value = nodata.
 * @param options - `units` (default degrees), `method` (default horn), `edges` (default nodata), `zFactor`, `out`.
 * @returns slope, Float32, same grid, NaN where undefined.
 * @throws RusleError `BAD_ARGUMENT` for unknown options; `BAD_VALUE` for a bad `zFactor`; `BAD_UNITS` when the CRS
 *   has no known linear unit; `UNSUPPORTED_TIFF` for rotated grids.
 * @example
 * ```ts
 * const dem = await readRaster('data/willamette/dem_30m.tif');
 * const s = slope(dem, { units: 'radians' });
 * ```
 */
export function slope(dem: Raster, options: SlopeOptions = {}): Raster<Float32Array> {
  const o = { ...SLOPE_DEFAULTS, ...options };
  validate(dem, o, 'slope');
  if (o.units !== 'degrees' && o.units !== 'radians' && o.units !== 'percent') {
    throw new RusleError('BAD_UNITS', `slope: units must be 'degrees', 'radians' or 'percent', got '${String(o.units)}'`);
  }
  const out = outArray(dem, options.out, 'slope');
  const unit = o.units === 'degrees' ? U_DEG : o.units === 'radians' ? U_RAD : U_PCT;
  const z = isFloatArray(dem.data) ? dem.data : asFloat32(dem);
  gradientKernel(z, dem.width, dem.height, null, dem.grid.rowCellWidthsMeters(), dem.grid.rowCellHeightsMeters(),
    o.method === 'horn', edgeCode(o.edges), o.zFactor, out.data, unit, null, false);
  return out;
}

/**
 * Aspect of a DEM: azimuth of the downslope direction, clockwise from north, with the same gradient as
 * {@link slope}. Flat cells (zero gradient) are NaN.
 *
 * @param dem - elevations; NaN or the integer nodata value = nodata.
 * @param options - `units` (`'degrees'` default, or `'radians'`), `method`, `edges`, `zFactor`, `out`.
 * @returns aspect, Float32, same grid: degrees in [0, 360) or radians in [0, 2π); NaN for flat or nodata cells.
 * @throws RusleError as {@link slope}.
 * @example
 * ```ts
 * const a = aspect(dem); // 90 where the terrain falls towards the east
 * ```
 */
export function aspect(dem: Raster, options: AspectOptions = {}): Raster<Float32Array> {
  const o = { ...SLOPE_DEFAULTS, units: 'degrees' as AspectUnits, ...options };
  validate(dem, o, 'aspect');
  if (o.units !== 'degrees' && o.units !== 'radians') {
    throw new RusleError('BAD_UNITS', `aspect: units must be 'degrees' or 'radians', got '${String(o.units)}'`);
  }
  const out = outArray(dem, options.out, 'aspect');
  gradientKernel(dem.data as FloatArray, dem.width, dem.height, nodataOf(dem), dem.grid.rowCellWidthsMeters(), dem.grid.rowCellHeightsMeters(),
    o.method === 'horn', edgeCode(o.edges), o.zFactor, null, U_RAD, out.data, o.units === 'degrees');
  return out;
}

/**
 * Slope (radians) and aspect (radians, azimuth clockwise from north) in one pass, as Float64 arrays — the form the
 * LS factor needs (`slopeRad`, flow width from aspect).
 *
 * @param dem - elevations; NaN or the integer nodata value = nodata.
 * @param options - `method`, `edges`, `zFactor`.
 * @returns `{ slopeRad, aspectRad }`, each a Float64 raster on the DEM's grid.
 * @throws RusleError as {@link slope}.
 * @example
 * ```ts
 * const { slopeRad, aspectRad } = slopeAspect(dem, { edges: 'extrapolate' });
 * ```
 */
export function slopeAspect(dem: Raster, options: GradientOptions = {}): { slopeRad: Raster<Float64Array>; aspectRad: Raster<Float64Array> } {
  const o = { ...SLOPE_DEFAULTS, ...options };
  validate(dem, o, 'slopeAspect');
  const n = dem.width * dem.height;
  const s = new Float64Array(n);
  const a = new Float64Array(n);
  gradientKernel(dem.data as FloatArray, dem.width, dem.height, nodataOf(dem), dem.grid.rowCellWidthsMeters(), dem.grid.rowCellHeightsMeters(),
    o.method === 'horn', edgeCode(o.edges), o.zFactor, s, U_RAD, a, false);
  return { slopeRad: new Raster(dem.grid, s), aspectRad: new Raster(dem.grid, a) };
}

/**
 * Slope as a percentage (100 · tan θ, the same Float32 values as `slope(dem, { units: 'percent' })`) and the
 * flow-width factor x = |sin α| + |cos α| of Desmet & Govers (1996) (α the aspect; x is the length of contour a
 * flow crosses per unit cell width, 1 to √2), in one pass and without trigonometric calls: x = (|∂z/∂x| +
 * |∂z/∂y|) / |∇z| from the same gradient as the slope (1 where the gradient is zero, where the aspect is undefined).
 * This is what the Desmet & Govers LS of InVEST needs; computing the aspect first (atan2) and then x from it
 * (sin, cos) costs several times more.
 *
 * @param dem - elevations (metres, or another unit with `zFactor`); NaN or the integer nodata value = nodata.
 * @param options - `method` (default horn), `edges` (default nodata), `zFactor`, `out` (Float32 raster on the same
 *   grid for the slope).
 * @returns `{ slopePercent, flowWidth }`: Float32 slope in percent and Float64 x (dimensionless, 1 to √2), NaN
 *   where undefined.
 * @throws RusleError as {@link slope}.
 * @example
 * ```ts
 * const { slopePercent, flowWidth } = slopePercentAndFlowWidth(dem, { edges: 'compute' });
 * ```
 */
export function slopePercentAndFlowWidth(dem: Raster, options: GradientOptions & { readonly out?: Raster<Float32Array> } = {}): { slopePercent: Raster<Float32Array>; flowWidth: Raster<Float64Array> } {
  const o = { ...SLOPE_DEFAULTS, ...options };
  validate(dem, o, 'slopePercentAndFlowWidth');
  const n = dem.width * dem.height;
  const pctR = outArray(dem, options.out, 'slopePercentAndFlowWidth');
  const pct = pctR.data;
  const x = new Float64Array(n);
  const z = isFloatArray(dem.data) ? dem.data : asFloat32(dem);
  gradientKernel(z, dem.width, dem.height, null, dem.grid.rowCellWidthsMeters(), dem.grid.rowCellHeightsMeters(),
    o.method === 'horn', edgeCode(o.edges), o.zFactor, pct, U_PCT, null, false, x);
  return { slopePercent: pctR, flowWidth: new Raster(dem.grid, x) };
}
