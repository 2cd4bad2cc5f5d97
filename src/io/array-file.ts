/**
 * A compact binary container for named typed arrays and a small JSON header: the format of the intermediate files
 * of tiled jobs (perimeter summaries, spill tables, tile values).
 *
 * Layout (little-endian): the magic `RSLA`, a uint32 format version (1), a uint32 header length in bytes, the header
 * (UTF-8 JSON, padded with spaces to a multiple of 8 bytes), then each array's bytes at an 8-byte-aligned offset.
 * The header is `{ meta, arrays: [{ name, type, length, offset }] }`, offsets counted from the start of the file.
 * Values are stored as the machine writes them (little-endian on every platform Node runs on); the decoder refuses a
 * big-endian host instead of misreading.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { arrayTypeOf, type SampleType, sampleTypeOf, type TypedArray } from '../raster/raster.js';

/** Named typed arrays plus JSON metadata: what {@link encodeArrays} writes and {@link decodeArrays} returns. */
export interface ArrayRecord {
  /** Small JSON-serialisable metadata. */
  readonly meta: Record<string, unknown>;
  /** The arrays by name. */
  readonly arrays: Record<string, TypedArray>;
}

const MAGIC = 0x414c5352; // 'RSLA' read as a little-endian uint32
const VERSION = 1;

/** Encodes named typed arrays and metadata into one buffer (see the module header for the layout). */
export function encodeArrays(record: ArrayRecord): Uint8Array {
  const names = Object.keys(record.arrays);
  const entries: { name: string; type: SampleType; length: number; offset: number }[] = [];
  // The header's length depends on the offsets it lists; lay out with a provisional header, then fix it.
  let headerBytes = 0;
  let text = '';
  for (let pass = 0; pass < 4; pass++) {
    entries.length = 0;
    let offset = 12 + headerBytes;
    for (const name of names) {
      const a = record.arrays[name]!;
      offset = (offset + 7) & ~7;
      entries.push({ name, type: sampleTypeOf(a), length: a.length, offset });
      offset += a.byteLength;
    }
    text = JSON.stringify({ meta: record.meta, arrays: entries });
    const len = Buffer.byteLength(text, 'utf8');
    const padded = (12 + len + 7) & ~7;
    if (padded - 12 === headerBytes) break;
    headerBytes = padded - 12;
  }
  const last = entries[entries.length - 1];
  const total = last ? last.offset + record.arrays[last.name]!.byteLength : 12 + headerBytes;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, headerBytes, true);
  out.fill(0x20, 12, 12 + headerBytes);
  Buffer.from(out.buffer, 12, headerBytes).write(text, 'utf8');
  for (const e of entries) {
    const a = record.arrays[e.name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), e.offset);
  }
  return out;
}

/**
 * Decodes a buffer written by {@link encodeArrays}. Arrays are copies (aligned, independent of `bytes`).
 * @throws RusleError `TRUNCATED` for a short buffer, `BAD_VALUE` for another format or version.
 */
export function decodeArrays(bytes: Uint8Array, what = 'array file'): ArrayRecord {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new RusleError('INTERNAL', 'decodeArrays: big-endian hosts are not supported');
  if (bytes.length < 12) throw new RusleError('TRUNCATED', `${what}: ${bytes.length} bytes is shorter than the 12-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new RusleError('BAD_VALUE', `${what}: not a rusle array file (magic RSLA missing)`);
  if (dv.getUint32(4, true) !== VERSION) throw new RusleError('BAD_VALUE', `${what}: format version ${dv.getUint32(4, true)}, expected ${VERSION}`);
  const hl = dv.getUint32(8, true);
  if (12 + hl > bytes.length) throw new RusleError('TRUNCATED', `${what}: header of ${hl} bytes runs past the end (${bytes.length} bytes)`);
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 12, hl).toString('utf8')) as {
    meta: Record<string, unknown>;
    arrays: { name: string; type: SampleType; length: number; offset: number }[];
  };
  const arrays: Record<string, TypedArray> = {};
  for (const e of header.arrays) {
    const Ctor = arrayTypeOf(e.type);
    const nbytes = e.length * Ctor.BYTES_PER_ELEMENT;
    if (e.offset + nbytes > bytes.length) throw new RusleError('TRUNCATED', `${what}: array '${e.name}' runs past the end`);
    const copy = new Uint8Array(nbytes);
    copy.set(bytes.subarray(e.offset, e.offset + nbytes));
    arrays[e.name] = new Ctor(copy.buffer, 0, e.length);
  }
  return { meta: header.meta, arrays };
}
