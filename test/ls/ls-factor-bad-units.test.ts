import { describe, expect, it } from 'vitest';
import { Grid, Raster, lsFromSlopeAndArea, projectedCrs } from '../../src/index.js';

describe('lsFromSlopeAndArea refuses slope values that cannot be in the declared unit', () => {
  const g = new Grid(3, 1, [0, 30, 0, 90, 0, -30], projectedCrs({ epsg: 32650 }));
  const area = new Raster(g, new Float32Array([900, 1800, 2700]));
  it('a slope in degrees declared as radians throws BAD_UNITS with a hint', () => {
    const slopeDeg = new Raster(g, new Float32Array([5, 12, 30]));
    expect(() => lsFromSlopeAndArea(slopeDeg, area, { slopeUnits: 'radians', areaUnits: 'm2', method: 'desmet-govers' }))
      .toThrowError(expect.objectContaining({ code: 'BAD_UNITS', message: expect.stringMatching(/are these degrees/) }));
    expect(() => lsFromSlopeAndArea(slopeDeg, area, { slopeUnits: 'degrees', areaUnits: 'm2', method: 'desmet-govers' })).not.toThrow();
  });
  it('a negative slope throws BAD_UNITS in any unit', () => {
    const neg = new Raster(g, new Float32Array([0.1, -0.2, NaN]));
    for (const u of ['radians', 'degrees', 'percent'] as const) {
      expect(() => lsFromSlopeAndArea(neg, area, { slopeUnits: u, areaUnits: 'm2', method: 'desmet-govers' })).toThrowError(expect.objectContaining({ code: 'BAD_UNITS' }));
    }
  });
});
