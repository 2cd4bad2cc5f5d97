/**
 * TIFF and BigTIFF container parsing: the header and the first image file directory (IFD), read through a file
 * handle with every offset and count checked against the file size.
 *
 * Why our own parser rather than geotiff.js's `fromFile`: geotiff.js 3.0.5 reads tag arrays lazily through a
 * block cache, can hang or throw `TypeError`/`RangeError` from deep inside on corrupt bytes, and its `readRasters`
 * copies every sample through a `DataView`. Here every read is bounded (the file size is known, every count times
 * its type size is checked before it is read), every failure is a {@link RusleError} with a code, and the tile
 * offsets are plain numbers that the fast block decoder (`decode.ts`) uses directly. geotiff.js still provides
 * the decoders of the rarer compressions (LZW, ZSTD, LERC, JPEG).
 *
 * Reference: Adobe, "TIFF Revision 6.0" (1992); "BigTIFF" file format proposal (Aware Systems, 2007).
 * Only the first IFD is read: it is the full-resolution image of a COG or of a multi-page file.
 * Complexity: O(number of tags + total tag array length).
 *
 * @module
 */

import type { FileHandle } from 'node:fs/promises';
import { RusleError } from '../raster/errors.js';

/** TIFF tag numbers used by the reader and the writer. */
export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  ColorMap: 320,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  JPEGTables: 347,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalMetadata: 42112,
  GdalNodata: 42113,
  LercParameters: 50674,
} as const;

/** TIFF field types. */
export const FIELD = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  SBYTE: 6,
  UNDEFINED: 7,
  SSHORT: 8,
  SLONG: 9,
  SRATIONAL: 10,
  FLOAT: 11,
  DOUBLE: 12,
  IFD: 13,
  LONG8: 16,
  SLONG8: 17,
  IFD8: 18,
} as const;

/** Size in bytes of one value of each field type. */
export const FIELD_SIZE: Readonly<Record<number, number>> = {
  1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8,
};

/** The value of one tag: numbers (any numeric type) or a string (ASCII). */
export type TagValue = number[] | string;

/** The first image file directory of a TIFF, parsed. */
export interface TiffDirectory {
  /** True for little-endian ("II") files. */
  readonly littleEndian: boolean;
  /** True for BigTIFF (magic 43). */
  readonly bigTiff: boolean;
  /** File size, bytes. */
  readonly fileSize: number;
  /** Tag number → value. */
  readonly tags: ReadonlyMap<number, TagValue>;
}

/** Largest tag payload we agree to load (bytes): far above any real tile index, far below memory trouble. */
const MAX_TAG_BYTES = 1 << 28;
/** Largest number of IFD entries we agree to parse. */
const MAX_ENTRIES = 4096;

function truncated(path: string, what: string): RusleError {
  return new RusleError('TRUNCATED', `${path}: the file ends before ${what}; the TIFF is truncated or corrupt`, { path });
}

async function readExact(fh: FileHandle, path: string, position: number, length: number, fileSize: number, what: string): Promise<Buffer> {
  if (!(position >= 0) || !Number.isSafeInteger(position) || position + length > fileSize) throw truncated(path, what);
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw truncated(path, what);
    done += bytesRead;
  }
  return buf;
}

function readUint64(view: DataView, offset: number, le: boolean): number {
  const lo = view.getUint32(offset + (le ? 0 : 4), le);
  const hi = view.getUint32(offset + (le ? 4 : 0), le);
  return hi * 4294967296 + lo;
}

function readInt64(view: DataView, offset: number, le: boolean): number {
  const lo = view.getUint32(offset + (le ? 0 : 4), le);
  const hi = view.getInt32(offset + (le ? 4 : 0), le);
  return hi * 4294967296 + lo;
}

function decodeValues(buf: Buffer, type: number, count: number, le: boolean): TagValue {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (type === FIELD.ASCII) {
    let end = buf.indexOf(0);
    if (end < 0 || end > count) end = count;
    return buf.toString('latin1', 0, end);
  }
  const out = new Array<number>(count);
  switch (type) {
    case FIELD.BYTE: case FIELD.UNDEFINED:
      for (let i = 0; i < count; i++) out[i] = buf[i]!;
      break;
    case FIELD.SBYTE:
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case FIELD.SHORT:
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, le);
      break;
    case FIELD.SSHORT:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, le);
      break;
    case FIELD.LONG: case FIELD.IFD:
      for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, le);
      break;
    case FIELD.SLONG:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, le);
      break;
    case FIELD.RATIONAL:
      for (let i = 0; i < count; i++) out[i] = view.getUint32(8 * i, le) / view.getUint32(8 * i + 4, le);
      break;
    case FIELD.SRATIONAL:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(8 * i, le) / view.getInt32(8 * i + 4, le);
      break;
    case FIELD.FLOAT:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, le);
      break;
    case FIELD.DOUBLE:
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, le);
      break;
    case FIELD.LONG8: case FIELD.IFD8:
      for (let i = 0; i < count; i++) out[i] = readUint64(view, 8 * i, le);
      break;
    case FIELD.SLONG8:
      for (let i = 0; i < count; i++) out[i] = readInt64(view, 8 * i, le);
      break;
    default:
      return [];
  }
  return out;
}

/**
 * Parses the header and the first IFD of the TIFF open in `fh`.
 *
 * @throws RusleError `NOT_A_TIFF` (bad magic), `TRUNCATED` (an offset or count beyond the end of the file),
 * `UNSUPPORTED_TIFF` (an absurd number of entries or a tag array larger than 256 MiB).
 */
export async function parseTiff(fh: FileHandle, path: string): Promise<TiffDirectory> {
  const fileSize = (await fh.stat()).size;
  if (fileSize < 8) {
    throw new RusleError('NOT_A_TIFF', `${path}: ${fileSize} bytes is too short to be a TIFF (expected a header "II*\\0" or "MM\\0*")`, { path });
  }
  const head = await readExact(fh, path, 0, Math.min(16, fileSize), fileSize, 'the header');
  const bo = head.toString('latin1', 0, 2);
  if (bo !== 'II' && bo !== 'MM') {
    throw new RusleError('NOT_A_TIFF', `${path}: not a TIFF file (the first bytes are not "II" or "MM")`, { path });
  }
  const le = bo === 'II';
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = hv.getUint16(2, le);
  let bigTiff: boolean;
  let ifdOffset: number;
  if (magic === 42) {
    bigTiff = false;
    ifdOffset = hv.getUint32(4, le);
  } else if (magic === 43) {
    if (head.length < 16) throw truncated(path, 'the BigTIFF header');
    if (hv.getUint16(4, le) !== 8) throw new RusleError('NOT_A_TIFF', `${path}: BigTIFF header with an offset size other than 8`, { path });
    bigTiff = true;
    ifdOffset = readUint64(hv, 8, le);
  } else {
    throw new RusleError('NOT_A_TIFF', `${path}: not a TIFF file (magic number ${magic}, expected 42 or 43)`, { path });
  }
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const inlineSize = bigTiff ? 8 : 4;
  if (ifdOffset < 8) throw truncated(path, 'the first image directory (its offset is invalid)');
  const countBuf = await readExact(fh, path, ifdOffset, countSize, fileSize, 'the first image directory');
  const cv = new DataView(countBuf.buffer, countBuf.byteOffset, countBuf.byteLength);
  const n = bigTiff ? readUint64(cv, 0, le) : cv.getUint16(0, le);
  if (n === 0 || n > MAX_ENTRIES) {
    throw new RusleError('UNSUPPORTED_TIFF', `${path}: the first image directory declares ${n} entries (expected 1..${MAX_ENTRIES})`, { path });
  }
  const entries = await readExact(fh, path, ifdOffset + countSize, n * entrySize, fileSize, 'the end of the image directory');
  const ev = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  const tags = new Map<number, TagValue>();
  for (let i = 0; i < n; i++) {
    const o = i * entrySize;
    const tag = ev.getUint16(o, le);
    const type = ev.getUint16(o + 2, le);
    const size = FIELD_SIZE[type];
    if (size === undefined) continue; // unknown field types are skipped, as TIFF 6.0 asks
    const count = bigTiff ? readUint64(ev, o + 4, le) : ev.getUint32(o + 4, le);
    const bytes = count * size;
    if (bytes > MAX_TAG_BYTES) {
      throw new RusleError('UNSUPPORTED_TIFF', `${path}: tag ${tag} holds ${bytes} bytes (more than ${MAX_TAG_BYTES})`, { path });
    }
    const valueAt = o + (bigTiff ? 12 : 8);
    let data: Buffer;
    if (bytes <= inlineSize) {
      data = entries.subarray(valueAt, valueAt + bytes);
    } else {
      const off = bigTiff ? readUint64(ev, valueAt, le) : ev.getUint32(valueAt, le);
      data = await readExact(fh, path, off, bytes, fileSize, `the values of tag ${tag}`);
    }
    tags.set(tag, decodeValues(data, type, count, le));
  }
  return { littleEndian: le, bigTiff, fileSize, tags };
}

/** The numbers of a tag, or `undefined` when absent or ASCII. */
export function tagNumbers(dir: TiffDirectory, tag: number): number[] | undefined {
  const v = dir.tags.get(tag);
  return Array.isArray(v) ? v : undefined;
}

/** The first number of a tag, or `fallback`. */
export function tagNumber(dir: TiffDirectory, tag: number, fallback: number): number;
export function tagNumber(dir: TiffDirectory, tag: number): number | undefined;
export function tagNumber(dir: TiffDirectory, tag: number, fallback?: number): number | undefined {
  const v = dir.tags.get(tag);
  return Array.isArray(v) && v.length > 0 ? v[0] : fallback;
}

/** The string of an ASCII tag, or `undefined`. */
export function tagString(dir: TiffDirectory, tag: number): string | undefined {
  const v = dir.tags.get(tag);
  return typeof v === 'string' ? v : undefined;
}
