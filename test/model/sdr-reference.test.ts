/**
 * InVEST SDR reference: our `sedimentDelivery` and the `invest-3.14` LS preset against InVEST's equations re-typed in
 * numpy (scripts/reference/invest-sdr.py, run by scripts/reference/make-sdr-fixtures.sh; fixtures in
 * test/fixtures/sdr, see VERSIONS.txt) on a 256 × 256 window of Willamette and on Youwuzhen.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readRaster } from '../../src/io/index.js';
import { Raster, type FloatArray } from '../../src/raster/raster.js';
import { lsFactor } from '../../src/factors/ls/index.js';
import { sedimentDelivery } from '../../src/model/sdr.js';

const FIX = fileURLToPath(new URL('../fixtures/sdr/', import.meta.url));
const R = 1000;
const K = 0.03;

async function f(name: string): Promise<Float64Array> {
  const r = await readRaster(FIX + name);
  return Float64Array.from(r.data as FloatArray);
}

/** Share of the cells valid in both with |a − b| ≤ atol + rtol·|b|, and the cells valid in only one. */
function agreement(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol = 0): { share: number; onlyOne: number; maxRel: number } {
  let both = 0, ok = 0, onlyOne = 0, maxRel = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if ((x === x) !== (y === y)) { onlyOne++; continue; }
    if (x !== x) continue;
    both++;
    const d = Math.abs(x - y);
    if (d <= atol + rtol * Math.abs(y)) ok++;
    const rel = d / Math.max(Math.abs(y), 1e-12);
    if (rel > maxRel && d > atol) maxRel = rel;
  }
  return { share: both === 0 ? 0 : ok / both, onlyOne, maxRel };
}

const CASES = [
  { name: 'willamette256', threshold: 1000 },
  { name: 'youwuzhen', threshold: 100 },
] as const;

describe.each(CASES)('InVEST SDR reference on $name (InVEST 3.20 equations, MFD; numpy re-typing)', ({ name, threshold }) => {
  const run = (async () => {
    const dem = await readRaster(FIX + `${name}_dem.tif`);
    // C and P went through ENVI in the fixture script, which rewrites the CRS description: same cells, DEM's grid
    const c = new Raster(dem.grid, (await readRaster(FIX + `${name}_c.tif`)).data as Float32Array);
    const p = new Raster(dem.grid, (await readRaster(FIX + `${name}_p.tif`)).data as Float32Array);
    const n = dem.width * dem.height;
    const z = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = dem.data[i]!;
      z[i] = (dem.nodata !== null && v === dem.nodata) || v !== v || c.data[i] !== c.data[i] || p.data[i] !== p.data[i] ? NaN : v;
    }
    const masked = new Raster(dem.grid, z);
    const { ls } = lsFactor(masked, { preset: 'invest-3.14' });
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = ls.data[i]! * R * K * c.data[i]! * p.data[i]!;
    const res = sedimentDelivery(masked, { soilLoss: new Raster(dem.grid, a), c, thresholdCells: threshold });
    return { ls, res };
  })();

  it('streams (pygeoprocessing extract_streams_mfd, trace 0.7) are the same cells', async () => {
    const { res } = await run;
    const ref = await f(`${name}_invest_stream.tif`);
    let diff = 0;
    for (let i = 0; i < ref.length; i++) if ((ref[i] === 1) !== (res.streams.data[i] === 1)) diff++;
    expect(diff).toBe(0);
  });

  it('flow accumulation matches to 1e-6 relative', async () => {
    const { res } = await run;
    const g = agreement(res.accumulation.data, await f(`${name}_invest_flow_accumulation.tif`), 1e-6);
    expect(g.onlyOne).toBe(0);
    expect(g.share).toBe(1);
  });

  it('LS of the invest-3.14 preset matches _calculate_ls_factor to 1e-5 relative', async () => {
    const { ls } = await run;
    const g = agreement(ls.data, await f(`${name}_invest_ls.tif`), 1e-5);
    expect(g.onlyOne).toBe(0);
    expect(g.share).toBe(1);
  });

  it.each([
    ['ic', 'ic', 1e-5, 1e-6],
    ['sdr', 'sdr', 1e-5, 1e-7],
    ['export', 'sed_export', 1e-4, 1e-7],
    ['deposition', 'sed_deposition', 1e-4, 1e-6],
  ] as const)('%s matches InVEST\'s %s (rtol %s, atol %s) on every cell, nodata in the same cells', async (ours, theirs, rtol, atol) => {
    const { res } = await run;
    const got = (res as unknown as Record<string, Raster<Float32Array>>)[ours]!.data;
    const g = agreement(got, await f(`${name}_invest_${theirs}.tif`), rtol, atol);
    expect(g.onlyOne).toBe(0);
    expect(g.share).toBe(1);
  });

  it('what drains to the stream is the same mask', async () => {
    const { res } = await run;
    const ref = await f(`${name}_invest_what_drains_to_stream.tif`);
    let diff = 0;
    for (let i = 0; i < ref.length; i++) if (ref[i] !== res.drainsToStream.data[i]) diff++;
    expect(diff).toBe(0);
  });
});
