/**
 * QA: bad input gets one clear error line with its RusleError code and exit status 2, never a stack trace, never
 * exit 0 with an all-nodata map; a failed write leaves no temporary file and keeps a pre-existing output intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Grid, Raster, readRaster, writeRaster } from '../../src/index.js';
import { DATA, errorLine, has, leftovers, rusle, sha256, tempDir, truncateCopy } from './helpers.js';

const dir = tempDir('bad');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (f: string) => join(dir, f);
let dem: Raster;

/** A Float32 factor on the Youwuzhen DEM's grid: `value` where the DEM is valid, `special` on 50 valid cells from the middle row on. */
async function factor(name: string, value: number, special?: number, grid?: Grid): Promise<string> {
  const data = new Float32Array(dem.data.length);
  let n = 0;
  const middle = Math.floor(dem.grid.height / 2) * dem.grid.width;
  for (let i = 0; i < data.length; i++) {
    const z = dem.data[i] as number;
    data[i] = z === z ? (special !== undefined && i >= middle && n++ < 50 ? special : value) : NaN;
  }
  await writeRaster(p(name), new Raster(grid ?? dem.grid, data, NaN));
  return p(name);
}

beforeAll(async () => {
  dem = await readRaster(DATA.youwuzhenDem);
  truncateCopy(DATA.bigtujunga, p('half.tif'), 0.5);
  writeFileSync(p('not-a-tiff.tif'), 'this is plain text, not a TIFF\n');
  await factor('ls.tif', 2);
  await factor('k.tif', 0.03);
  await factor('k-negative.tif', 0.03, -0.01);
  await factor('k-inf.tif', 0.03, Infinity);
  await factor('k-nodata.tif', NaN);
  const t = dem.grid.transform;
  await factor('k-shifted.tif', 0.03, undefined, new Grid(dem.grid.width, dem.grid.height, [t[0] + 30, t[1], t[2], t[3], t[4], t[5]], dem.grid.crs));
  await writeRaster(p('dem-nodata.tif'), new Raster(dem.grid, new Float32Array(dem.data.length).fill(NaN), NaN));
});

describe('QA: unreadable rasters', () => {
  it.each([
    ['slope', 'half.tif', 'TRUNCATED'],
    ['ls', 'half.tif', 'TRUNCATED'],
    ['flow', 'half.tif', 'TRUNCATED'],
    ['fill', 'half.tif', 'TRUNCATED'],
    ['slope', 'not-a-tiff.tif', 'NOT_A_TIFF'],
    ['flow', 'not-a-tiff.tif', 'NOT_A_TIFF'],
    ['slope', 'missing.tif', 'IO_ERROR'],
    ['flow', 'missing.tif', 'IO_ERROR'],
  ])('rusle %s on %s exits 2 with %s and writes nothing', async (cmd, input, code) => {
    const r = await rusle([cmd, input, '-o', `out-${cmd}.tif`], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe(code);
    expect(existsSync(p(`out-${cmd}.tif`))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a truncated land-use raster stops rusle factor c with TRUNCATED', async () => {
    truncateCopy('data/willamette/landuse_90.tif', p('lu-half.tif'), 0.5);
    const r = await rusle(['factor', 'c', '--landcover', 'lu-half.tif', '--table', resolve('data/willamette/biophysical_table.csv'), '-o', 'c.tif'], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('TRUNCATED');
  });

  it('an output folder that does not exist is IO_ERROR with exit 2 and leaves no folder behind', async () => {
    const r = await rusle(['slope', resolve(DATA.youwuzhenDem), '-o', 'no/such/folder/s.tif'], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('IO_ERROR');
    expect(existsSync(p('no'))).toBe(false);
  });
});

describe('QA: bad factors in rusle soil-loss', () => {
  const base = (k: string) => ['soil-loss', '--r', '6000', '--k', k, '--ls', 'ls.tif', '--c', '0.2', '--p', '1', '-o', 'a.tif', '-q'];

  it('a negative K stops with BAD_VALUE naming K, its count and first cell; a pre-existing A.tif is kept byte for byte', async () => {
    expect((await rusle(base('k.tif'), dir)).status).toBe(0);
    const before = sha256(p('a.tif'));
    const r = await rusle(base('k-negative.tif'), dir);
    expect(r.status).toBe(2);
    const { code, line } = errorLine(r);
    expect(code).toBe('BAD_VALUE');
    expect(line).toMatch(/50 cell\(s\).*K/);
    expect(sha256(p('a.tif'))).toBe(before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('an infinite K stops with BAD_VALUE', async () => {
    const r = await rusle(base('k-inf.tif'), dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('BAD_VALUE');
  });

  it('a negative constant R stops with BAD_VALUE', async () => {
    const r = await rusle(['soil-loss', '--r=-5', '--k', 'k.tif', '--ls', 'ls.tif', '--c', '0.2', '--p', '1', '-o', 'a2.tif'], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('BAD_VALUE');
  });

  it('K on a grid shifted by one cell is GRID_MISMATCH', async () => {
    const r = await rusle(base('k-shifted.tif'), dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('GRID_MISMATCH');
  });

  it('a K rewritten by GDAL (same grid, GDAL\'s CRS citation) is on the same grid', async () => {
    if (!has('gdal_translate')) return;
    const g = spawnSync('gdal_translate', ['-q', '-co', 'COMPRESS=DEFLATE', p('k.tif'), p('k-gdal.tif')]);
    expect(g.status).toBe(0);
    const r = await rusle([...base('k-gdal.tif').slice(0, -3), '-o', 'a-gdal.tif', '-q'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  // model/CLI soil-loss (owned by the model helper): an all-nodata factor gives exit 0 and an all-NaN A.
  it('a K that is nodata everywhere is refused, not written as an all-nodata A', async () => {
    const r = await rusle([...base('k-nodata.tif').slice(0, -3), '-o', 'a-empty.tif', '-q'], dir);
    expect(r.status).toBe(2);
  });
});

describe('QA: rusle flow, formula and factor refuse what they cannot compute', () => {
  it('rusle flow on a DEM that is nodata everywhere exits 2 with BAD_VALUE and writes nothing', async () => {
    const r = await rusle(['flow', 'dem-nodata.tif', '-o', 'flow-empty.tif'], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('BAD_VALUE');
    expect(existsSync(p('flow-empty.tif'))).toBe(false);
  });

  it('rusle formula refuses a stray positional instead of ignoring it', async () => {
    const r = await rusle(['formula', 'S.mccool1987', 'slopeRad=-1']);
    expect(r.status).toBe(2);
    expect(errorLine(r).line).toContain('--<input>');
  });

  it('rusle formula refuses NaN and out-of-range inputs with BAD_VALUE', async () => {
    for (const v of ['NaN', '-1', 'Infinity']) {
      const r = await rusle(['formula', 'S.mccool1987', `--slope-rad=${v}`]);
      expect(r.status, v).toBe(2);
      expect(errorLine(r).code, v).toBe('BAD_VALUE');
    }
  });

  it('rusle factor k with only numbers says a raster input is needed', async () => {
    const r = await rusle(['factor', 'k', '--sand', '40', '--silt', '40', '--clay', '20', '--oc', '1', '-o', 'k-const.tif'], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).line).toMatch(/GeoTIFF/);
  });

  it('an NDVI above 1 stops rusle factor c with BAD_VALUE naming --on-out-of-range; with it the cells are nodata and counted', async () => {
    await factor('ndvi.tif', 0.5, 1.5);
    const r = await rusle(['factor', 'c', '--ndvi', 'ndvi.tif', '-o', 'c-ndvi.tif'], dir);
    expect(r.status).toBe(2);
    const { code, line } = errorLine(r);
    expect(code).toBe('BAD_VALUE');
    expect(line).toContain('--on-out-of-range nodata');
    expect(existsSync(p('c-ndvi.tif'))).toBe(false);
    const ok = await rusle(['factor', 'c', '--ndvi', 'ndvi.tif', '-o', 'c-ndvi.tif', '--on-out-of-range', 'nodata'], dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('50 out of range');
  });

  it('a missing lookup table is IO_ERROR with exit 2', async () => {
    const r = await rusle(['factor', 'c', '--landcover', resolve('data/willamette/landuse_90.tif'), '--table', 'nope.csv', '-o', 'c2.tif'], dir);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('IO_ERROR');
  });
});

describe('QA: rusle run with bad configs and factors', () => {
  const cfgDir = join(dir, 'cfg');
  const good = (): Record<string, unknown> => {
    const c = JSON.parse(readFileSync('examples/pipelines/youwuzhen.json', 'utf8')) as Record<string, any>;
    const abs = (x: string) => resolve('examples/pipelines', x);
    for (const v of Object.values(c.inputs) as Record<string, unknown>[]) {
      if (v && typeof v === 'object') for (const k of ['table', 'raster', 'path']) if (typeof v[k] === 'string') v[k] = abs(v[k] as string);
    }
    c.inputs.dem = abs(c.inputs.dem);
    delete c.$schema;
    delete c.output.folder;
    return c;
  };
  const write = (name: string, c: unknown): string => {
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, name), JSON.stringify(c, null, 1));
    return join(cfgDir, name);
  };

  it('typos in the config are BAD_CONFIG listing every mistake with its key path and a suggestion', async () => {
    const c = good() as Record<string, any>;
    c.modle = 'csle';
    c.ls.presett = 'csle';
    c.assessment.region = 'red soil';
    const r = await rusle(['run', write('typo.json', c), '-o', join(dir, 'out-typo'), '-q']);
    expect(r.status).toBe(2);
    const { code, line } = errorLine(r);
    expect(code).toBe('BAD_CONFIG');
    expect(line).toContain("did you mean 'model'");
    expect(line).toContain("did you mean 'preset'");
    expect(line).toContain('assessment.region');
    expect(existsSync(join(dir, 'out-typo'))).toBe(false);
  });

  it('a config cut in the middle is BAD_CONFIG (not valid JSON)', async () => {
    writeFileSync(join(cfgDir, 'cut.json'), JSON.stringify(good()).slice(0, 150));
    const r = await rusle(['run', join(cfgDir, 'cut.json'), '-o', join(dir, 'out-cut'), '-q']);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('BAD_CONFIG');
  });

  it('zones far from the grid are NO_OVERLAP, not an empty table', async () => {
    const gj = JSON.parse(readFileSync('examples/pipelines/youwuzhen-zones.geojson', 'utf8')) as { features: { geometry: { coordinates: unknown } }[] };
    const shift = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? [c[0] + 3, (c[1] as number) + 2] : (c as unknown[]).map(shift));
    for (const f of gj.features) f.geometry.coordinates = shift(f.geometry.coordinates);
    writeFileSync(p('far.geojson'), JSON.stringify(gj));
    const c = good() as Record<string, any>;
    c.inputs.zones.path = p('far.geojson');
    const r = await rusle(['run', write('far.json', c), '-o', join(dir, 'out-far'), '-q']);
    expect(r.status).toBe(2);
    expect(errorLine(r).code).toBe('NO_OVERLAP');
    expect(existsSync(join(dir, 'out-far', 'rate.csv'))).toBe(false);
    const rr = await rusle(['rate', resolve(DATA.youwuzhenDem), '--units', 't/ha/yr', '--region', 'red-soil', '--zones', p('far.geojson'), '-o', 'rate-far.csv'], dir);
    expect(rr.status).toBe(2);
    expect(errorLine(rr).code).toBe('NO_OVERLAP');
  });

  it('a negative K raster stops the run with BAD_VALUE; engine.onBadValue "nodata" runs and notes the cells', async () => {
    const c = good() as Record<string, any>;
    c.inputs.K = p('k-negative.tif');
    const r = await rusle(['run', write('kneg.json', c), '-o', join(dir, 'out-kneg'), '-q']);
    expect(r.status).toBe(2);
    const { code, line } = errorLine(r);
    expect(code).toBe('BAD_VALUE');
    expect(line).toContain('"onBadValue": "nodata"');
    expect(existsSync(join(dir, 'out-kneg', 'A.tif'))).toBe(false);
    c.engine = { onBadValue: 'nodata' };
    const ok = await rusle(['run', write('kneg-nodata.json', c), '-o', join(dir, 'out-kneg-nodata')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/\d+ cells had a negative or non-finite factor value/);
  });

  it.each([[false], [true]])('a K raster that is nodata everywhere stops the run with BAD_VALUE (streamed: %s)', async (streamed) => {
    const c = good() as Record<string, any>;
    c.inputs.K = p('k-nodata.tif');
    const r = await rusle(['run', write(`knd-${streamed}.json`, c), '-o', join(dir, `out-knd-${streamed}`), '-q', ...(streamed ? ['--streamed'] : [])]);
    expect(r.status).toBe(2);
    const { code, line } = errorLine(r);
    expect(code).toBe('BAD_VALUE');
    expect(line).toContain('no cell has a valid value of every factor');
    expect(line).not.toMatch(/\.\.\/\.\.\.\./); // paths in notes are not rewritten twice
    if (!streamed) expect(readdirSync(join(dir, `out-knd-${streamed}`))).toEqual([]);
  });
});

describe.skipIf(process.platform !== 'linux' || !has('bash'))('QA: a write that fails midway', () => {
  // ulimit -f 4 makes every write past 2 kB fail with EFBIG (SIGXFSZ ignored): the writer fails after its first bytes.
  const limited = (args: string[]) =>
    spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 4; exec "$@"`, 'bash', process.execPath, resolve('dist/cli/main.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const built = existsSync('dist/cli/main.js');

  it.skipIf(!built).each([
    ['slope', [resolve(DATA.youwuzhenDem), '-o', 'big.tif']],
    ['flow', [resolve(DATA.youwuzhenDem), '-o', 'big.tif']],
    ['ls', [resolve(DATA.youwuzhenDem), '-o', 'big.tif']],
  ])('rusle %s: IO_ERROR, exit 1, the previous output is intact and no temporary file is left', (cmd, args) => {
    mkdirSync(p('w'), { recursive: true });
    copyFileSync('data/youwuzhen/ywzsoil30m.tif', p('big.tif'));
    const before = sha256(p('big.tif'));
    const r = limited([cmd as string, ...(args as string[])]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^rusle ${cmd}: IO_ERROR: .*EFBIG`, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(sha256(p('big.tif'))).toBe(before);
    expect(leftovers(dir)).toEqual([]);
  });
});
