// Helpers shared by the routing and accumulation tests (not a test file).
import { Grid, Raster, projectedCrs, geographicCrs } from '../../src/index.js';

export const utm = projectedCrs({ epsg: 32650 });

/** A projected grid of `w × h` cells of `cell` metres. */
export function grid(w: number, h: number, cell = 30): Grid {
  return new Grid(w, h, [500000, cell, 0, 3000000, 0, -cell], utm);
}

/** A float64 DEM raster from rows of numbers (NaN = nodata). */
export function demFrom(rows: number[][], cell = 30): Raster<Float64Array> {
  const h = rows.length;
  const w = rows[0]!.length;
  return new Raster(grid(w, h, cell), Float64Array.from(rows.flat()), NaN);
}

/** A geographic DEM (1/1200° cells, about 93 m × 77 m at 35°N). */
export function geoDemFrom(rows: number[][], lat = 35): Raster<Float64Array> {
  const h = rows.length;
  const w = rows[0]!.length;
  const g = new Grid(w, h, [116, 1 / 1200, 0, lat, 0, -1 / 1200], geographicCrs());
  return new Raster(g, Float64Array.from(rows.flat()), NaN);
}

/** Mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random DEM: a tilted surface plus noise (all values distinct with probability 1), `nodataShare` of cells NaN.
 */
export function randomDem(w: number, h: number, seed: number, nodataShare = 0): Raster<Float64Array> {
  const rand = rng(seed);
  const d = new Float64Array(w * h);
  const ax = rand() * 2 - 1;
  const ay = rand() * 2 - 1;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      d[r * w + c] = 100 + 5 * (ax * c + ay * r) + rand() * 10;
      if (rand() < nodataShare) d[r * w + c] = NaN;
    }
  }
  return new Raster(grid(w, h), d, NaN);
}

/** Transforms a raster's cell layout: `t(r, c)` gives the source cell of output cell (r, c); output w × h. */
export function remap(src: Raster<Float64Array>, w: number, h: number, from: (r: number, c: number) => [number, number]): Raster<Float64Array> {
  const d = new Float64Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const [sr, sc] = from(r, c);
      d[r * w + c] = src.data[sr * src.width + sc]!;
    }
  }
  return new Raster(grid(w, h, Math.abs(src.grid.transform[1])), d, NaN);
}
