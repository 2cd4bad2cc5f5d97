/**
 * Decoding of one TIFF block (tile or strip): decompression, byte order and the horizontal (2) and
 * floating-point (3) predictors, into native-endian samples.
 *
 * Deflate goes through `node:zlib`'s asynchronous inflate, which runs on libuv's thread pool: several blocks decode
 * at once on several cores without worker threads. LZW, PackBits and the predictors are tight loops here, with
 * bounded output. ZSTD goes through zstddec (the WebAssembly decoder geotiff.js uses) with the block size as its
 * capacity. LERC and JPEG go through geotiff.js's decoders (`getDecoder(...).decodeBlock`, without its
 * predictor step).
 *
 * Predictor 3 reference: Adobe Photoshop TIFF Technical Note 3 (2005), "floating point predictor": each row holds
 * the bytes of its samples as planes, most significant byte first, byte-differenced with a stride of the number
 * of samples per pixel; libtiff `tif_predict.c` (`fpAcc`) returns them in host order whatever the file's byte order.
 * Complexity: O(block bytes).
 *
 * @module
 */

import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { ZSTDDecoder } from 'zstddec/stream';
import { RusleError } from '../raster/errors.js';
import { CODEC_DEFAULTS, inflateBlockInWorker } from './codec-pool.js';
import { finishBlock } from './predictors.js';

let zstdReady: Promise<ZSTDDecoder> | undefined;
/** The ZSTD decoder (zstddec, the WebAssembly build geotiff.js uses), loaded and initialised on first use. */
function zstdDecoder(): Promise<ZSTDDecoder> {
  if (!zstdReady) {
    zstdReady = import('zstddec/stream').then(async ({ ZSTDDecoder: Z }) => {
      const d = new Z();
      await d.init();
      return d;
    });
  }
  return zstdReady;
}

const inflateAsync = promisify(zlib.inflate) as (buf: Uint8Array, options: zlib.ZlibOptions) => Promise<Buffer>;

/** How the blocks of an image are encoded. */
export interface BlockLayout {
  /** TIFF compression code. */
  readonly compression: number;
  /** TIFF predictor (1 none, 2 horizontal, 3 floating point). */
  readonly predictor: number;
  /** Bytes per sample (1, 2, 4, 8). */
  readonly bytesPerSample: number;
  /** Samples per pixel inside one block (SamplesPerPixel for chunky, 1 for planar). */
  readonly samplesInBlock: number;
  /** Block width in pixels (image width for strips). */
  readonly blockWidth: number;
  /** Nominal block height in rows (RowsPerStrip for strips). */
  readonly blockHeight: number;
  /** File byte order. */
  readonly littleEndian: boolean;
  /** TIFF BitsPerSample values, for geotiff.js decoders. */
  readonly bitsPerSample: readonly number[];
  /** PlanarConfiguration (1 chunky, 2 planar). */
  readonly planarConfiguration: number;
  /** JPEGTables tag, for JPEG. */
  readonly jpegTables?: readonly number[];
  /** LercParameters tag, for LERC. */
  readonly lercParameters?: readonly number[];
}

/** The `TRUNCATED` error of a block that cannot be decoded. */
export function corrupt(path: string, block: number, why: string): RusleError {
  return new RusleError('TRUNCATED', `${path}: block ${block} cannot be decoded (${why}); the file is truncated or corrupt`, { path, block });
}

/** PackBits (TIFF 6.0 section 9) into exactly `expected` bytes. */
function unpackBits(src: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  const n = src.length;
  while (i < n && o < expected) {
    const h = src[i++]!;
    if (h < 128) {
      const len = h + 1;
      const end = Math.min(i + len, n);
      const take = Math.min(end - i, expected - o);
      out.set(src.subarray(i, i + take), o);
      o += take;
      i = end;
    } else if (h > 128) {
      const len = Math.min(257 - h, expected - o);
      if (i < n) out.fill(src[i]!, o, o + len);
      o += len;
      i++;
    }
  }
  if (o < expected) throw new RangeError(`PackBits data ended after ${o} of ${expected} bytes`);
  return out;
}

/**
 * TIFF LZW (TIFF 6.0 section 13: MSB-first codes of 9–12 bits, "early change", Clear 256, EOI 257) into at most
 * `expected` bytes. Fixed-size tables and a bounded output: corrupt input can neither loop nor grow memory
 * (geotiff.js's decoder grows a JS array without bound on some corrupt input and can abort the process).
 * Old-style (LSB-first, pre-1991 libtiff) LZW is refused.
 */
function unLzw(src: Uint8Array, expected: number): Uint8Array {
  if (src.length >= 2 && src[0] === 0 && (src[1]! & 1) === 1) throw new RangeError('old-style (LSB-first) LZW is not supported');
  const out = new Uint8Array(expected);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  const totalBits = src.length * 8;
  let bitPos = 0;
  let width = 9;
  let next = 258;
  let old = -1;
  let o = 0;
  while (o < expected && bitPos + width <= totalBits) {
    // read `width` bits MSB-first
    const byte = bitPos >>> 3;
    const w3 = ((src[byte]! << 16) | ((src[byte + 1] ?? 0) << 8) | (src[byte + 2] ?? 0)) >>> 0;
    const code = (w3 >>> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === 256) {
      width = 9;
      next = 258;
      old = -1;
      continue;
    }
    if (code === 257) break;
    let c: number;
    if (old === -1) {
      if (code > 255) throw new RangeError(`LZW code ${code} after a Clear code`);
      c = code;
    } else if (code < next) {
      c = code;
      if (next < 4096) {
        prefix[next] = old;
        suffix[next] = first[code]!;
        first[next] = first[old]!;
        length[next] = length[old]! + 1;
        next++;
      }
    } else if (code === next && next < 4096) {
      prefix[next] = old;
      suffix[next] = first[old]!;
      first[next] = first[old]!;
      length[next] = length[old]! + 1;
      next++;
      c = code;
    } else {
      throw new RangeError(`LZW code ${code} is not in the table (next ${next})`);
    }
    const L = length[c]!;
    let pos = o + L - 1;
    for (let k = c; k >= 0; k = prefix[k]!) {
      if (pos < expected) out[pos] = suffix[k]!;
      pos--;
    }
    o += L;
    old = code;
    if (next >= (1 << width) - 1 && width < 12) width++;
  }
  if (o < expected) throw new RangeError(`LZW data ended after ${Math.min(o, expected)} of ${expected} bytes`);
  return out;
}

/** A decoded block: native-endian samples, or (`fpPlanes`) the accumulated byte planes of predictor 3. */
export interface DecodedBlock {
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** True when `bytes` holds predictor-3 byte planes per row, to be composed with {@link composeFloatPlanes}. */
  readonly fpPlanes: boolean;
}

/**
 * Decodes one block's bytes into native-endian samples: `rows × blockWidth × samplesInBlock` samples of
 * `bytesPerSample` bytes, as a byte array aligned for a typed-array view; with `planesOk` and predictor 3 on a
 * single-sample float layout, the accumulated byte planes instead (one pass less).
 *
 * @throws RusleError `TRUNCATED` when the data cannot be decompressed or is shorter than the block;
 * `UNSUPPORTED_TIFF` for a compression or predictor that cannot be decoded.
 */
export async function decodeBlock(layout: BlockLayout, raw: Uint8Array, rows: number, path: string, index: number, planesOk = false): Promise<DecodedBlock> {
  const bps = layout.bytesPerSample;
  const rowSamples = layout.blockWidth * layout.samplesInBlock;
  const expected = rows * rowSamples * bps;
  let bytes: Uint8Array;
  let predictorApplies = true;
  const c = layout.compression;
  try {
    if (c === 1) {
      bytes = raw;
    } else if ((c === 8 || c === 32946) && expected >= CODEC_DEFAULTS.minWorkerBytes && (layout.predictor >= 1 && layout.predictor <= 3)) {
      // Inflate and predictor in a codec worker: the calling thread only copies the samples out.
      const swap = !layout.littleEndian && bps > 1;
      const out = await inflateBlockInWorker(raw, { expected, rows, predictor: layout.predictor, bps, rowSamples, spp: layout.samplesInBlock, swap });
      return { bytes: out, fpPlanes: false };
    } else if (c === 8 || c === 32946) {
      bytes = await inflateAsync(raw, {
        maxOutputLength: Math.max(expected, 1) + 4096,
        // one output chunk of the block's size: no concatenation of 16 KiB pieces
        chunkSize: Math.max(64, Math.min(expected + 64, 1 << 30)),
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
    } else if (c === 32773) {
      bytes = unpackBits(raw, expected);
    } else if (c === 5) {
      bytes = unLzw(raw, expected);
    } else if (c === 50000) {
      // Called with the block size as capacity: a corrupt frame header cannot make it allocate more.
      bytes = (await zstdDecoder()).decode(raw, Math.max(expected, 1));
      if (bytes.length !== expected) throw new RangeError(`ZSTD data decoded to ${bytes.length} of ${expected} bytes`);
    } else if (c === 34887 || c === 7) {
      const { getDecoder } = await import('geotiff'); // loaded only for LERC and JPEG files
      const decoder = await getDecoder(c, {
        tileWidth: layout.blockWidth,
        tileHeight: layout.blockHeight,
        predictor: 1,
        bitsPerSample: [...layout.bitsPerSample],
        planarConfiguration: layout.planarConfiguration,
        ...(c === 7 ? { JPEGTables: layout.jpegTables ? new Uint8Array(layout.jpegTables) : undefined } : {}),
        ...(c === 34887 ? { LercParameters: layout.lercParameters ? [...layout.lercParameters] : undefined } : {}),
      } as never);
      const copy = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw.buffer : raw.slice().buffer;
      const out = await decoder.decodeBlock(copy as ArrayBuffer);
      bytes = new Uint8Array(out as ArrayBuffer);
      if (c === 34887) predictorApplies = false;
    } else {
      throw new RusleError('UNSUPPORTED_TIFF', `${path}: compression ${c} is not supported (supported: none, Deflate, LZW, PackBits, ZSTD, LERC, JPEG)`, { path });
    }
  } catch (e) {
    if (e instanceof RusleError) throw e;
    throw corrupt(path, index, e instanceof Error ? e.message : String(e));
  }
  const p = predictorApplies ? layout.predictor : 1;
  if (p !== 1 && p !== 2 && p !== 3) throw new RusleError('UNSUPPORTED_TIFF', `${path}: predictor ${p} is not supported (expected 1, 2 or 3)`, { path });
  try {
    return finishBlock(bytes, expected, rows, p, bps, rowSamples, layout.samplesInBlock, !layout.littleEndian && c !== 34887, planesOk);
  } catch (e) {
    throw corrupt(path, index, e instanceof Error ? e.message : String(e));
  }
}

