import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = resolve('dist/index.js');

/** A script that runs soilLoss with two workers and prints the valid cell count. */
const SCRIPT = `
const lib = await import(${JSON.stringify(LIB)});
const g = new lib.Grid(64, 64, [0, 30, 0, 0, 0, -30], lib.projectedCrs({ epsg: 32650 }));
const f = () => new lib.Raster(g, new Float32Array(64 * 64).fill(2));
const r = await lib.soilLoss({ R: f(), K: 0.1, LS: f(), C: 0.2, P: 1 }, { workers: 2, blockRows: 8 });
await lib.closeWorkerPool();
console.log('valid ' + r.stats.validCount);
`;

function run(args: string[], input?: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('soilLoss workers do not depend on the caller’s node flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rusle-flags-'));
  const mjs = join(dir, 'run.mjs');
  const js = join(dir, 'run.js');
  const loader = join(dir, 'loader.mjs');
  writeFileSync(mjs, SCRIPT);
  writeFileSync(js, SCRIPT);
  writeFileSync(loader, 'export async function resolve(s, c, next) { return next(s, c); }\n');

  it('runs with workers: 2 under node --input-type=module (script on stdin)', () => {
    const r = run(['--input-type=module', '-'], readFileSync(mjs, 'utf8'));
    expect(r.out).toContain('valid 4096');
    expect(r.status).toBe(0);
  });
  it('runs with workers: 2 under node --input-type=module -e', () => {
    const r = run(['--input-type=module', '-e', SCRIPT]);
    expect(r.out).toContain('valid 4096');
    expect(r.status).toBe(0);
  });
  it('runs with workers: 2 under node --experimental-default-type=module (a .js script)', () => {
    const r = run(['--no-warnings', '--experimental-default-type=module', js]);
    expect(r.out).toContain('valid 4096');
    expect(r.status).toBe(0);
  });
  it('runs with workers: 2 under node --loader', () => {
    const r = run(['--no-warnings', '--loader', loader, mjs]);
    expect(r.out).toContain('valid 4096');
    expect(r.status).toBe(0);
  });
});
