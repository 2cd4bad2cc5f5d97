/**
 * GeoTIFF reading: `openRaster` (a windowed source that never loads the whole file) and `readRaster`.
 *
 * Layout: the first IFD is parsed by `tiff-format.ts`; whole tiles or strips are read from the file handle at their
 * TileOffsets/StripOffsets and decoded by `decode.ts` (Deflate on `node:zlib`'s thread pool, predictors in tight
 * loops; LZW, ZSTD, LERC and JPEG through geotiff.js's decoders); rows are copied into the output with
 * `TypedArray.set`. Several blocks are decoded concurrently. This is what makes reading several times faster than
 * geotiff.js's `readRasters`, which copies each sample through a `DataView` and inflates with pako.
 *
 * Supported: sample types u8, i8, u16, i16, u32, i32, f32, f64; strips and tiles; chunky and planar
 * multi-band files (one band is read, option `band`); palette images (the indices); classic TIFF and BigTIFF;
 * COG (the first IFD is the full-resolution image). Not supported (`UNSUPPORTED_TIFF`): bit depths other than
 * 8/16/32/64, 16-bit floats, complex and 64-bit integer samples.
 *
 * Nodata policy: the GDAL_NODATA tag is the declared nodata. Float rasters come back with NaN in place of the
 * declared value (`nodata` NaN); integer rasters keep their values and carry the declared value as `nodata` (or
 * null when the file declares none or a value outside the type's range).
 *
 * Georeference: ModelTransformation, or ModelPixelScale + one ModelTiepoint, with GDAL's half-cell shift for
 * PixelIsPoint files; CRS from the GeoKeys (`crs-geokeys.ts`).
 *
 * @module
 */

import { open, type FileHandle } from 'node:fs/promises';
import { RusleError } from '../raster/errors.js';
import { Grid, type Window } from '../raster/grid.js';
import { arrayTypeOf, Raster, type SampleType, sampleTypeOf, type TypedArray } from '../raster/raster.js';
import { tiles, type Tile, type TileOptions } from '../raster/tiles.js';
import { crsFromGeoKeys, type GeoKeys, isPixelIsPoint, parseGeoKeys, transformFromTags } from './crs-geokeys.js';
import { CODEC_DEFAULTS, inflateBlockInto } from './codec-pool.js';
import { type BlockLayout, corrupt, type DecodedBlock, decodeBlock } from './decode.js';
import { placeBlock } from './predictors.js';
import { parseTiff, TAG, tagNumber, tagNumbers, tagString, type TiffDirectory } from './tiff-format.js';

/** Options of {@link openRaster}. */
export interface OpenRasterOptions {
  /**
   * Band to read (1-based). Required to read a file with more than one band: without it such a file opens (its
   * `bandCount` and grid can be inspected) but reading gives `MULTI_BAND`.
   * @defaultValue 1 in a single-band file
   */
  band?: number;
  /**
   * Accept a file without georeference: its grid gets GDAL's default transform `[0, 1, 0, 0, 0, 1]` and a CRS of
   * unknown unit (cell sizes in metres then throw `BAD_UNITS`). @defaultValue false
   */
  allowMissingGeoreference?: boolean;
  /** Bytes of decoded blocks kept in memory for windows that share blocks. @defaultValue 67108864 (64 MiB) */
  cacheBytes?: number;
  /** Blocks decoded at the same time. @defaultValue 8 */
  concurrency?: number;
}

/** Options of {@link readRaster}. */
export interface ReadRasterOptions extends OpenRasterOptions {
  /** The window to read (default: the whole grid). */
  window?: Window;
}

/** One block yielded by {@link RasterSource.blocks}. */
export interface RasterBlock {
  /** The window that was read (for tiles with a halo: the padded window). */
  readonly window: Window;
  /** The cells of `window`. */
  readonly raster: Raster;
  /** The tile (core and padded windows), when tile options were given. */
  readonly tile?: Tile;
}

/** Options of {@link RasterSource.blocks}: full-width row bands, or tiles with an optional halo. */
export type BlockOptions = { rowsPerBlock?: number } | TileOptions;

/** A GeoTIFF opened for windowed reading. Call `close()` when done. */
export interface RasterSource {
  /** The file path. */
  readonly path: string;
  /** Grid of the whole file. */
  readonly grid: Grid;
  /** Nodata of rasters read from this source: NaN for float types, the declared value (or null) for integers. */
  readonly nodata: number | null;
  /** The nodata value the file declares (GDAL_NODATA), or null. */
  readonly declaredNodata: number | null;
  /** Sample type of the band read. */
  readonly sampleType: SampleType;
  /** Width of the file's blocks (tile width, or the image width for strips). */
  readonly blockWidth: number;
  /** Height of the file's blocks (tile height, or rows per strip). */
  readonly blockHeight: number;
  /** Number of bands in the file. */
  readonly bandCount: number;
  /** TIFF PhotometricInterpretation (1 min-is-black, 2 RGB, 3 palette, …), or null when the file has none. */
  readonly photometric: number | null;
  /**
   * Reads a window. Float rasters hold NaN for nodata. The cells go into `out` when it is given (at least
   * `window.width × window.height` values of the source's sample type; the raster is a view of its first cells),
   * otherwise into a new array on a SharedArrayBuffer, which worker threads read without a copy.
   */
  read(window: Window, out?: TypedArray): Promise<Raster>;
  /** Iterates the grid in aligned blocks: full-width row bands (default: whole file blocks) or tiles with a halo. */
  blocks(options?: BlockOptions): AsyncIterable<RasterBlock>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** Defaults of {@link OpenRasterOptions}. */
export const OPEN_DEFAULTS = { band: 1, allowMissingGeoreference: false, cacheBytes: 64 * 1024 * 1024, concurrency: 8 } as const;

function sampleTypeFrom(bits: number, format: number, path: string): SampleType {
  if (format === 1 || format === 4) {
    if (bits === 8) return 'Byte';
    if (bits === 16) return 'UInt16';
    if (bits === 32) return 'UInt32';
  } else if (format === 2) {
    if (bits === 8) return 'Int8';
    if (bits === 16) return 'Int16';
    if (bits === 32) return 'Int32';
  } else if (format === 3) {
    if (bits === 32) return 'Float32';
    if (bits === 64) return 'Float64';
  }
  const kind = format === 1 ? 'unsigned integer' : format === 2 ? 'signed integer' : format === 3 ? 'float' : format >= 5 ? 'complex' : `SampleFormat ${format}`;
  throw new RusleError(
    'UNSUPPORTED_TIFF',
    `${path}: ${bits}-bit ${kind} samples are not supported (expected 8/16/32-bit integers or 32/64-bit floats)`,
    { path, bits, format },
  );
}

const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  Byte: [0, 255], Int8: [-128, 127], UInt16: [0, 65535], Int16: [-32768, 32767],
  UInt32: [0, 4294967295], Int32: [-2147483648, 2147483647],
};

function parseNodata(text: string | undefined, type: SampleType): number | null {
  if (text === undefined) return null;
  const t = text.trim().toLowerCase();
  if (t === '') return null;
  const v = t === 'nan' || t === '-nan' ? NaN : t === 'inf' ? Infinity : t === '-inf' ? -Infinity : Number(t);
  if (type === 'Float32' || type === 'Float64') return Number.isNaN(v) && t !== 'nan' && t !== '-nan' ? null : v;
  const range = INT_RANGE[type]!;
  return Number.isInteger(v) && v >= range[0] && v <= range[1] ? v : null;
}

function mapError(e: unknown, path: string): RusleError {
  if (e instanceof RusleError) return e;
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
    return new RusleError('IO_ERROR', `${path}: ${err.message ?? String(e)}`, { path, errno: err.code }, { cause: e });
  }
  if (e instanceof RangeError && /Array buffer allocation|Invalid typed array length|Array buffer/.test(e.message)) {
    return new RusleError('OUT_OF_MEMORY_BUDGET', `${path}: cannot allocate memory for the requested window (${e.message}); read it in blocks with openRaster`, { path }, { cause: e });
  }
  return new RusleError('TRUNCATED', `${path}: the file is corrupt or truncated (${err?.message ?? String(e)})`, { path }, { cause: e });
}

/**
 * Throws `UNSUPPORTED_URL` when `path` is a URL (`http://…`, `s3://…`): files are read from the local file system
 * only.
 */
export function refuseUrl(path: string): void {
  if (typeof path === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new RusleError(
      'UNSUPPORTED_URL',
      `${path}: URLs are not supported; download the file first (for example curl -O '${path}') and give its local path`,
      { path },
    );
  }
}

class TiffRasterSource implements RasterSource {
  readonly path: string;
  readonly grid: Grid;
  readonly nodata: number | null;
  readonly declaredNodata: number | null;
  readonly sampleType: SampleType;
  readonly blockWidth: number;
  readonly blockHeight: number;
  readonly bandCount: number;
  readonly photometric: number | null;
  private readonly fh: FileHandle;
  private readonly dir: TiffDirectory;
  private readonly layout: BlockLayout;
  private readonly offsets: number[];
  private readonly counts: number[];
  private readonly blocksAcross: number;
  private readonly blocksDown: number;
  private readonly bandBlockBase: number;
  private readonly bandSample: number;
  private readonly cacheLimit: number;
  private readonly concurrency: number;
  private readonly cache = new Map<number, DecodedBlock>();
  private cacheSize = 0;
  private readonly inflight = new Map<number, Promise<DecodedBlock>>();
  private closed = false;
  /** False for a multi-band file opened without `band`: it can be inspected, not read. */
  private readonly bandChosen: boolean;

  constructor(path: string, fh: FileHandle, dir: TiffDirectory, options: OpenRasterOptions) {
    this.path = path;
    this.fh = fh;
    this.dir = dir;
    const width = tagNumber(dir, TAG.ImageWidth);
    const height = tagNumber(dir, TAG.ImageLength);
    if (!(width! > 0) || !(height! > 0) || !Number.isSafeInteger(width! * height!)) {
      throw new RusleError('UNSUPPORTED_TIFF', `${path}: image size ${width} × ${height} is missing or invalid`, { path });
    }
    const spp = tagNumber(dir, TAG.SamplesPerPixel, 1);
    this.bandChosen = spp === 1 || options.band !== undefined;
    const band = options.band ?? OPEN_DEFAULTS.band;
    if (!Number.isInteger(band) || band < 1 || band > spp) {
      throw new RusleError('BAD_ARGUMENT', `${path}: band must be an integer in 1..${spp}, got ${band}`, { path });
    }
    const bitsAll = tagNumbers(dir, TAG.BitsPerSample) ?? [1];
    const bits = bitsAll[Math.min(band - 1, bitsAll.length - 1)]!;
    const formats = tagNumbers(dir, TAG.SampleFormat) ?? [1];
    const format = formats[Math.min(band - 1, formats.length - 1)]!;
    const planar = tagNumber(dir, TAG.PlanarConfiguration, 1);
    if (planar === 1 && spp > 1 && bitsAll.some((b) => b !== bits)) {
      throw new RusleError('UNSUPPORTED_TIFF', `${path}: interleaved bands of different bit depths (${bitsAll.join(', ')}) are not supported`, { path });
    }
    this.sampleType = sampleTypeFrom(bits, format, path);
    const tiled = dir.tags.has(TAG.TileWidth) || dir.tags.has(TAG.TileOffsets);
    let bw: number;
    let bh: number;
    let offsets: number[] | undefined;
    let counts: number[] | undefined;
    if (tiled) {
      bw = tagNumber(dir, TAG.TileWidth, 0);
      bh = tagNumber(dir, TAG.TileLength, 0);
      offsets = tagNumbers(dir, TAG.TileOffsets);
      counts = tagNumbers(dir, TAG.TileByteCounts);
    } else {
      bw = width!;
      const rps = tagNumber(dir, TAG.RowsPerStrip, height!);
      bh = Math.min(rps, height!);
      offsets = tagNumbers(dir, TAG.StripOffsets);
      counts = tagNumbers(dir, TAG.StripByteCounts);
    }
    if (!(bw > 0) || !(bh > 0) || !Number.isInteger(bw) || !Number.isInteger(bh)) {
      throw new RusleError('UNSUPPORTED_TIFF', `${path}: invalid block size ${bw} × ${bh}`, { path });
    }
    this.blocksAcross = Math.ceil(width! / bw);
    this.blocksDown = Math.ceil(height! / bh);
    const perBand = this.blocksAcross * this.blocksDown;
    const needed = planar === 2 ? perBand * spp : perBand;
    if (!offsets || !counts || offsets.length < needed || counts.length < needed) {
      throw new RusleError('TRUNCATED', `${path}: the image needs ${needed} block offsets and byte counts, the file has ${offsets?.length ?? 0} and ${counts?.length ?? 0}`, { path });
    }
    this.offsets = offsets;
    this.counts = counts;
    this.bandBlockBase = planar === 2 ? (band - 1) * perBand : 0;
    this.bandSample = planar === 2 ? 0 : band - 1;
    this.blockWidth = bw;
    this.blockHeight = bh;
    this.bandCount = spp;
    this.photometric = dir.tags.has(TAG.Photometric) ? tagNumber(dir, TAG.Photometric, 1) : null;
    const lerc = tagNumbers(dir, TAG.LercParameters);
    const jpeg = tagNumbers(dir, TAG.JPEGTables);
    this.layout = {
      compression: tagNumber(dir, TAG.Compression, 1),
      predictor: tagNumber(dir, TAG.Predictor, 1),
      bytesPerSample: bits / 8,
      samplesInBlock: planar === 2 ? 1 : spp,
      blockWidth: bw,
      blockHeight: bh,
      littleEndian: dir.littleEndian,
      bitsPerSample: bitsAll,
      planarConfiguration: planar,
      ...(lerc ? { lercParameters: lerc } : {}),
      ...(jpeg ? { jpegTables: jpeg } : {}),
    };

    const directory = tagNumbers(dir, TAG.GeoKeyDirectory);
    const keys: GeoKeys | undefined = directory
      ? parseGeoKeys(directory, tagNumbers(dir, TAG.GeoDoubleParams), tagString(dir, TAG.GeoAsciiParams), path)
      : undefined;
    let transform = transformFromTags(
      tagNumbers(dir, TAG.ModelPixelScale),
      tagNumbers(dir, TAG.ModelTiepoint),
      tagNumbers(dir, TAG.ModelTransformation),
      isPixelIsPoint(keys),
    );
    if (!transform) {
      if (!(options.allowMissingGeoreference ?? OPEN_DEFAULTS.allowMissingGeoreference)) {
        throw new RusleError(
          'NO_GEOREFERENCE',
          `${path}: the file has no georeference (no ModelTransformation, or ModelPixelScale with one ModelTiepoint); pass allowMissingGeoreference: true to read it on a unit grid`,
          { path },
        );
      }
      transform = [0, 1, 0, 0, 0, 1];
    }
    this.grid = new Grid(width!, height!, transform, crsFromGeoKeys(keys));
    this.declaredNodata = parseNodata(tagString(dir, TAG.GdalNodata), this.sampleType);
    const isFloat = this.sampleType === 'Float32' || this.sampleType === 'Float64';
    this.nodata = isFloat ? NaN : this.declaredNodata;
    this.cacheLimit = options.cacheBytes ?? OPEN_DEFAULTS.cacheBytes;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? OPEN_DEFAULTS.concurrency));
  }

  private rowsOfBlock(by: number): number {
    return Math.min(this.blockHeight, this.grid.height - by * this.blockHeight);
  }

  private async loadBlock(bx: number, by: number): Promise<DecodedBlock> {
    const key = by * this.blocksAcross + bx;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = this.decode(key, by);
    this.inflight.set(key, p);
    try {
      const block = await p;
      if (this.cacheLimit > 0 && block.bytes.byteLength <= this.cacheLimit) {
        this.cache.set(key, block);
        this.cacheSize += block.bytes.byteLength;
        for (const [k, v] of this.cache) {
          if (this.cacheSize <= this.cacheLimit) break;
          this.cache.delete(k);
          this.cacheSize -= v.bytes.byteLength;
        }
      }
      return block;
    } finally {
      this.inflight.delete(key);
    }
  }

  private async decode(key: number, by: number): Promise<DecodedBlock> {
    const index = this.bandBlockBase + key;
    const offset = this.offsets[index]!;
    const count = this.counts[index]!;
    // Tiles are always full size; the last strip may be short.
    const rows = this.dir.tags.has(TAG.TileOffsets) || this.dir.tags.has(TAG.TileWidth) ? this.blockHeight : this.rowsOfBlock(by);
    const L = this.layout;
    if (count === 0 || offset === 0) {
      // Sparse block (GDAL SPARSE_OK): the declared nodata, or 0.
      const T = arrayTypeOf(this.sampleType);
      const arr = new T(rows * L.blockWidth * L.samplesInBlock);
      const fill = this.declaredNodata ?? 0;
      if (fill !== 0) arr.fill(fill);
      return { bytes: new Uint8Array(arr.buffer), fpPlanes: false };
    }
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset + count > this.dir.fileSize) {
      throw new RusleError('TRUNCATED', `${this.path}: block ${index} lies beyond the end of the file (offset ${offset} + ${count} bytes > ${this.dir.fileSize}); the file is truncated`, { path: this.path });
    }
    return decodeBlock(L, await this.readRaw(index, offset, count), rows, this.path, index, true);
  }

  /** The stored bytes of block `index`. */
  private async readRaw(index: number, offset: number, count: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset + count > this.dir.fileSize) {
      throw new RusleError('TRUNCATED', `${this.path}: block ${index} lies beyond the end of the file (offset ${offset} + ${count} bytes > ${this.dir.fileSize}); the file is truncated`, { path: this.path });
    }
    const raw = new Uint8Array(count);
    let done = 0;
    while (done < count) {
      const { bytesRead } = await this.fh.read(raw, done, count - done, offset + done);
      if (bytesRead === 0) throw new RusleError('TRUNCATED', `${this.path}: unexpected end of file in block ${index}`, { path: this.path });
      done += bytesRead;
    }
    return raw;
  }

  /** Throws `MULTI_BAND` when the file has several bands and none was chosen. */
  private requireBand(): void {
    if (this.bandChosen) return;
    throw new RusleError(
      'MULTI_BAND',
      `${this.path}: the file has ${this.bandCount} bands; choose the one to read with band: N (--band N on the command line, "band" in a pipeline input), 1..${this.bandCount}`,
      { path: this.path, bands: this.bandCount },
    );
  }

  async read(win: Window, into?: TypedArray): Promise<Raster> {
    if (this.closed) throw new RusleError('IO_ERROR', `${this.path}: read after close()`, { path: this.path });
    this.requireBand();
    this.grid.checkWindow(win);
    const n = win.width * win.height;
    if (into !== undefined && (sampleTypeOf(into) !== this.sampleType || into.length < n)) {
      throw new RusleError('BAD_ARGUMENT', `${this.path}: read: out must hold at least ${n} ${this.sampleType} values, got ${into.length} ${sampleTypeOf(into)}`, { path: this.path });
    }
    try {
      return await this.readUnchecked(win, into === undefined ? undefined : into.length === n ? into : into.subarray(0, n));
    } catch (e) {
      throw mapError(e, this.path);
    }
  }

  private async readUnchecked(win: Window, into: TypedArray | undefined): Promise<Raster> {
    const T = arrayTypeOf(this.sampleType);
    const n = win.width * win.height;
    // Shared memory from the start: worker threads (the combine's pool) then read the caller's raster in place.
    const out = into ?? (new T(new SharedArrayBuffer(n * T.BYTES_PER_ELEMENT), 0, n) as TypedArray);
    const direct = this.direct(out);
    const bw = this.blockWidth;
    const bh = this.blockHeight;
    const bx0 = Math.floor(win.x / bw);
    const bx1 = Math.floor((win.x + win.width - 1) / bw);
    const by0 = Math.floor(win.y / bh);
    const by1 = Math.floor((win.y + win.height - 1) / bh);
    const jobs: Array<[number, number]> = [];
    for (let by = by0; by <= by1; by++) for (let bx = bx0; bx <= bx1; bx++) jobs.push([bx, by]);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const [bx, by] = jobs[next++]!;
        if (direct) await this.decodeInto(bx, by, win, out);
        else this.copyBlock(await this.loadBlock(bx, by), bx, by, win, out);
      }
    };
    const runnerCount = Math.min(this.concurrency, jobs.length);
    const runners: Promise<void>[] = [];
    for (let i = 0; i < runnerCount; i++) runners.push(worker());
    await Promise.all(runners);
    if (this.declaredNodata !== null && (out instanceof Float32Array || out instanceof Float64Array) && !Number.isNaN(this.declaredNodata)) {
      replaceWithNaN(out, this.declaredNodata);
    }
    return new Raster(this.grid.window(win), out, this.nodata);
  }

  /** The grid cells `[x0, x1) × [y0, y1)` of block `(bx, by)` that fall in `win`. */
  private overlap(bx: number, by: number, win: Window): { x0: number; x1: number; y0: number; y1: number } {
    const blockX = bx * this.blockWidth;
    const blockY = by * this.blockHeight;
    return {
      x0: Math.max(win.x, blockX),
      x1: Math.min(win.x + win.width, blockX + this.blockWidth, this.grid.width),
      y0: Math.max(win.y, blockY),
      y1: Math.min(win.y + win.height, blockY + this.blockHeight, this.grid.height),
    };
  }

  private copyBlock(block: DecodedBlock, bx: number, by: number, win: Window, out: TypedArray): void {
    const { x0, x1, y0, y1 } = this.overlap(bx, by, win);
    const bps = arrayTypeOf(this.sampleType).BYTES_PER_ELEMENT;
    placeBlock(block.bytes, block.fpPlanes, bps, this.blockWidth, this.layout.samplesInBlock, this.bandSample, bx * this.blockWidth, by * this.blockHeight, win.x, win.y, win.width, x0, x1, y0, y1, out);
  }

  /**
   * True when block `(bx, by)` can be decoded by a codec worker straight into `out`: Deflate with a predictor we
   * undo, a block large enough to be worth the hand-over, `out` on shared memory, and no block cache to fill.
   */
  private direct(out: TypedArray): boolean {
    const L = this.layout;
    return (
      this.cacheLimit === 0 &&
      out.buffer instanceof SharedArrayBuffer &&
      (L.compression === 8 || L.compression === 32946) &&
      L.predictor >= 1 &&
      L.predictor <= 3 &&
      L.blockWidth * L.blockHeight * L.samplesInBlock * L.bytesPerSample >= CODEC_DEFAULTS.minWorkerBytes
    );
  }

  /** Reads block `(bx, by)` and has a codec worker inflate it, undo its predictor and place its cells in `out`. */
  private async decodeInto(bx: number, by: number, win: Window, out: TypedArray): Promise<void> {
    const key = by * this.blocksAcross + bx;
    const index = this.bandBlockBase + key;
    const offset = this.offsets[index]!;
    const count = this.counts[index]!;
    if (count === 0 || offset === 0) {
      this.copyBlock(await this.loadBlock(bx, by), bx, by, win, out);
      return;
    }
    const raw = await this.readRaw(index, offset, count);
    const L = this.layout;
    const rows = this.dir.tags.has(TAG.TileOffsets) || this.dir.tags.has(TAG.TileWidth) ? this.blockHeight : this.rowsOfBlock(by);
    const rowSamples = L.blockWidth * L.samplesInBlock;
    const { x0, x1, y0, y1 } = this.overlap(bx, by, win);
    try {
      await inflateBlockInto(
        raw,
        { expected: rows * rowSamples * L.bytesPerSample, rows, predictor: L.predictor, bps: L.bytesPerSample, rowSamples, spp: L.samplesInBlock, swap: !L.littleEndian && L.bytesPerSample > 1 },
        out,
        [this.blockWidth, this.bandSample, bx * this.blockWidth, by * this.blockHeight, win.x, win.y, win.width, x0, x1, y0, y1],
      );
    } catch (e) {
      if (e instanceof RusleError) throw e;
      throw corrupt(this.path, index, e instanceof Error ? e.message : String(e));
    }
  }

  async *blocks(options: BlockOptions = {}): AsyncIterable<RasterBlock> {
    this.requireBand();
    const g = this.grid;
    const o = options as TileOptions & { rowsPerBlock?: number };
    if (o.tileWidth !== undefined || o.tileHeight !== undefined || o.halo !== undefined) {
      for (const tile of tiles(g, o)) {
        yield { window: tile.padded, raster: await this.read(tile.padded), tile };
      }
      return;
    }
    let rows = o.rowsPerBlock;
    if (rows === undefined) {
      rows = this.blockHeight * Math.max(1, Math.ceil((1 << 20) / (g.width * this.blockHeight)));
    }
    if (!Number.isInteger(rows) || rows <= 0) {
      throw new RusleError('BAD_ARGUMENT', `blocks: rowsPerBlock must be a positive integer, got ${rows}`);
    }
    const windowAt = (y: number): Window => ({ x: 0, y, width: g.width, height: Math.min(rows!, g.height - y) });
    let pending: Promise<Raster> | undefined = this.read(windowAt(0));
    for (let y = 0; y < g.height; y += rows) {
      const win = windowAt(y);
      const current: Promise<Raster> = pending!;
      pending = y + rows < g.height ? this.read(windowAt(y + rows)) : undefined;
      // Keep a rejected prefetch from becoming an unhandled rejection if the consumer stops early.
      pending?.catch(() => undefined);
      yield { window: win, raster: await current };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await this.fh.close();
  }
}

function replaceWithNaN(a: Float32Array | Float64Array, declared: number): void {
  const v = a instanceof Float32Array ? Math.fround(declared) : declared;
  const n = a.length;
  for (let i = 0; i < n; i++) if (a[i] === v) a[i] = NaN;
}

/**
 * Opens a GeoTIFF for windowed reading without loading it: parses its header, grid, CRS and nodata.
 *
 * @param path - file path.
 * @param options - band, missing-georeference policy, cache size, concurrency.
 * @returns a {@link RasterSource}; call `close()` when done.
 * @throws RusleError `IO_ERROR` (missing or unreadable file), `NOT_A_TIFF`, `TRUNCATED`, `UNSUPPORTED_TIFF`,
 * `NO_GEOREFERENCE`, `BAD_ARGUMENT` (band out of range).
 *
 * @example
 * ```ts
 * const src = await openRaster('data/willamette/dem_30m.tif');
 * for await (const { window, raster } of src.blocks({ rowsPerBlock: 256 })) {
 *   console.log(window.y, raster.validCount());
 * }
 * await src.close();
 * ```
 */
export async function openRaster(path: string, options: OpenRasterOptions = {}): Promise<RasterSource> {
  refuseUrl(path);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const err = e as { code?: string; message?: string };
    throw new RusleError('IO_ERROR', `cannot open ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message ?? String(e)}`, { path, errno: err.code }, { cause: e });
  }
  try {
    const dir = await parseTiff(fh, path);
    return new TiffRasterSource(path, fh, dir, options);
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw mapError(e, path);
  }
}

/**
 * Reads a GeoTIFF (or a window of it) into memory.
 *
 * Float rasters hold NaN where the file has its declared nodata (GDAL_NODATA); integer rasters carry the declared
 * value as `nodata`. The grid's transform follows GDAL (PixelIsPoint files are shifted by half a cell).
 *
 * @param path - file path.
 * @param options - `window` (cells), `band` (1-based), `allowMissingGeoreference`.
 * @returns the raster.
 * @throws RusleError `IO_ERROR`, `NOT_A_TIFF`, `TRUNCATED`, `UNSUPPORTED_TIFF`, `NO_GEOREFERENCE`,
 * `WINDOW_OUT_OF_BOUNDS`.
 *
 * @example
 * ```ts
 * const dem = await readRaster('data/willamette/dem_30m.tif');
 * console.log(dem.width, dem.height, dem.grid.cellSizeMeters().dx);
 * ```
 */
export async function readRaster(path: string, options: ReadRasterOptions = {}): Promise<Raster> {
  const src = await openRaster(path, { cacheBytes: 0, ...options });
  try {
    return await src.read(options.window ?? src.grid.fullWindow());
  } finally {
    await src.close();
  }
}
