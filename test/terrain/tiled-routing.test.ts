import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, RusleError, geographicCrs, projectedCrs,
  accumulate, accumulateTiled, d8AccumulationTileVisit, d8Directions, d8DirectionsTiled, fillDepressions, resolveFlats,
  routeTileExits, tiles,
} from '../../src/index.js';
import { rng } from './routing-helpers.js';

const utm = projectedCrs({ epsg: 32650 });

interface Case {
  seed: number;
  w: number;
  h: number;
  kind: 'float' | 'integer' | 'plane';
  geographic: boolean;
  holes: boolean;
  margin: boolean;
  cell: number;
}

/** A seeded DEM: rough float terrain, an integer DEM with large flats, or a gentle tilted plane (long paths). */
function makeDem(k: Case): Raster<Float32Array> {
  const rand = rng(k.seed);
  const { w, h } = k;
  const z = new Float32Array(w * h);
  const ax = rand() * 2 - 1;
  const ay = rand() * 2 - 1;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let v: number;
      if (k.kind === 'integer') v = Math.round((ax * c + ay * r) * 0.3 + Math.sin(c / 3) * 2 + rand() * 1.2);
      else if (k.kind === 'plane') v = 100 + ax * c * 0.5 + ay * r * 0.5 + rand() * 0.05;
      else v = 100 + 3 * (ax * c + ay * r) + rand() * 10;
      z[r * w + c] = v;
    }
  }
  if (k.holes) for (let m = 0; m < Math.ceil(w * h * 0.03); m++) z[Math.floor(rand() * w * h)] = NaN;
  if (k.margin) {
    // a clipped basin: nodata outside an ellipse
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (((c - cx) / (w * 0.5)) ** 2 + ((r - cy) / (h * 0.5)) ** 2 > 1) z[r * w + c] = NaN;
  }
  const grid = k.geographic
    ? new Grid(w, h, [110, 1 / 1200, 0, 28.5, 0, -1 / 1200], geographicCrs())
    : new Grid(w, h, [500000, k.cell, 0, 3000000, 0, -k.cell], utm);
  return new Raster(grid, z, NaN);
}

const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  w: fc.integer({ min: 1, max: 40 }),
  h: fc.integer({ min: 1, max: 40 }),
  kind: fc.constantFrom('float' as const, 'integer' as const, 'plane' as const),
  geographic: fc.boolean(),
  holes: fc.boolean(),
  margin: fc.boolean(),
  cell: fc.constantFrom(30, 10, 30.000001, 12.5, 0.7),
});
const tileArb = fc.record({ tw: fc.integer({ min: 1, max: 24 }), th: fc.integer({ min: 1, max: 24 }) });

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Conditioned DEM (filled, flats resolved) of a case. */
function conditioned(k: Case): { filled: Raster; flats: ReturnType<typeof resolveFlats> } {
  const filled = fillDepressions(makeDem(k));
  return { filled, flats: resolveFlats(filled) };
}

function report(seed: number): void {
  console.log(`tiled routing property: fast-check seed ${seed}`);
}

describe('tiled D8 routing (d8DirectionsTiled)', () => {
  const seed = 1301;
  it(`equals d8Directions bit for bit for any tile size, both boundary rules, with and without flats (fast-check seed ${seed})`, () => {
    report(seed);
    fc.assert(fc.property(caseArb, tileArb, (k, t) => {
      const { filled, flats } = conditioned(k);
      for (const boundary of ['inward', 'outlet'] as const) {
        for (const f of [flats, null]) {
          const whole = d8Directions(filled, { flats: f, boundary });
          const tiled = d8DirectionsTiled(filled, { flats: f, boundary, tileWidth: t.tw, tileHeight: t.th });
          expect(sameBits(tiled.data, whole.data), `${JSON.stringify(k)} ${t.tw}×${t.th} ${boundary}`).toBe(-1);
          expect(tiled.nodata).toBe(whole.nodata);
        }
      }
    }), { seed, numRuns: 150 });
  });
});

describe('tiled D8 accumulation (accumulateTiled)', () => {
  const seed = 1302;
  it(`cells, m2 and sca equal accumulate bit for bit for any tile size, down to 1 × N strips, with weights (fast-check seed ${seed})`, () => {
    report(seed);
    fc.assert(fc.property(caseArb, tileArb, fc.boolean(), (k, t, weighted) => {
      const { filled, flats } = conditioned(k);
      const codes = d8Directions(filled, { flats });
      const rand = rng(k.seed ^ 0x5bd1e995);
      const weights = weighted
        ? new Raster(codes.grid, Float32Array.from({ length: k.w * k.h }, () => (rand() < 0.05 ? NaN : rand() * 3.7)), NaN)
        : undefined;
      for (const output of ['cells', 'm2', 'sca'] as const) {
        const whole = accumulate({ kind: 'd8', codes }, { output, weights });
        const tiled = accumulateTiled({ kind: 'd8', codes }, { output, weights, tileWidth: t.tw, tileHeight: t.th });
        expect(sameBits(tiled.data, whole.data), `${JSON.stringify(k)} ${t.tw}×${t.th} ${output}`).toBe(-1);
      }
    }), { seed, numRuns: 150 });
  });

  it('paths spanning many tiles: a spiral channel through 1 × 1, 1 × N and N × 1 tiles gives the in-memory sums (geographic rows, areas that round)', () => {
    // a spiral of descending cells, so the flow crosses tile edges in every direction and against row-major order
    const w = 23;
    const h = 19;
    const z = new Float64Array(w * h).fill(NaN);
    let r = 0;
    let c = 0;
    let dr = 0;
    let dc = 1;
    let top = 0;
    let bottom = h - 1;
    let left = 0;
    let right = w - 1;
    let v = 1e4;
    for (let m = 0; m < w * h; m++) {
      z[r * w + c] = v;
      v -= 1 + (m % 7) * 0.01;
      if (dc === 1 && c === right) { dr = 1; dc = 0; top++; } else if (dr === 1 && r === bottom) { dr = 0; dc = -1; right--; } else if (dc === -1 && c === left) { dr = -1; dc = 0; bottom--; } else if (dr === -1 && r === top) { dr = 0; dc = 1; left++; }
      r += dr;
      c += dc;
    }
    const dem = new Raster(new Grid(w, h, [110, 1 / 1200, 0, 28.5, 0, -1 / 1200], geographicCrs()), z, NaN);
    const codes = d8Directions(dem);
    for (const output of ['cells', 'm2', 'sca'] as const) {
      const whole = accumulate({ kind: 'd8', codes }, { output });
      for (const [tw, th] of [[1, 1], [1, h], [w, 1], [2, 3], [5, 4], [w, h]] as const) {
        const tiled = accumulateTiled({ kind: 'd8', codes }, { output, tileWidth: tw, tileHeight: th });
        expect(sameBits(tiled.data, whole.data), `${tw}×${th} ${output}`).toBe(-1);
      }
    }
  });

  it('refuses MFD and D∞ routings with a coded error naming the in-memory path', () => {
    const g = new Grid(3, 3, [0, 30, 0, 90, 0, -30], utm);
    const angle = new Raster(g, new Float32Array(9), NaN);
    try {
      accumulateTiled({ kind: 'dinf', angle } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RusleError);
      expect((e as RusleError).code).toBe('BAD_ARGUMENT');
      expect((e as RusleError).message).toMatch(/in memory only/);
    }
  });

  it('a tile visit is a pure function of its inputs: a rerun of the first visit gives the same exits and state', () => {
    const k: Case = { seed: 7, w: 17, h: 13, kind: 'float', geographic: false, holes: true, margin: false, cell: 30 };
    const { filled, flats } = conditioned(k);
    const codes = d8Directions(filled, { flats });
    const t = [...tiles(codes.grid, { tileWidth: 5, tileHeight: 4, halo: 1 })][6]!;
    const pc = new Uint8Array(t.padded.width * t.padded.height);
    for (let r = 0; r < t.padded.height; r++) pc.set(codes.data.subarray((t.padded.y + r) * 17 + t.padded.x, (t.padded.y + r) * 17 + t.padded.x + t.padded.width), r * t.padded.width);
    const input = { grid: codes.grid, core: t.core, padded: t.padded, codes: pc, weights: 1, output: 'm2' as const };
    const a = d8AccumulationTileVisit(input, null);
    const b = d8AccumulationTileVisit(input, null);
    expect(sameBits(a.state.acc, b.state.acc)).toBe(-1);
    expect(sameBits(a.exits.acc, b.exits.acc)).toBe(-1);
    expect([...a.exits.index]).toEqual([...b.exits.index]);
    const routed = routeTileExits(codes.grid, 5, 4, (g) => codes.data[g]!, [a.exits]);
    for (const [ti] of routed) expect(ti).not.toBe(6);
  });
});
