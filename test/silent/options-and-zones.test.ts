import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { lsFactor, lsFromSlopeAndArea } from '../../src/factors/ls/ls-factor.js';
import { zonesFromGeoJson } from '../../src/assess/zones.js';
import { ringSelfIntersection } from '../../src/assess/ring-check.js';
import { Grid } from '../../src/raster/grid.js';
import { Raster } from '../../src/raster/raster.js';
import { projectedCrs } from '../../src/raster/crs.js';
import { cli, fx, tmp } from './helpers.js';

describe('options a preset or method does not use are refused (IGNORED_OPTION)', () => {
  let dem: Raster;
  beforeAll(async () => { dem = await readRaster(fx('wil-m.tif')); });

  it.each([
    ['grass-r.watershed', { channelThresholdM2: 5000 }, 'channelThresholdM2'],
    ['grass-r.watershed', { routing: 'mfd' }, 'routing'],
    ['grass-r.watershed', { sFormula: 'S.csle' }, 'sFormula'],
    ['csle', { routing: 'mfd' }, 'routing'],
    ['rusle-aml', { routing: 'dinf' }, 'routing'],
    ['invest', { maxLengthM: 300 }, 'maxLengthM'],
    ['saga-desmet-govers', { channelThresholdM2: 1e4 }, 'channelThresholdM2'],
    ['rusle-aml', { mConstant: 0.4 }, 'mConstant'],
  ] as const)('lsFactor preset %s refuses %o', (preset, extra, key) => {
    expect(() => lsFactor(dem, { preset, ...extra } as never)).toThrow(expect.objectContaining({
      code: 'IGNORED_OPTION', message: expect.stringMatching(new RegExp(`${key} .*has no effect with preset '${preset}'`)),
    }));
  });

  it('options the method uses still work (and change the output)', () => {
    const a = lsFactor(dem, { preset: 'grass-r.watershed' }).ls.data;
    const b = lsFactor(dem, { preset: 'grass-r.watershed', maxLengthM: 60 }).ls.data;
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(lsFactor(dem, { preset: 'csle', channelThresholdM2: 5000 }).options.preset).toBe('custom');
  });

  it('lsFromSlopeAndArea refuses S and m formulas with moore-burch (fixed exponents)', async () => {
    const s = new Raster(dem.grid, new Float32Array(dem.width * dem.height).fill(0.1));
    expect(() => lsFromSlopeAndArea(s, s, { slopeUnits: 'radians', areaUnits: 'm2', method: 'moore-burch', sFormula: 'S.csle' }))
      .toThrow(expect.objectContaining({ code: 'IGNORED_OPTION' }));
  });

  it.each([
    [['--preset', 'grass-r.watershed', '--channel-threshold', '5000'], /IGNORED_OPTION: .*channelThresholdM2 5000 has no effect with preset 'grass-r\.watershed'.*--channel-threshold/],
    [['--preset', 'grass-r.watershed', '--routing', 'mfd'], /IGNORED_OPTION: .*routing 'mfd' has no effect with preset 'grass-r\.watershed'/],
    [['--preset', 'csle', '--routing', 'mfd'], /IGNORED_OPTION: .*routing 'mfd' has no effect with preset 'csle'/],
    [['--preset', 'rusle-aml', '--routing', 'mfd'], /IGNORED_OPTION: .*preset 'rusle-aml'/],
    [['--aspect', 'a.tif'], /IGNORED_OPTION: rusle ls: --aspect applies to the --slope\/--area form only/],
  ])('rusle ls %j exits 2 with IGNORED_OPTION', async (flags, message) => {
    const r = await cli(['ls', fx('wil-m.tif'), '-o', 'o.tif', ...flags], tmp());
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('rusle ls --slope/--area refuses DEM-only flags', async () => {
    const r = await cli(['ls', '--slope', fx('wil-m.tif'), '--slope-units', 'degrees', '--area', fx('wil-m.tif'), '--area-units', 'm2', '--method', 'moore-burch', '--max-length', '100', '-o', 'o.tif'], tmp());
    expect(r.status).toBe(2);
    expect(r.err).toContain('IGNORED_OPTION: rusle ls: --max-length applies to the DEM form only');
  });
});

describe('GeoJSON zones', () => {
  const grid = new Grid(10, 10, [500000, 100, 0, 3000000, 0, -100], projectedCrs({ epsg: 32650 }));
  const sq = (x0: number, y0: number, x1: number, y1: number) => [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]];
  const bowtie = [[[500000, 3000000], [501000, 2999000], [501000, 3000000], [500000, 2999000], [500000, 3000000]]];
  const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });
  const opt = { sourceCrs: '+proj=utm +zone=50 +datum=WGS84 +units=m +no_defs' };

  it('an empty FeatureCollection is refused (BAD_VALUE)', () => {
    expect(() => zonesFromGeoJson(fc([]) as never, grid, opt)).toThrow(expect.objectContaining({ code: 'BAD_VALUE', message: expect.stringContaining('has no features') }));
  });

  it('ringSelfIntersection finds the crossing of a bowtie and none in a square or a ring with a hole-like notch', () => {
    expect(ringSelfIntersection(bowtie[0]!)).toMatchObject({ at: [500500, 2999500] });
    expect(ringSelfIntersection(sq(0, 0, 1, 1)[0]!)).toBeNull();
    expect(ringSelfIntersection([[0, 0], [4, 0], [4, 4], [2, 1], [0, 4], [0, 0]])).toBeNull();
    // a ring that touches itself at a vertex
    expect(ringSelfIntersection([[0, 0], [4, 0], [2, 2], [4, 4], [0, 4], [2, 2], [0, 0]])).not.toBeNull();
  });

  it('a bowtie polygon gives a warning naming the feature id and ring; strictGeometry refuses it (BAD_GEOMETRY)', () => {
    const g = fc([{ type: 'Feature', id: 'plot-7', properties: {}, geometry: { type: 'Polygon', coordinates: bowtie } }]);
    const layer = zonesFromGeoJson(g as never, grid, opt);
    expect(layer.warnings.join('\n')).toMatch(/feature 0 \(id plot-7\), ring 0 \(outer\) crosses itself near \(500500, 2999500\)/);
    expect(() => zonesFromGeoJson(g as never, grid, { ...opt, strictGeometry: true })).toThrow(expect.objectContaining({ code: 'BAD_GEOMETRY' }));
    const ok = zonesFromGeoJson(fc([{ type: 'Feature', id: 1, properties: {}, geometry: { type: 'Polygon', coordinates: sq(500000, 2999000, 501000, 3000000) } }]) as never, grid, opt);
    expect(ok.warnings).toEqual([]);
  });

  describe('rusle rate', () => {
    let dir = '';
    beforeAll(async () => {
      dir = tmp();
      // A on a small UTM 50N grid near Changting (lon ≈ 116.4°E, lat ≈ 25.8°N)
      const g = new Grid(40, 40, [439800, 30, 0, 2853700, 0, -30], projectedCrs({ epsg: 32650 }));
      await writeRaster(join(dir, 'A.tif'), new Raster(g, new Float32Array(1600).fill(3)));
      writeFileSync(join(dir, 'empty.geojson'), JSON.stringify(fc([])));
      const ring = (pts: number[][]) => pts.map(([x, y]) => [x, y]);
      // lon/lat corners of the grid, computed roughly; a bowtie across the grid
      const [w, e, n, s] = [116.40, 116.41, 25.80, 25.79];
      writeFileSync(join(dir, 'bowtie.geojson'), JSON.stringify(fc([{ type: 'Feature', id: 'b1', properties: { name: 'bow' }, geometry: { type: 'Polygon', coordinates: [ring([[w, n], [e, s], [e, n], [w, s], [w, n]])] } }])));
    });
    it('exits 2 on an empty FeatureCollection', async () => {
      const r = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'empty.geojson', '-o', 'r.csv'], dir);
      expect(r.err).toMatch(/BAD_VALUE: GeoJSON zones: the FeatureCollection has no features/);
      expect(r.status).toBe(2);
    });
    it('warns on a bowtie (feature id and ring) and refuses it with --strict-geometry', async () => {
      const a = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'bowtie.geojson', '-o', 'r.csv'], dir);
      expect(a.err).toMatch(/warning: GeoJSON feature 0 \(id b1\), ring 0 \(outer\) crosses itself/);
      const b = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'bowtie.geojson', '--strict-geometry', '-o', 'r.csv'], dir);
      expect(b.status).toBe(2);
      expect(b.err).toContain('BAD_GEOMETRY');
    });
    it('refuses GeoJSON-only flags with a zone raster and --zero-is-none with GeoJSON (IGNORED_OPTION)', async () => {
      const a = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'A.tif', '--all-touched', '-o', 'r.csv'], dir);
      expect(a.status).toBe(2);
      expect(a.err).toContain('IGNORED_OPTION: --all-touched applies to GeoJSON zones only');
      const b = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'bowtie.geojson', '--zero-is-none', '-o', 'r.csv'], dir);
      expect(b.status).toBe(2);
      expect(b.err).toContain('IGNORED_OPTION: --zero-is-none applies to zone rasters only');
    });
  });
});

describe('flowAccumulation', () => {
  it('refuses exponent and mfdMethod unless routing is mfd (IGNORED_OPTION)', async () => {
    const { flowAccumulation } = await import('../../src/terrain/routing/chain.js');
    const dem = await readRaster(fx('wil-m.tif'));
    expect(() => flowAccumulation(dem, { routing: 'd8', exponent: 2 })).toThrow(expect.objectContaining({ code: 'IGNORED_OPTION', message: expect.stringContaining("exponent applies to routing 'mfd' only") }));
    expect(() => flowAccumulation(dem, { routing: 'dinf', mfdMethod: 'freeman1991' })).toThrow(expect.objectContaining({ code: 'IGNORED_OPTION' }));
    expect(flowAccumulation(dem, { routing: 'mfd', exponent: 2 }).width).toBe(dem.width);
  });
});
