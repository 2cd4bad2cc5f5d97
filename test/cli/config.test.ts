import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RusleError } from '../../src/index.js';
import { configMistakes, loadPipelineConfig, parsePipelineConfig, configTolerance } from '../../src/cli/pipeline/config.js';

const ok = { inputs: { dem: 'dem.tif', R: 7000, K: 0.03, C: { type: 'table', table: 't.csv', raster: 'lu.tif' } } };
const withInputs = (inputs: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({ ...rest, inputs: { ...ok.inputs, ...inputs } });

describe('pipeline config validation', () => {
  it('a minimal valid config has no mistakes', () => {
    expect(configMistakes(ok)).toEqual([]);
  });

  it.each([
    ['a string where a number is expected', withInputs({ K: { type: 'constant', value: 'abc' } }), 'inputs.K.value: must be a number, got "abc"'],
    ['a negative constant', withInputs({ R: -5 }), 'inputs.R: must be a number ≥ 0, got -5'],
    ['an unknown factor type', withInputs({ K: { type: 'soil', table: 'x' } }), 'inputs.K.type: "type" must be one of "constant", "raster", "soil-table"'],
    ['a missing type', withInputs({ C: { table: 'x.csv' } }), 'inputs.C.type: "type" must be one of'],
    ['a misspelt key with a suggestion', withInputs({ K: { type: 'constant', vlaue: 0.03 } }), "inputs.K.vlaue: unknown key (did you mean 'value'?)"],
    ['a missing required key of a form', withInputs({ C: { type: 'table', table: 't.csv' } }), 'inputs.C.raster: required key is missing'],
    ['a bad model', { ...ok, model: 'usle' }, 'model: must be one of "rusle", "csle", got "usle"'],
    ['an unknown top-level key', { ...ok, ouptut: {} }, "ouptut: unknown key (did you mean 'output'?)"],
    ['a bad LS preset', { ...ok, ls: { preset: 'saga' } }, 'ls.preset: must be one of "csle", "rusle-aml", "invest"'],
    ['a bad region', { ...ok, assessment: { region: 'jiangxi' } }, 'assessment.region: must be one of "red-soil"'],
    ['a zero tolerance', { ...ok, assessment: { tolerance: 0 } }, 'assessment.tolerance: must be a number > 0, got 0'],
    ['bad output units', { ...ok, output: { units: 't/ha' } }, 'output.units: must be one of "t/ha/yr", "t/km2/yr", got "t/ha"'],
    ['a map size above 2000', { ...ok, output: { maxMapSize: 5000 } }, 'output.maxMapSize: must be a number ≤ 2000, got 5000'],
    ['a fractional worker count', { ...ok, engine: { workers: 1.5 } }, 'engine.workers: must be an integer, got 1.5'],
    ['a bad memory budget', { ...ok, engine: { memoryBudget: 'lots' } }, 'engine.memoryBudget: must look like'],
    ['an empty path', withInputs({ dem: '' }), 'inputs.dem: must not be empty'],
    ['inputs not an object', { inputs: [] }, 'inputs: must be an object, got an array'],
    ['no inputs', {}, 'inputs: required key is missing'],
    ['an NDVI method that does not exist', withInputs({ C: { type: 'ndvi', path: 'n.tif', method: 'linear' } }), 'inputs.C.method: must be one of "vanDerKnijff", "cai2000", got "linear"'],
    ['NDVI for P (C only)', withInputs({ P: { type: 'ndvi', path: 'n.tif' } }), 'inputs.P.type: "type" must be one of "constant", "raster", "table"'],
    ['zones with an unknown key', withInputs({ zones: { path: 'z.geojson', field: 'name' } }), "inputs.zones.field: unknown key"],
    ['a boolean where a factor is expected', withInputs({ K: true }), 'inputs.K: must be an object, got true'],
  ])('%s is reported with its key path', (_what, cfg, expected) => {
    const m = configMistakes(cfg);
    expect(m.join('\n')).toContain(expected);
  });

  it.each([
    ['neither DEM nor LS', { inputs: { R: 1, K: 1, C: 1 } }, 'inputs: give either inputs.dem'],
    ['both DEM and LS', withInputs({ lsRaster: 'ls.tif' }), 'inputs: give inputs.dem or inputs.lsRaster, not both'],
    ['no K', { inputs: { dem: 'd.tif', R: 1, C: 1 } }, 'inputs.K: required key is missing'],
    ['no C for rusle', { inputs: { dem: 'd.tif', R: 1, K: 1 } }, 'inputs.C: required key is missing for model "rusle"'],
    ['B with rusle', withInputs({ B: 0.2 }), 'inputs.B: is a CSLE factor'],
    ['C with csle', { model: 'csle', inputs: { dem: 'd.tif', R: 1, K: 1, C: 0.2, B: 0.3 } }, 'inputs.C: is a RUSLE factor'],
    ['tolerance and region', { ...ok, assessment: { tolerance: 500, region: 'red-soil' } }, 'assessment: give tolerance or region, not both'],
  ])('%s is reported', (_what, cfg, expected) => {
    expect(configMistakes(cfg).join('\n')).toContain(expected);
  });

  it('every mistake is reported, not only the first', () => {
    const m = configMistakes({ model: 'x', inputs: { dem: 'd.tif', R: -1, K: 'k.tif', C: { type: 'constant' } }, output: { units: 'kg' } });
    expect(m.length).toBeGreaterThanOrEqual(4);
  });

  it('parsePipelineConfig throws BAD_CONFIG naming the file and each mistake', () => {
    try {
      parsePipelineConfig({ inputs: { dem: 'd.tif', R: 'x', K: -1 } }, 'my.json', '/tmp');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RusleError);
      expect((e as RusleError).code).toBe('BAD_CONFIG');
      expect((e as RusleError).message).toMatch(/^my\.json: \d mistakes?: /);
      expect((e as RusleError).message).toContain('inputs.K: must be a number ≥ 0, got -1');
    }
  });

  it('relative paths are resolved against the folder of the config file; shorthands are expanded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-cfg-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ inputs: { dem: 'data/dem.tif', R: 7000, K: 'k.tif', C: { type: 'table', table: '../t.csv', raster: '/abs/lu.tif' } }, output: { folder: 'out' } }));
    const c = loadPipelineConfig(file);
    expect(c.inputs.dem).toBe(join(dir, 'data/dem.tif'));
    expect(c.inputs.factors.R).toEqual({ type: 'constant', value: 7000 });
    expect(c.inputs.factors.K).toEqual({ type: 'raster', path: join(dir, 'k.tif') });
    expect(c.inputs.factors.C).toMatchObject({ type: 'table', table: join(dir, '../t.csv'), raster: '/abs/lu.tif', codeColumn: 'lucode', valueColumn: 'usle_c' });
    expect(c.output.folder).toBe(join(dir, 'out'));
    expect(c.model).toBe('rusle');
  });

  it('zones format follows the extension unless given', () => {
    expect(parsePipelineConfig(withInputs({ zones: 'z.geojson' }), 'x', '/d').inputs.zones).toMatchObject({ format: 'geojson', path: '/d/z.geojson' });
    expect(parsePipelineConfig(withInputs({ zones: 'z.tif' }), 'x', '/d').inputs.zones).toMatchObject({ format: 'raster' });
  });

  it('tolerance comes from the number, the region, or 500', () => {
    expect(configTolerance(parsePipelineConfig({ ...ok, assessment: { region: 'loess' } }, 'x', '/'))).toBe(1000);
    expect(configTolerance(parsePipelineConfig({ ...ok, assessment: { tolerance: 200 } }, 'x', '/'))).toBe(200);
    expect(configTolerance(parsePipelineConfig(ok, 'x', '/'))).toBe(500);
  });

  it('a config that is not JSON gives BAD_CONFIG; a missing file gives BAD_ARGUMENT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-cfg-'));
    writeFileSync(join(dir, 'bad.json'), '{ "inputs": ');
    expect(() => loadPipelineConfig(join(dir, 'bad.json'))).toThrow(expect.objectContaining({ code: 'BAD_CONFIG' }));
    expect(() => loadPipelineConfig(join(dir, 'none.json'))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
