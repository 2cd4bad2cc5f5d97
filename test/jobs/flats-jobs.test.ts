import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRaster } from '../../src/io/index.js';
import { decodeArrays } from '../../src/io/array-file.js';
import { fillFirstStages, fillLastStages, flatsStages, MANIFEST_VERSION, runStages, writeManifest, type WorkManifest } from '../../src/jobs/index.js';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { fillDepressions } from '../../src/terrain/fill.js';
import { resolveFlats } from '../../src/terrain/flats.js';
import { tileTotal, tileWindow } from '../../src/terrain/fill-tiled.js';
import { sameBytes } from '../terrain/tiled-helpers.js';

const SEED = 20261214;

/** An integer DEM with big flats and a nodata lake. */
function terraces(w: number, h: number, seed: number): Raster {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const z = new Int16Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = Math.floor(3 * Math.sin(r / 9) + 2 * Math.cos(c / 13) + (rnd() < 0.05 ? 1 : 0)) + 10;
  for (let r = 20; r < 26; r++) for (let c = 30; c < 37; c++) z[r * w + c] = -9999;
  return new Raster(new Grid(w, h, [0, 10, 0, h * 10, 0, -10], projectedCrs({ epsg: 32650 })), z, -9999);
}

describe('flats as jobs', () => {
  it(`fill → flats stages give resolveFlats(fillDepressions(dem)) bit for bit, the same files for 1 and 2 workers (seed ${SEED})`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rusle-flats-jobs-'));
    try {
      const dem = terraces(97, 71, SEED);
      await writeRaster(join(dir, 'dem.tif'), dem);
      const tiling = { width: 97, height: 71, tileWidth: 13, tileHeight: 9 };
      const m: WorkManifest = {
        format: 'rusle-work', version: MANIFEST_VERSION, task: 'fill+flats', width: 97, height: 71, tileWidth: 13, tileHeight: 9,
        sources: { dem: { path: join(dir, 'dem.tif'), band: 1 } },
        params: { epsilon: false, maxDepressionCells: null, flatsInput: 'fill-finish', maxCrossingFlatCells: null },
        stages: [...fillFirstStages(tiling), ...fillLastStages(tiling, 'fill-spill', false), ...flatsStages(tiling, 'fill-finish')],
      };
      const whole = resolveFlats(fillDepressions(dem));
      const files: Buffer[][] = [];
      for (const workers of [1, 2]) {
        const work = join(dir, `w${workers}`);
        await writeManifest(work, m);
        await runStages(work, m, { workers });
        const labels = new Int32Array(97 * 71);
        const mask = new Int32Array(97 * 71);
        const bytes: Buffer[] = [];
        for (let t = 0; t < tileTotal(tiling); t++) {
          const raw = await readFile(join(work, `flats-finish/${t}.bin`));
          bytes.push(raw);
          const a = decodeArrays(new Uint8Array(raw)).arrays;
          const win = tileWindow(tiling, t);
          for (let r = 0; r < win.height; r++) {
            labels.set((a['labels'] as Int32Array).subarray(r * win.width, (r + 1) * win.width), (win.y + r) * 97 + win.x);
            mask.set((a['flatMask'] as Int32Array).subarray(r * win.width, (r + 1) * win.width), (win.y + r) * 97 + win.x);
          }
        }
        expect(sameBytes(labels, whole.labels)).toBe(true);
        expect(sameBytes(mask, whole.flatMask)).toBe(true);
        files.push(bytes);
      }
      expect(files[0]!.every((b, t) => b.equals(files[1]![t]!))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
