/**
 * The raster type: a {@link Grid} plus a flat row-major typed array and its nodata value.
 *
 * Nodata policy (one for the whole library):
 * - Float rasters (`Float32Array`, `Float64Array`) hold `NaN` for nodata; their `nodata` is `NaN`. A declared
 *   nodata value of a file (for example -9999) is converted to NaN when read and back when written.
 * - Integer rasters (classes, zones, flow directions) carry an explicit `nodata` value, or `null` when every value
 *   is valid.
 * - Functions never mutate the rasters they are given; where allocation matters they take an explicit `out`.
 *
 * @module
 */

import { RusleError } from './errors.js';
import { Grid } from './grid.js';

/** Any typed array a raster can hold. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** Float typed arrays (nodata is NaN). */
export type FloatArray = Float32Array | Float64Array;

/** Names of the sample types, as in GDAL. */
export type SampleType = 'Byte' | 'Int8' | 'UInt16' | 'Int16' | 'UInt32' | 'Int32' | 'Float32' | 'Float64';

/** Constructor of a typed array. */
export type TypedArrayConstructor<T extends TypedArray = TypedArray> = {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/** The typed-array constructor for a sample type. */
export function arrayTypeOf(type: SampleType): TypedArrayConstructor {
  switch (type) {
    case 'Byte': return Uint8Array;
    case 'Int8': return Int8Array;
    case 'UInt16': return Uint16Array;
    case 'Int16': return Int16Array;
    case 'UInt32': return Uint32Array;
    case 'Int32': return Int32Array;
    case 'Float32': return Float32Array;
    case 'Float64': return Float64Array;
  }
}

/** The sample type of a typed array. */
export function sampleTypeOf(data: TypedArray): SampleType {
  if (data instanceof Float32Array) return 'Float32';
  if (data instanceof Float64Array) return 'Float64';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'Byte';
  if (data instanceof Int8Array) return 'Int8';
  if (data instanceof Int16Array) return 'Int16';
  if (data instanceof Uint16Array) return 'UInt16';
  if (data instanceof Int32Array) return 'Int32';
  return 'UInt32';
}

/** True for float typed arrays. */
export function isFloatArray(data: TypedArray): data is FloatArray {
  return data instanceof Float32Array || data instanceof Float64Array;
}

/**
 * Writes `data` into `out` as floats, its `nodata` value becoming NaN (a float `data` is copied as it is). The one
 * integer → float conversion of the library: exact for 8- and 16-bit integers in Float32, for 32-bit in Float64.
 *
 * @returns `out`.
 */
export function floatValues<F extends FloatArray>(data: TypedArray, nodata: number | null, out: F): F {
  if (isFloatArray(data)) {
    out.set(data);
    return out;
  }
  const n = data.length;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    out[i] = nodata !== null && v === nodata ? NaN : v;
  }
  return out;
}

/**
 * A georeferenced raster: `grid`, flat row-major `data` (`data[row * width + col]`) and `nodata`.
 *
 * @typeParam T - the typed array holding the values.
 */
export class Raster<T extends TypedArray = TypedArray> {
  /** The grid: size, transform, CRS. */
  readonly grid: Grid;
  /** Values, row-major, length `width * height`. */
  readonly data: T;
  /** Nodata value: `NaN` for float rasters; a number or `null` (none) for integer rasters. */
  readonly nodata: number | null;

  constructor(grid: Grid, data: T, nodata?: number | null) {
    if (data.length !== grid.width * grid.height) {
      throw new RusleError('BAD_ARGUMENT', `Raster: data has ${data.length} values but the grid is ${grid.width} × ${grid.height} = ${grid.width * grid.height}`);
    }
    this.grid = grid;
    this.data = data;
    if (isFloatArray(data)) {
      if (nodata !== undefined && nodata !== null && !Number.isNaN(nodata)) {
        throw new RusleError('BAD_ARGUMENT', `Raster: float rasters hold NaN for nodata (got nodata ${nodata}); convert the declared value to NaN first, e.g. with Raster.fromDeclaredNodata`);
      }
      this.nodata = NaN;
    } else {
      this.nodata = nodata ?? null;
    }
  }

  /**
   * Wraps float data whose nodata is a declared value (for example -9999), replacing that value by NaN in place.
   * Use this when building a raster from values that came from elsewhere.
   */
  static fromDeclaredNodata<F extends FloatArray>(grid: Grid, data: F, declared: number | null | undefined): Raster<F> {
    if (declared !== null && declared !== undefined && !Number.isNaN(declared)) {
      const d = data.length;
      const v = Math.fround(declared);
      const isF32 = data instanceof Float32Array;
      for (let i = 0; i < d; i++) {
        const x = data[i]!;
        if (x === declared || (isF32 && x === v)) data[i] = NaN;
      }
    }
    return new Raster(grid, data, NaN);
  }

  /** A new raster of `type` on `grid`, filled with `fill` (default: NaN for floats, 0 for integers). */
  static create<C extends TypedArrayConstructor>(grid: Grid, type: C, options: { nodata?: number | null; fill?: number } = {}): Raster<InstanceType<C>> {
    const data = new type(grid.width * grid.height) as InstanceType<C>;
    const float = isFloatArray(data);
    const fill = options.fill ?? (float ? NaN : undefined);
    if (fill !== undefined && fill !== 0) data.fill(fill);
    return new Raster(grid, data, float ? NaN : options.nodata ?? null);
  }

  /** Number of columns. */
  get width(): number {
    return this.grid.width;
  }

  /** Number of rows. */
  get height(): number {
    return this.grid.height;
  }

  /** Sample type name (GDAL's names). */
  get sampleType(): SampleType {
    return sampleTypeOf(this.data);
  }

  /** Value at (col, row); nodata comes back as NaN for float rasters and as the nodata value otherwise. */
  get(col: number, row: number): number {
    return this.data[row * this.grid.width + col]!;
  }

  /** True when the cell at flat index `i` is nodata. */
  isNodataAt(i: number): boolean {
    const v = this.data[i]!;
    return v !== v || (this.nodata !== null && v === this.nodata);
  }

  /**
   * This raster with float values and NaN for nodata: a float raster is returned as it is (no copy); an integer
   * raster is converted to `type`, its nodata value becoming NaN.
   *
   * @param type - the float type of the converted values. @defaultValue Float32Array
   * @example
   * ```ts
   * const dem = (await readRaster('srtm_int16.tif')).toFloat(); // Int16 metres → Float32, -32768 → NaN
   * ```
   */
  toFloat(type: typeof Float32Array | typeof Float64Array = Float32Array): Raster<FloatArray> {
    if (isFloatArray(this.data)) return this as unknown as Raster<FloatArray>;
    return new Raster(this.grid, floatValues(this.data, this.nodata, new type(this.data.length)), NaN);
  }

  /** Number of valid (not nodata) cells. */
  validCount(): number {
    const d = this.data;
    const n = d.length;
    let c = 0;
    if (isFloatArray(d)) {
      for (let i = 0; i < n; i++) if (d[i] === d[i]) c++;
    } else if (this.nodata === null) {
      c = n;
    } else {
      const nd = this.nodata;
      for (let i = 0; i < n; i++) if (d[i] !== nd) c++;
    }
    return c;
  }
}

/** A raster of any float type, or a constant that applies to every cell. */
export type RasterOrConstant = Raster<FloatArray> | Raster | number;

/** True when `v` is a {@link Raster}. */
export function isRaster(v: unknown): v is Raster {
  return v instanceof Raster;
}

/** Creates a raster with the same grid as `like` and a new array of `type`. */
export function rasterLike<C extends TypedArrayConstructor>(like: { grid: Grid }, type: C, options: { nodata?: number | null; fill?: number } = {}): Raster<InstanceType<C>> {
  return Raster.create(like.grid, type, options);
}
