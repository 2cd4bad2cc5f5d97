import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillDepressions } from '../../src/terrain/fill.js';
import { resolveFlats } from '../../src/terrain/flats.js';
import { resolveFlatsTiled } from '../../src/terrain/flats-tiled.js';
import { RusleError } from '../../src/raster/errors.js';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { demCase, demRaster, sameBytes } from './tiled-helpers.js';

const SEED = 20261212;

function expectSame(dem: Raster, tw: number, th: number): void {
  const whole = resolveFlats(dem);
  const tiled = resolveFlatsTiled(dem, { tileWidth: tw, tileHeight: th });
  expect(sameBytes(tiled.labels, whole.labels)).toBe(true);
  expect(sameBytes(tiled.flatMask, whole.flatMask)).toBe(true);
  expect([tiled.flatCount, tiled.flatCellCount, tiled.undrainedCellCount]).toEqual([whole.flatCount, whole.flatCellCount, whole.undrainedCellCount]);
}

describe('tiled flat resolution (Barnes, Lehman & Mulla 2014, split as Barnes 2016)', () => {
  it(`resolveFlatsTiled equals resolveFlats bit for bit on filled DEMs (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(demCase(), (d) => {
      expectSame(fillDepressions(demRaster(d)), d.tileWidth, d.tileHeight);
    }), { seed: SEED, numRuns: 300 });
  });

  it(`resolveFlatsTiled equals resolveFlats bit for bit on unfilled DEMs (undrained flats, integer nodata) (fast-check seed ${SEED + 1})`, () => {
    fc.assert(fc.property(demCase(), (d) => {
      expectSame(demRaster(d), d.tileWidth, d.tileHeight);
    }), { seed: SEED + 1, numRuns: 300 });
  });

  it('a flat spanning many tiles, with tiles smaller than the flat, resolves as in memory', () => {
    const w = 60;
    const h = 40;
    const z = new Float32Array(w * h);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = r === 0 || c === 0 || r === h - 1 || c === w - 1 ? 10 : 5;
    z[20 * w] = 4; // one outlet on the west edge
    z[19 * w + 1] = 5;
    const dem = new Raster(new Grid(w, h, [0, 10, 0, 400, 0, -10], projectedCrs({ epsg: 32650 })), z);
    for (const [tw, th] of [[7, 5], [1, 40], [60, 1], [3, 3]]) expectSame(fillDepressions(dem), tw!, th!);
  });

  it('refuses a crossing flat larger than maxCrossingFlatCells with OUT_OF_MEMORY_BUDGET naming the flat', () => {
    const w = 30;
    const z = new Float32Array(w * w).fill(5);
    for (let i = 0; i < w; i++) z[i] = 10;
    const dem = new Raster(new Grid(w, w, [0, 10, 0, 300, 0, -10], projectedCrs({ epsg: 32650 })), z);
    const e = (() => { try { resolveFlatsTiled(dem, { tileWidth: 10, tileHeight: 10, maxCrossingFlatCells: 50 }); } catch (x) { return x; } return null; })();
    expect(e).toBeInstanceOf(RusleError);
    expect((e as RusleError).code).toBe('OUT_OF_MEMORY_BUDGET');
    expect((e as RusleError).message).toMatch(/flat at row \d+, column \d+ crosses tile edges and has \d+ cells/);
  });
});
