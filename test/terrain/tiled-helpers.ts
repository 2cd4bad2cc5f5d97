/** Random DEMs for the tiled = whole properties: ties, big integer flats, nodata holes and margins, bowls. */
import fc from 'fast-check';
import { Grid, Raster, geographicCrs, projectedCrs } from '../../src/raster/index.js';

export interface DemCase {
  readonly w: number;
  readonly h: number;
  readonly kind: 'f32' | 'f64' | 'i16';
  readonly values: number[];
  readonly geographic: boolean;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/** A DEM case: a bowl or terraces plus noise quantised to few levels (big flats), nodata holes and margins. */
export function demCase(maxSide = 36): fc.Arbitrary<DemCase> {
  return fc
    .record({
      w: fc.integer({ min: 1, max: maxSide }),
      h: fc.integer({ min: 1, max: maxSide }),
      kind: fc.constantFrom('f32', 'f64', 'i16') as fc.Arbitrary<'f32' | 'f64' | 'i16'>,
      levels: fc.integer({ min: 2, max: 12 }),
      shape: fc.constantFrom('noise', 'bowl', 'terraces', 'channel'),
      holes: fc.integer({ min: 0, max: 6 }),
      margin: fc.boolean(),
      geographic: fc.boolean(),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      tw: fc.integer({ min: 1, max: maxSide }),
      th: fc.integer({ min: 1, max: maxSide }),
      strip: fc.constantFrom('none', 'rows', 'cols'),
    })
    .map((p) => {
      let s = p.seed >>> 0;
      const rnd = (): number => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const { w, h } = p;
      const values: number[] = [];
      const cx = (w - 1) / 2;
      const cy = (h - 1) / 2;
      for (let r = 0; r < h; r++) {
        for (let c = 0; c < w; c++) {
          const d = Math.hypot(c - cx, r - cy) / Math.max(1, Math.hypot(cx, cy));
          let v: number;
          if (p.shape === 'bowl') v = 0.6 * p.levels * (1 - d) * (d < 0.8 ? -1 : 1) + rnd() * 2;
          else if (p.shape === 'terraces') v = Math.floor((r / Math.max(1, h)) * 3) * 2 + rnd() * 1.2;
          else if (p.shape === 'channel') v = Math.abs(c - cx) * 0.3 + rnd() * 2 - (Math.abs(c - cx) < 2 ? 3 : 0);
          else v = rnd() * p.levels;
          const q = Math.round(v) + (p.kind === 'i16' ? 0 : 0.5 * (rnd() < 0.1 ? 1 : 0));
          values.push(q === 0 && rnd() < 0.5 ? -0 : q); // both signed zeros
        }
      }
      const nodata = NaN;
      for (let k = 0; k < p.holes; k++) {
        const r0 = Math.floor(rnd() * h);
        const c0 = Math.floor(rnd() * w);
        const sz = 1 + Math.floor(rnd() * 3);
        for (let r = r0; r < Math.min(h, r0 + sz); r++) for (let c = c0; c < Math.min(w, c0 + sz); c++) values[r * w + c] = nodata;
      }
      if (p.margin) {
        for (let r = 0; r < h; r++) {
          const m = Math.floor(rnd() * Math.min(4, w));
          for (let c = 0; c < m; c++) values[r * w + c] = nodata;
        }
      }
      const tileWidth = p.strip === 'cols' ? 1 : p.tw;
      const tileHeight = p.strip === 'rows' ? 1 : p.th;
      return { w, h, kind: p.kind, values, geographic: p.geographic, tileWidth: p.strip === 'rows' ? w : tileWidth, tileHeight: p.strip === 'cols' ? h : tileHeight };
    });
}

/** The raster of a case: Float32, Float64, or Int16 with nodata −32768. */
export function demRaster(d: DemCase): Raster {
  const crs = d.geographic ? geographicCrs({ epsg: 4326 }) : projectedCrs({ epsg: 32650 });
  const grid = d.geographic
    ? new Grid(d.w, d.h, [114, 0.0001, 0, 28, 0, -0.0001], crs)
    : new Grid(d.w, d.h, [0, 10, 0, d.h * 10, 0, -10], crs);
  if (d.kind === 'i16') return new Raster(grid, Int16Array.from(d.values, (v) => (Number.isNaN(v) ? -32768 : v)), -32768);
  return new Raster(grid, d.kind === 'f32' ? Float32Array.from(d.values) : Float64Array.from(d.values));
}

/** Byte-for-byte equality of two typed arrays (NaN payloads included). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength || a.constructor !== b.constructor) return false;
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
