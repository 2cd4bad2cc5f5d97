import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { configMistakes } from '../../src/cli/pipeline/config.js';

describe('docs and example configs', () => {
  it.each(readdirSync('examples/pipelines').filter((f) => f.endsWith('.json')).map((f) => [f]))('examples/pipelines/%s is a valid pipeline config whose files exist', (f) => {
    const file = join('examples/pipelines', f);
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    expect(configMistakes(cfg)).toEqual([]);
    expect(existsSync(resolve(dirname(file), cfg.$schema))).toBe(true);
    const inputs = cfg.inputs as Record<string, unknown>;
    for (const v of Object.values(inputs)) {
      const paths = typeof v === 'string' ? [v] : v && typeof v === 'object' ? ['path', 'table', 'raster'].map((k) => (v as Record<string, unknown>)[k]).filter((p) => typeof p === 'string') : [];
      for (const p of paths as string[]) expect(existsSync(resolve(dirname(file), p)), p).toBe(true);
    }
  });

  it('the pipeline config in docs/getting-started.md is valid against the schema', () => {
    const md = readFileSync('docs/getting-started.md', 'utf8');
    const json = /```json\n([\s\S]*?)```/.exec(md)![1]!;
    expect(configMistakes(JSON.parse(json))).toEqual([]);
  });

  it.each([['README.md'], ['docs/getting-started.md']])('the library example in %s runs', (file) => {
    const code = /```js\n([\s\S]*?)```/.exec(readFileSync(file, 'utf8'))![1]!.replace("from 'rusle'", `from '${resolve('dist/index.js')}'`);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: resolve('.') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('docs/citing.md lists every formula of the registry (node scripts/gen-citing.mjs regenerates it)', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-citing.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
