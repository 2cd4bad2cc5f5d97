// GeoTIFF read and write throughput (cells/s) on a seeded synthetic float32 terrain, tiled 512 × 512, Deflate +
// predictor 3, side by side with gdal_translate on the same file in the same run.
// GDAL is also timed in-process through its Python bindings (ReadAsArray / WriteArray) with its threads on
// (GDAL_NUM_THREADS / NUM_THREADS=ALL_CPUS) and on one thread.
// Full mode: 10 000 × 10 000 = 100 Mcells (needs ~1.5 GiB; run it as
//   flock /tmp/rusle-bigrun.lock node benchmarks/run.mjs --only io
// ). CI mode: 2 560 × 2 400 ≈ 6.1 Mcells.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { figure, hasCommand, mcells, peakRssBytes, timeCommand, timeit } from '../lib.mjs';

/** Seeded smooth terrain with ridges, noise and a nodata (NaN) corner, metres. */
function terrain(width, height, seed = 12345) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const waves = Array.from({ length: 6 }, (_, k) => ({
    fx: (rnd() + 0.2) * 2 ** k * 0.002, fy: (rnd() + 0.2) * 2 ** k * 0.002, ph: rnd() * 6.28, amp: 400 / 2 ** k,
  }));
  const data = new Float32Array(width * height);
  const cols = new Float64Array(width * waves.length);
  for (let k = 0; k < waves.length; k++) for (let x = 0; x < width; x++) cols[k * width + x] = x * waves[k].fx + waves[k].ph;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let k = 0; k < waves.length; k++) {
      const w = waves[k];
      const yy = y * w.fy;
      const base = k * width;
      for (let x = 0; x < width; x++) data[o + x] += w.amp * Math.sin(cols[base + x] + yy);
    }
    for (let x = 0; x < width; x++) data[o + x] += 1000 + rnd() * 0.5;
  }
  // nodata corner (about 2 % of the cells)
  const nx = Math.floor(width * 0.14);
  const ny = Math.floor(height * 0.14);
  for (let y = 0; y < ny; y++) data.fill(NaN, y * width, y * width + nx);
  return data;
}

/**
 * Best seconds of GDAL's ReadAsArray (whole file and the centre window) and of a tiled Deflate + predictor 3 write
 * of the same array, with GDAL's threads on (ALL_CPUS) and on one thread; null without the Python bindings.
 */
function gdalPythonTimes(src, out, width, height, runs) {
  const py = `
import time, os, sys
from osgeo import gdal
gdal.UseExceptions()
src, out, W, H, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def best(fn):
    b = 1e9
    for _ in range(runs):
        t = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t)
    return b
res = {}
arr = None
for label, threads in (('Threads', 'ALL_CPUS'), ('1', '1')):
    gdal.SetConfigOption('GDAL_NUM_THREADS', threads)
    gdal.SetConfigOption('GDAL_CACHEMAX', '64')
    def read():
        global arr
        ds = gdal.Open(src); arr = ds.GetRasterBand(1).ReadAsArray(); ds = None
    def window():
        ds = gdal.Open(src); ds.GetRasterBand(1).ReadAsArray(W // 4, H // 4, W // 2, H // 2); ds = None
    def write():
        ds = gdal.GetDriverByName('GTiff').Create(out, W, H, 1, gdal.GDT_Float32, ['TILED=YES', 'BLOCKXSIZE=512', 'BLOCKYSIZE=512', 'COMPRESS=DEFLATE', 'PREDICTOR=3', 'NUM_THREADS=' + threads])
        ds.GetRasterBand(1).WriteArray(arr); ds = None
    res['read' + label] = best(read)
    res['window' + label] = best(window)
    res['write' + label] = best(write)
res['size'] = os.path.getsize(out)
print(' '.join(f'{k}={v}' for k, v in res.items()))
`;
  try {
    const text = execFileSync('/usr/bin/python3', ['-c', py, src, out, String(width), String(height), String(runs)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GDAL_PAM_ENABLED: 'NO' } }).toString().trim();
    return Object.fromEntries(text.split(/\s+/).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  } catch {
    return null;
  }
}

export default {
  name: 'io',
  async run({ ci, log }) {
    const lib = await import('../../dist/index.js');
    const { Grid, Raster, projectedCrs, readRaster, writeRaster, openRaster } = lib;
    const [width, height] = ci ? [2560, 2400] : [10000, 10000];
    const cells = width * height;
    const dir = mkdtempSync(join(tmpdir(), 'rusle-bench-io-'));
    const figures = [];
    try {
      log(`generating ${width} × ${height} (${(cells / 1e6).toFixed(1)} Mcells) seeded terrain`);
      const grid = new Grid(width, height, [500000, 30, 0, 3500000, 0, -30], projectedCrs({ epsg: 32650 }));
      const raster = new Raster(grid, terrain(width, height));
      const src = join(dir, 'src.tif');
      const runs = ci ? { warmup: 1, minRuns: 3, minSeconds: 1 } : { warmup: 0, minRuns: 2, minSeconds: 0 };

      // write throughput (ours): the in-memory raster to a tiled Deflate + predictor 3 file
      const w = await timeit(() => writeRaster(src, raster), runs);
      const size = statSync(src).size;
      log(`write: ${w.best.toFixed(2)} s, file ${(size / 2 ** 20).toFixed(1)} MiB`);
      figures.push(figure('write', `writeRaster ${width}×${height} f32 Deflate+pred3 tiled 512`, mcells(cells / w.best), 'Mcells/s'));

      // read throughput (ours): whole file into memory
      const r = await timeit(async () => { await readRaster(src); }, runs);
      log(`read: ${r.best.toFixed(2)} s`);
      figures.push(figure('read', `readRaster ${width}×${height} f32 Deflate+pred3 tiled 512`, mcells(cells / r.best), 'Mcells/s'));

      // streaming read (ours): row bands through openRaster().blocks()
      const sr = await timeit(async () => {
        const s = await openRaster(src);
        let n = 0;
        for await (const b of s.blocks()) n += b.raster.data.length;
        await s.close();
        if (n !== cells) throw new Error('blocks() did not cover the grid');
      }, runs);
      figures.push(figure('read-blocks', 'openRaster().blocks() streaming read', mcells(cells / sr.best), 'Mcells/s'));

      // copy (ours): read + write, the equivalent of gdal_translate to a Deflate tiled file
      const copyPath = join(dir, 'copy.tif');
      const c = await timeit(async () => { await writeRaster(copyPath, await readRaster(src)); }, runs);
      figures.push(figure('copy', 'readRaster + writeRaster (Deflate+pred3 tiled)', mcells(cells / c.best), 'Mcells/s'));

      // geotiff.js readRasters on the same file (CI size only: it is slow)
      if (ci) {
        const g = await timeit(async () => {
          const t = await fromFile(src);
          const im = await t.getImage();
          await im.readRasters({ interleave: true });
          t.close?.();
        }, { warmup: 0, minRuns: 2, minSeconds: 0 });
        figures.push(figure('read-geotiffjs', 'geotiff.js 3.0.5 readRasters, same file', mcells(cells / g.best), 'Mcells/s'));
        figures.push(figure('read-vs-geotiffjs', 'read speed: ours / geotiff.js readRasters', g.best / r.best, '×', { tracked: true, floor: 1 }));
      }

      if (hasCommand('gdal_translate')) {
        const gdalRuns = ci ? 3 : 2;
        const gCopy = timeCommand('gdal_translate', ['-q', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3',
          '-co', 'BLOCKXSIZE=512', '-co', 'BLOCKYSIZE=512', src, join(dir, 'gdal-copy.tif')], { runs: gdalRuns, env: { GDAL_PAM_ENABLED: 'NO' } });
        const gRead = timeCommand('gdal_translate', ['-q', '-of', 'ENVI', src, join(dir, 'gdal.img')], { runs: gdalRuns, env: { GDAL_PAM_ENABLED: 'NO' } });
        log(`gdal_translate deflate: ${gCopy.toFixed(2)} s, ENVI: ${gRead.toFixed(2)} s`);
        figures.push(figure('gdal-copy', 'gdal_translate → Deflate+pred3 tiled (read+write)', mcells(cells / gCopy), 'Mcells/s'));
        figures.push(figure('gdal-read', 'gdal_translate -of ENVI (read-dominated)', mcells(cells / gRead), 'Mcells/s'));
        figures.push(figure('copy-vs-gdal', 'read+write: ours / gdal_translate Deflate', gCopy / c.best, '×', { tracked: true, floor: 0.25 }));
        figures.push(figure('read-vs-gdal', 'read: ours readRaster / gdal_translate -of ENVI', gRead / r.best, '×', { tracked: true, floor: 0.25 }));
        figures.push(figure('write-vs-gdal-copy', 'write: ours writeRaster / gdal_translate Deflate (read+write)', gCopy / w.best, '×', { tracked: true, floor: 0.25 }));
      } else {
        log('gdal_translate not found: GDAL figures skipped');
      }
      // Side by side with GDAL in-process (its Python bindings: ReadAsArray, WriteArray), with its threads on
      // (GDAL_NUM_THREADS / NUM_THREADS=ALL_CPUS) and on one thread, in the same run as ours.
      const gdalPy = gdalPythonTimes(src, join(dir, 'gdal-w.tif'), width, height, ci ? 3 : 2);
      if (gdalPy) {
        const win = { x: Math.floor(width / 4), y: Math.floor(height / 4), width: Math.floor(width / 2), height: Math.floor(height / 2) };
        const wr = await timeit(async () => {
          const s = await openRaster(src);
          await s.read(win);
          await s.close();
        }, runs);
        const winCells = win.width * win.height;
        log(`GDAL (threads): read ${gdalPy.readThreads.toFixed(2)} s, window ${gdalPy.windowThreads.toFixed(2)} s, write ${gdalPy.writeThreads.toFixed(2)} s; one thread: read ${gdalPy.read1.toFixed(2)} s, write ${gdalPy.write1.toFixed(2)} s`);
        figures.push(figure('read-window', `openRaster().read(window) of ${win.width}×${win.height}`, mcells(winCells / wr.best), 'Mcells/s'));
        figures.push(figure('read-vs-gdal-threads', 'readRaster / GDAL ReadAsArray with GDAL_NUM_THREADS=ALL_CPUS (speed ratio, ≥ 1: we are faster)', gdalPy.readThreads / r.best, '×'));
        figures.push(figure('read-window-vs-gdal-threads', 'openRaster().read(window) / GDAL ReadAsArray(window), threads on', gdalPy.windowThreads / wr.best, '×'));
        figures.push(figure('write-vs-gdal-threads', 'writeRaster / GDAL WriteArray to Deflate+pred3 tiled with NUM_THREADS=ALL_CPUS', gdalPy.writeThreads / w.best, '×'));
        figures.push(figure('read-vs-gdal-1t', 'readRaster / GDAL ReadAsArray, one GDAL thread', gdalPy.read1 / r.best, '×'));
        figures.push(figure('write-vs-gdal-1t', 'writeRaster / GDAL WriteArray, one GDAL thread', gdalPy.write1 / w.best, '×'));
        figures.push(figure('file-size-vs-gdal', 'our Deflate+pred3 file size / GDAL\'s (same data, level 6)', size / gdalPy.size, 'ratio', { higherIsBetter: false }));
      } else log('GDAL Python bindings (/usr/bin/python3 osgeo) not found: threaded GDAL figures skipped');
      figures.push(figure('peak-rss', 'peak RSS of the suite', peakRssBytes() / 2 ** 20, 'MiB', { higherIsBetter: false }));
      figures.push(figure('file-size', 'compressed file size per cell', size / cells, 'bytes/cell', { higherIsBetter: false }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
