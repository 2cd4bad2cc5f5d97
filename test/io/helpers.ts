// Shared helpers of the io tests: GDAL detection, temp dirs, raw ENVI dumps, tiny hand-made TIFFs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrayTypeOf, type SampleType, type TypedArray } from '../../src/index.js';

/** True when the tool is on the PATH; under CI=true a missing tool fails the file (test/tools.ts). */
export { hasTool as has } from '../tools.js';

/** Runs a command, returns stdout; throws with stderr on failure. */
export function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { stdio: 'pipe', encoding: 'utf8', env: { ...process.env, GDAL_PAM_ENABLED: 'NO' } });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = 'rusle-io-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const GDAL_TYPES: Record<string, SampleType> = {
  Byte: 'Byte', Int8: 'Int8', UInt16: 'UInt16', Int16: 'Int16', UInt32: 'UInt32', Int32: 'Int32', Float32: 'Float32', Float64: 'Float64',
};

/** Band 1 (or `band`) of `file` as GDAL reads it: dumped with `gdal_translate -of ENVI` and loaded raw. */
export function gdalValues(file: string, dir: string, band = 1): { data: TypedArray; type: SampleType } {
  const info = JSON.parse(run('gdalinfo', ['-json', file])) as { bands: { type: string }[] };
  const type = GDAL_TYPES[info.bands[band - 1]!.type]!;
  const out = join(dir, `envi-${Math.random().toString(36).slice(2)}.img`);
  run('gdal_translate', ['-q', '-of', 'ENVI', '-b', String(band), file, out]);
  const bytes = readFileSync(out);
  const T = arrayTypeOf(type);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return { data: new T(copy.buffer, 0, copy.byteLength / T.BYTES_PER_ELEMENT) as TypedArray, type };
}

/** `gdalinfo -json` of a file. */
export function gdalInfo(file: string): GdalInfo {
  return JSON.parse(run('gdalinfo', ['-json', file])) as GdalInfo;
}

/** The parts of `gdalinfo -json` the tests look at. */
export interface GdalInfo {
  size: [number, number];
  geoTransform: number[];
  coordinateSystem?: { wkt: string };
  stac?: { 'proj:epsg'?: number | null };
  bands: { type: string; noDataValue?: number | string; block: [number, number] }[];
  metadata?: Record<string, Record<string, string>>;
}

/** Bytes of a typed array (for bit-identical comparisons that see NaN payloads). */
export function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Index of the first differing byte, or -1. */
export function firstDifference(a: TypedArray, b: TypedArray): number {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Entry of a hand-made TIFF: tag, type (3 SHORT, 4 LONG, 12 DOUBLE, 2 ASCII), values. */
export interface TagSpec {
  tag: number;
  type: 2 | 3 | 4 | 12;
  values: number[] | string;
}

/**
 * A little-endian classic TIFF with one IFD holding `tags` and one strip of `pixels` (StripOffsets and
 * StripByteCounts are added). Used to make layouts that our writer and GDAL do not produce.
 */
export function handMadeTiff(tags: TagSpec[], pixels: Uint8Array): Uint8Array {
  const all: TagSpec[] = [...tags, { tag: 273, type: 4, values: [0] }, { tag: 279, type: 4, values: [pixels.length] }];
  all.sort((a, b) => a.tag - b.tag);
  const size = (t: TagSpec): number => (typeof t.values === 'string' ? t.values.length + 1 : t.values.length * (t.type === 3 ? 2 : t.type === 4 ? 4 : 8));
  const ifdLen = 2 + all.length * 12 + 4;
  let extra = 0;
  for (const t of all) if (size(t) > 4) extra += size(t) + (size(t) & 1);
  const dataAt = 8 + ifdLen + extra;
  const buf = Buffer.alloc(dataAt + pixels.length);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  buf.writeUInt16LE(all.length, 8);
  let ex = 8 + ifdLen;
  all.forEach((t, i) => {
    if (t.tag === 273) t.values = [dataAt];
    const o = 10 + i * 12;
    buf.writeUInt16LE(t.tag, o);
    buf.writeUInt16LE(t.type, o + 2);
    buf.writeUInt32LE(typeof t.values === 'string' ? t.values.length + 1 : t.values.length, o + 4);
    const payload = Buffer.alloc(size(t));
    if (typeof t.values === 'string') payload.write(t.values, 0, 'latin1');
    else t.values.forEach((v, k) => {
      if (t.type === 3) payload.writeUInt16LE(v, 2 * k);
      else if (t.type === 4) payload.writeUInt32LE(v, 4 * k);
      else payload.writeDoubleLE(v, 8 * k);
    });
    if (payload.length <= 4) payload.copy(buf, o + 8);
    else {
      buf.writeUInt32LE(ex, o + 8);
      payload.copy(buf, ex);
      ex += payload.length + (payload.length & 1);
    }
  });
  buf.set(pixels, dataAt);
  return new Uint8Array(buf);
}

/** The georeference tags of a north-up 1-unit grid at (0, 10) in EPSG:32650, for hand-made TIFFs. */
export const GEO_TAGS: TagSpec[] = [
  { tag: 33550, type: 12, values: [1, 1, 0] },
  { tag: 33922, type: 12, values: [0, 0, 0, 500000, 3000000, 0] },
  { tag: 34735, type: 3, values: [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32650] },
];
