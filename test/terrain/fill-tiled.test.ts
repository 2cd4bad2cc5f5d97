import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillDepressionsWithStats } from '../../src/terrain/fill.js';
import { fillDepressionsTiled } from '../../src/terrain/fill-tiled.js';
import { demCase, demRaster, sameBytes } from './tiled-helpers.js';

const SEED = 20261207;

describe('tiled Priority-Flood (Barnes 2016)', () => {
  it(`fillDepressions with ε gives one output for every priority queue and tracing setting (fast-check seed ${SEED + 3})`, () => {
    // The ε fill is the least W with W(c) = min over neighbours max(z(c), nextUp(W(n))); the radix heap's peek must
    // not move its floor, or a pit cell's push below the peeked minimum pops out of order.
    fc.assert(fc.property(demCase(), (d) => {
      const dem = demRaster(d);
      const ref = fillDepressionsWithStats(dem, { epsilon: true, priorityQueue: 'binary-heap', slopeTracing: false }).filled.data;
      for (const priorityQueue of ['radix', 'binary-heap'] as const) {
        for (const slopeTracing of [true, false]) {
          expect(sameBytes(fillDepressionsWithStats(dem, { epsilon: true, priorityQueue, slopeTracing }).filled.data, ref)).toBe(true);
        }
      }
    }), { seed: SEED + 3, numRuns: 300 });
  });

  it(`fillDepressionsTiled equals fillDepressions bit for bit, without ε (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(demCase(), (d) => {
      const dem = demRaster(d);
      const whole = fillDepressionsWithStats(dem);
      const tiled = fillDepressionsTiled(dem, { tileWidth: d.tileWidth, tileHeight: d.tileHeight });
      expect(sameBytes(tiled.filled.data, whole.filled.data)).toBe(true);
      expect(tiled.stats.raisedCells).toBe(whole.stats.raisedCells);
    }), { seed: SEED, numRuns: 200 });
  });

  it(`fillDepressionsTiled equals fillDepressions bit for bit with ε (fast-check seed ${SEED + 1})`, () => {
    fc.assert(fc.property(demCase(), (d) => {
      const dem = demRaster(d);
      const whole = fillDepressionsWithStats(dem, { epsilon: true });
      const tiled = fillDepressionsTiled(dem, { epsilon: true, tileWidth: d.tileWidth, tileHeight: d.tileHeight });
      expect(sameBytes(tiled.filled.data, whole.filled.data)).toBe(true);
      expect(tiled.stats.raisedCells).toBe(whole.stats.raisedCells);
    }), { seed: SEED + 1, numRuns: 200 });
  });

  it(`fillDepressionsTiled equals fillDepressions with maxDepressionCells (fast-check seed ${SEED + 2})`, () => {
    fc.assert(fc.property(demCase(), fc.integer({ min: 0, max: 40 }), fc.boolean(), (d, maxCells, epsilon) => {
      const dem = demRaster(d);
      const whole = fillDepressionsWithStats(dem, { maxDepressionCells: maxCells, epsilon });
      const tiled = fillDepressionsTiled(dem, { maxDepressionCells: maxCells, epsilon, tileWidth: d.tileWidth, tileHeight: d.tileHeight });
      expect(sameBytes(tiled.filled.data, whole.filled.data)).toBe(true);
      expect(tiled.stats.restoredCells).toBe(whole.stats.restoredCells);
    }), { seed: SEED + 2, numRuns: 100 });
  });
});
