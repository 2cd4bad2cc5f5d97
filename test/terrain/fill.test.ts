import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, projectedCrs, geographicCrs } from '../../src/raster/index.js';
import { fillDepressions, fillDepressionsWithStats } from '../../src/terrain/index.js';

const crs = projectedCrs({ epsg: 32650 });
const SEED = 20261128;

function raster(w: number, h: number, values: ArrayLike<number>, type: 'f32' | 'f64' = 'f32'): Raster {
  const grid = new Grid(w, h, [0, 10, 0, h * 10, 0, -10], crs);
  return new Raster(grid, type === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

/** Reference by definition: W = max(z, min over neighbours W) iterated to a fixed point; seeds keep z. */
function referenceFill(z: ArrayLike<number>, w: number, h: number): Float64Array {
  const n = w * h;
  const W = new Float64Array(n);
  const seed = new Uint8Array(n);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    const i = r * w + c;
    const v = z[i]!;
    if (Number.isNaN(v)) { W[i] = NaN; continue; }
    let s = r === 0 || c === 0 || r === h - 1 || c === w - 1;
    for (let dr = -1; dr <= 1 && !s; dr++) for (let dc = -1; dc <= 1; dc++) {
      if (Number.isNaN(z[(r + dr) * w + c + dc]!)) s = true;
    }
    seed[i] = s ? 1 : 0;
    W[i] = s ? v : Infinity;
  }
  for (let changed = true; changed;) {
    changed = false;
    for (let r = 1; r < h - 1; r++) for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      if (seed[i] || Number.isNaN(W[i]!)) continue;
      let m = Infinity;
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
        if (dr || dc) m = Math.min(m, W[(r + dr) * w + c + dc]!);
      }
      const v = Math.max(z[i]!, m);
      if (v < W[i]!) { W[i] = v; changed = true; }
    }
  }
  return W;
}

/** True when every valid cell reaches a seed along a non-increasing path (BFS uphill from the seeds). */
function drainsEverywhere(z: ArrayLike<number>, w: number, h: number, strict = false): boolean {
  const n = w * h;
  const seen = new Uint8Array(n);
  const q: number[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    const i = r * w + c;
    if (Number.isNaN(z[i]!)) continue;
    let s = r === 0 || c === 0 || r === h - 1 || c === w - 1;
    for (let dr = -1; dr <= 1 && !s; dr++) for (let dc = -1; dc <= 1; dc++) if (Number.isNaN(z[(r + dr) * w + c + dc]!)) s = true;
    if (s) { seen[i] = 1; q.push(i); }
  }
  while (q.length) {
    const i = q.pop()!;
    const r = Math.floor(i / w), c = i % w;
    for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
      const rr = r + dr, cc = c + dc;
      if (rr < 0 || cc < 0 || rr >= h || cc >= w) continue;
      const j = rr * w + cc;
      if (seen[j] || Number.isNaN(z[j]!)) continue;
      if (strict ? z[j]! > z[i]! : z[j]! >= z[i]!) { seen[j] = 1; q.push(j); }
    }
  }
  for (let i = 0; i < n; i++) if (!Number.isNaN(z[i]!) && !seen[i]) return false;
  return true;
}

const demArb = fc.record({ w: fc.integer({ min: 3, max: 14 }), h: fc.integer({ min: 3, max: 14 }) }).chain(({ w, h }) =>
  fc.record({
    w: fc.constant(w),
    h: fc.constant(h),
    z: fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 6 }).map((v) => v / 2) }, { weight: 1, arbitrary: fc.constant(NaN) }), { minLength: w * h, maxLength: w * h }),
  }),
);

describe('fillDepressions', () => {
  it('fills a single-cell pit to its spill elevation and leaves the rest unchanged', () => {
    const d = raster(5, 5, [
      9, 9, 9, 9, 9,
      9, 8, 8, 8, 9,
      9, 8, 1, 8, 9,
      9, 8, 8, 8, 7,
      9, 9, 9, 9, 9,
    ]);
    const f = fillDepressions(d);
    expect(Array.from(f.data)).toEqual([
      9, 9, 9, 9, 9,
      9, 8, 8, 8, 9,
      9, 8, 8, 8, 9,
      9, 8, 8, 8, 7,
      9, 9, 9, 9, 9,
    ]);
    expect(d.data[12]).toBe(1); // input untouched
  });

  it('treats nodata cells as outlets: a pit beside a nodata hole is not filled', () => {
    const d = raster(5, 5, [
      9, 9, 9, 9, 9,
      9, 5, 5, 5, 9,
      9, 5, 1, NaN, 9,
      9, 5, 5, 5, 9,
      9, 9, 9, 9, 9,
    ]);
    const f = fillDepressions(d);
    expect(f.data[12]).toBe(1);
    expect(Number.isNaN(f.data[13])).toBe(true);
  });

  it('accepts an integer DEM with a declared nodata value and returns float32 with NaN', () => {
    const grid = new Grid(4, 4, [0, 10, 0, 40, 0, -10], crs);
    const d = new Raster(grid, Int16Array.from([5, 5, 5, 5, 5, 1, 2, 5, 5, 2, -32768, 5, 5, 5, 5, 5]), -32768);
    const f = fillDepressions(d);
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(f.data[10])).toBe(true);
    expect(f.data[5]).toBe(1); // beside nodata → outlet
  });

  it(`equals the fixed-point definition max(z, min neighbour) on random DEMs with nodata (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(demArb, ({ w, h, z }) => {
      const ref = referenceFill(z, w, h);
      for (const pq of ['radix', 'binary-heap'] as const) for (const slopeTracing of [false, true]) {
        const f = fillDepressions(raster(w, h, z), { priorityQueue: pq, slopeTracing });
        for (let i = 0; i < w * h; i++) {
          if (Number.isNaN(ref[i]!)) expect(Number.isNaN(f.data[i]!)).toBe(true);
          else expect(f.data[i]).toBe(ref[i]);
        }
      }
      const f64 = fillDepressions(raster(w, h, z, 'f64'));
      expect(f64.data).toBeInstanceOf(Float64Array);
      for (let i = 0; i < w * h; i++) if (!Number.isNaN(ref[i]!)) expect(f64.data[i]).toBe(ref[i]);
    }), { seed: SEED, numRuns: 300 });
  });

  it(`never lowers a cell, is idempotent and leaves no interior pit (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(demArb, ({ w, h, z }) => {
      const d = raster(w, h, z);
      const f = fillDepressions(d);
      for (let i = 0; i < w * h; i++) if (!Number.isNaN(z[i]!)) expect(f.data[i]!).toBeGreaterThanOrEqual(Math.fround(z[i]!));
      const g = fillDepressions(f);
      expect(Array.from(g.data)).toEqual(Array.from(f.data));
      expect(drainsEverywhere(f.data, w, h)).toBe(true);
    }), { seed: SEED + 1, numRuns: 300 });
  });

  it(`with epsilon every cell drains along a strictly decreasing path and stays at or above the plain fill (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(demArb, ({ w, h, z }) => {
      const plain = fillDepressions(raster(w, h, z));
      for (const pq of ['radix', 'binary-heap'] as const) for (const type of ['f32', 'f64'] as const) {
        const e = fillDepressions(raster(w, h, z, type), { epsilon: true, priorityQueue: pq });
        expect(drainsEverywhere(e.data, w, h, true)).toBe(true);
        for (let i = 0; i < w * h; i++) if (!Number.isNaN(z[i]!)) expect(e.data[i]!).toBeGreaterThanOrEqual(plain.data[i]!);
      }
    }), { seed: SEED + 2, numRuns: 200 });
  });

  it('every queue variant agrees bit for bit on a 500 × 400 rough DEM with nodata (queue growth and compaction paths)', () => {
    const w = 500, h = 400;
    const z = new Float32Array(w * h);
    let s = 99;
    const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
      // smooth hills + noise quantised to 0.5 m (many pits and flats) + nodata lakes
      const v = 100 + 40 * Math.sin(r / 23) * Math.cos(c / 31) + 25 * Math.sin((r + c) / 11) + 8 * rnd();
      z[r * w + c] = Math.round(v * 2) / 2;
    }
    for (let r = 150; r < 170; r++) for (let c = 200; c < 230; c++) z[r * w + c] = NaN;
    // A smooth pyramid in the eastern part: long upslope traces that outgrow and compact the trace buffer.
    for (let r = 0; r < h; r++) for (let c = 300; c < w; c++) {
      z[r * w + c] = Math.min(r, h - 1 - r, c - 300, w - 1 - c) * 0.7 + (rnd() < 0.01 ? -3 : 0);
    }
    const d = raster(w, h, z);
    const base = fillDepressions(d, { slopeTracing: false, priorityQueue: 'binary-heap' }).data;
    for (const o of [{}, { slopeTracing: false }, { priorityQueue: 'binary-heap' as const }]) {
      const f = fillDepressions(d, o).data;
      let diff = 0;
      for (let i = 0; i < f.length; i++) if (!(f[i] === base[i] || (Number.isNaN(f[i]!) && Number.isNaN(base[i]!)))) diff++;
      expect(diff).toBe(0);
    }
    expect(drainsEverywhere(base, w, h)).toBe(true);
  });

  it('works on geographic grids (cell size plays no role in filling)', () => {
    const grid = new Grid(3, 3, [116, 0.001, 0, 30, 0, -0.001], geographicCrs());
    const f = fillDepressions(new Raster(grid, Float32Array.from([5, 5, 5, 5, 1, 5, 5, 5, 4])));
    expect(f.data[4]).toBe(4);
  });

  it('maxDepressionCells fills the small pit and leaves the larger depression as it was', () => {
    const z = [
      9, 9, 9, 9, 9, 9, 9, 9,
      9, 1, 9, 9, 2, 2, 9, 9,
      9, 9, 9, 9, 2, 2, 9, 9,
      9, 9, 9, 9, 9, 9, 9, 9,
    ];
    const { filled, stats } = fillDepressionsWithStats(raster(8, 4, z), { maxDepressionCells: 3 });
    expect(filled.data[9]).toBe(9);   // 1-cell pit filled
    expect(filled.data[12]).toBe(2);  // 4-cell depression kept
    expect(stats.restoredCells).toBe(4);
    const all = fillDepressions(raster(8, 4, z), { maxDepressionCells: Infinity });
    expect(all.data[12]).toBe(9);
    // in place (out = input) keeps the originals it needs
    const d = raster(8, 4, z);
    fillDepressions(d, { maxDepressionCells: 3, out: d as Raster<Float32Array> });
    expect(d.data[12]).toBe(2);
    expect(d.data[9]).toBe(9);
    expect(() => fillDepressions(raster(8, 4, z), { maxDepressionCells: -1 })).toThrow(/maxDepressionCells/);
  });

  it('reports raised cells and priority-queue pushes', () => {
    const { stats } = fillDepressionsWithStats(raster(3, 3, [5, 5, 5, 5, 1, 5, 5, 5, 4]));
    expect(stats.raisedCells).toBe(1);
    expect(stats.priorityQueuePushes).toBeGreaterThan(0);
  });
});
