import { describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { Grid, Raster, projectedCrs } from '../../src/index.js';
import {
  classMapPng, continuousMapPng, reduceBlocks, reduceRaster, rampColor, sl190ClassStyles, SL190_CLASS_COLORS,
} from '../../src/index.js';

const crs = projectedCrs({ epsg: 32650 });
const grid = (w: number, h: number) => new Grid(w, h, [500000, 30, 0, 3000000, 0, -30], crs);
const decode = (b: Buffer) => pngjs.PNG.sync.read(b);
const px = (img: pngjs.PNG, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('PNG quick-look maps', () => {
  it('continuousMapPng draws nodata fully transparent and valid cells opaque', () => {
    const data = Float32Array.from({ length: 400 }, (_, i) => (i % 20 < 5 ? NaN : i + 1));
    const img = decode(continuousMapPng(new Raster(grid(20, 20), data), { title: 'A (t/ha/yr)', stretch: 'log', ramp: 'ylorrd', minSize: 1 }).png);
    const x0 = Math.floor((img.width - 20) / 2);
    expect(px(img, x0 + 0, 0)[3]).toBe(0);
    expect(px(img, x0 + 10, 0)[3]).toBe(255);
  });

  it('continuousMapPng on a log scale gives the lowest and highest values the two ends of the ramp', () => {
    const data = new Float32Array(100).fill(1);
    data[99] = 1000;
    const r = continuousMapPng(new Raster(grid(10, 10), data), { title: 'A', stretch: 'log', ramp: 'ylorrd', minSize: 1, min: 1, max: 1000 });
    expect(r.scale).toMatchObject({ stretch: 'log', min: 1, max: 1000 });
    const img = decode(r.png);
    const x0 = Math.floor((img.width - 10) / 2);
    expect(px(img, x0, 0).slice(0, 3)).toEqual([...rampColor('ylorrd', 0)]);
    expect(px(img, x0 + 9, 9).slice(0, 3)).toEqual([...rampColor('ylorrd', 1)]);
  });

  it('a log stretch without bounds ignores a few near-zero cells', () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => 1 + i);
    data[0] = 1e-9;
    const r = continuousMapPng(new Raster(grid(100, 10), data), { title: 'A', stretch: 'log' });
    expect(r.scale!.min).toBeGreaterThan(1);
  });

  it('a quantile stretch ignores the 2 % extremes', () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => i);
    data[999] = 1e9;
    const r = continuousMapPng(new Raster(grid(100, 10), data), { title: 'LS', stretch: 'quantile' });
    expect(r.scale!.max).toBeLessThan(1000);
    expect(r.scale!.min).toBeGreaterThan(0);
  });

  it('large grids are reduced to at most maxSize pixels (block mean; all-nodata blocks stay nodata)', () => {
    const g = grid(5000, 30);
    const data = new Float32Array(5000 * 30).fill(2);
    for (let r = 0; r < 30; r++) for (let c = 0; c < 10; c++) data[r * 5000 + c] = NaN;
    const red = reduceRaster(new Raster(g, data), 2000, 'mean');
    expect(red.factor).toBe(3);
    expect(red.width).toBeLessThanOrEqual(2000);
    expect(red.values[0]).toBeNaN();
    expect(red.values[3]).toBe(2); // columns 9–11: 9 is nodata, 10 and 11 are 2 → mean 2
    const img = continuousMapPng(new Raster(g, data), { title: 'big', maxSize: 5000 });
    expect(img.width).toBeLessThanOrEqual(2000);
  });

  it('majority reduction takes the most frequent class, ties to the smaller code', () => {
    const data = Uint8Array.from([1, 2, 2, 3, 3, 1, 255, 255]);
    const r = new Raster(new Grid(4, 2, [0, 1, 0, 0, 0, -1], crs), data, 255);
    // factor 2 → 2 × 1 pixels: block 1 = {1,2,3,3}? rows: [1,2,2,3],[3,1,255,255]
    const red = reduceRaster(r, 2, 'majority');
    expect(Array.from(red.values)).toEqual([1, 2]); // {1,2,3,1} → 1 ; {2,3} tie → 2
  });

  it('small grids are enlarged by whole-pixel replication to minSize', () => {
    const data = Float32Array.from([1, 2, 3, 4]);
    const r = continuousMapPng(new Raster(grid(2, 2), data), { title: 'x', minSize: 100 });
    const img = decode(r.png);
    const x0 = Math.floor((img.width - 100) / 2);
    expect(px(img, x0, 0)).toEqual(px(img, x0 + 49, 49)); // one source cell → 50 × 50 pixels
    expect(px(img, x0 + 50, 0)).not.toEqual(px(img, x0 + 49, 0));
  });

  it('reduceBlocks over row bands equals reduceRaster on the whole raster (mean and majority)', async () => {
    const w = 53, h = 41;
    const g = grid(w, h);
    const f = new Raster(g, Float32Array.from({ length: w * h }, (_, i) => (i % 7 === 0 ? NaN : Math.sin(i) * 10)));
    const c = new Raster(g, Uint8Array.from({ length: w * h }, (_, i) => (i * 2654435761) % 7), 0);
    for (const [r, mode] of [[f, 'mean'], [c, 'majority']] as const) {
      for (const rows of [1, 5, 13, 41]) {
        async function* bands() {
          for (let y = 0; y < h; y += rows) {
            const hh = Math.min(rows, h - y);
            yield { window: { x: 0, y, width: w, height: hh }, raster: new Raster(g.window({ x: 0, y, width: w, height: hh }), r.data.slice(y * w, (y + hh) * w) as never, r.nodata) };
          }
        }
        const a = await reduceBlocks(bands(), w, h, 10, mode);
        const b = reduceRaster(r, 10, mode);
        expect(a.factor).toBe(b.factor);
        expect(Array.from(a.values)).toEqual(Array.from(b.values));
      }
    }
  });

  it('classMapPng paints SL 190 classes in their colours and nodata transparent', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 0, 0]);
    const r = new Raster(new Grid(8, 1, [0, 30, 0, 0, 0, -30], crs), data, 0);
    const img = decode(classMapPng(r, { title: 'classes', classes: sl190ClassStyles(500), minSize: 1 }).png);
    const x0 = Math.floor((img.width - 8) / 2);
    for (let k = 1; k <= 6; k++) expect(px(img, x0 + k - 1, 0)).toEqual([...SL190_CLASS_COLORS[k]!, 255]);
    expect(px(img, x0 + 6, 0)[3]).toBe(0);
  });
});
