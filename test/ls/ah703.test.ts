import { describe, expect, it } from 'vitest';
import { Grid, Raster, lsFactor, projectedCrs } from '../../src/index.js';

// AH703 (Renard et al. 1997) Table 4-3, "Values for topographic factor, LS, for moderate ratio of rill to interrill
// erosion", columns 15–1000 ft (reproduced at http://www.iwr.msu.edu/rusle/lstable.htm). The shorter columns (< 15 ft)
// use AH703's short-slope rules and are not a grid computation.
const LENGTHS_FT = [15, 25, 50, 75, 100, 150, 200, 250, 300, 400, 600, 800, 1000];
const TABLE_4_3: Record<string, number[]> = {
  '0.2': [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.06, 0.06, 0.06],
  '0.5': [0.07, 0.08, 0.08, 0.08, 0.09, 0.09, 0.09, 0.09, 0.09, 0.10, 0.10, 0.10, 0.10],
  '1': [0.11, 0.12, 0.13, 0.14, 0.14, 0.15, 0.16, 0.17, 0.17, 0.18, 0.19, 0.20, 0.20],
  '2': [0.17, 0.19, 0.22, 0.25, 0.27, 0.29, 0.31, 0.33, 0.35, 0.37, 0.41, 0.44, 0.47],
  '3': [0.22, 0.25, 0.32, 0.36, 0.39, 0.44, 0.48, 0.52, 0.55, 0.60, 0.68, 0.75, 0.80],
  '4': [0.26, 0.31, 0.40, 0.47, 0.52, 0.60, 0.67, 0.72, 0.77, 0.86, 0.99, 1.10, 1.19],
  '5': [0.30, 0.37, 0.49, 0.58, 0.65, 0.76, 0.85, 0.93, 1.01, 1.13, 1.33, 1.49, 1.63],
  '6': [0.34, 0.43, 0.58, 0.69, 0.78, 0.93, 1.05, 1.16, 1.25, 1.42, 1.69, 1.91, 2.11],
  '8': [0.42, 0.53, 0.74, 0.91, 1.04, 1.26, 1.45, 1.62, 1.77, 2.03, 2.47, 2.83, 3.15],
  '10': [0.52, 0.67, 0.97, 1.19, 1.38, 1.71, 1.98, 2.22, 2.44, 2.84, 3.50, 4.06, 4.56],
  '12': [0.64, 0.84, 1.23, 1.53, 1.79, 2.23, 2.61, 2.95, 3.26, 3.81, 4.75, 5.56, 6.28],
};
const FT = 0.3048;
const ROWS_ABOVE = 9; // the test cell is row 9: λ = (9 + ½)·D with a divide at the top row

/** LS of the cell λ metres down a uniformly tilted plane of `slopePct`, by rusle-aml. */
function planeLs(slopePct: number, lengthM: number): number {
  const D = lengthM / (ROWS_ABOVE + 0.5);
  const w = 3;
  const h = ROWS_ABOVE + 3;
  const g = new Grid(w, h, [0, D, 0, h * D, 0, -D], projectedCrs({ epsg: 32650 }));
  const z = new Float64Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = 1000 - r * D * (slopePct / 100);
  const { ls } = lsFactor(new Raster(g, z), { preset: 'rusle-aml' });
  return ls.data[ROWS_ABOVE * w + 1]!;
}

describe('rusle-aml reproduces AH703 Table 4-3 (moderate rill/interrill) on a tilted plane whose top row is the divide', () => {
  for (const [slope, row] of Object.entries(TABLE_4_3)) {
    it(`AH703 Table 4-3, slope ${slope} %, lengths 15–1000 ft, within the table's rounding (±0.005)`, () => {
      LENGTHS_FT.forEach((ft, k) => {
        const got = planeLs(Number(slope), ft * FT);
        expect(Math.abs(got - row[k]!), `${slope} % × ${ft} ft: got ${got}, table ${row[k]}`).toBeLessThanOrEqual(0.005 + 1e-9);
      });
    });
  }
});
