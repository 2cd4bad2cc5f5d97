import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { Progress } from '../../src/cli/progress.js';

// These tests run the built command (npm test builds first).
const MAIN = resolve('dist/cli/main.js');
const rusle = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...env }, timeout: 120_000 });

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' first (npm test does)`);
});

describe('rusle command line', () => {
  it('rusle --help lists every registered command and exits 0', () => {
    const r = rusle(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
  });

  it.each(COMMANDS.map((c) => [c.name]))('rusle %s --help prints its usage and exits 0', (name) => {
    const r = rusle([name, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage:\s+rusle /);
    expect(r.stderr).toBe('');
  });

  it('every command help names an example', () => {
    for (const c of COMMANDS) expect(c.help, c.name).toMatch(/Example/i);
  });

  it('rusle help <command> prints that command\'s help', () => {
    const r = rusle(['help', 'run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: rusle run');
  });

  it('no command prints the help and exits 2', () => {
    const r = rusle([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('Commands:');
  });

  it('an unknown command is one error line with exit 2', () => {
    const r = rusle(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('BAD_ARGUMENT');
  });

  it('an unknown flag is one error line with exit 2', () => {
    const r = rusle(['run', '--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rusle run: BAD_ARGUMENT: /);
  });

  it('a missing config file exits 2 with BAD_ARGUMENT on one line', () => {
    const r = rusle(['run', 'no/such/pipeline.json']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('BAD_ARGUMENT');
  });

  it('a config with mistakes exits 2 with BAD_CONFIG naming each key on one line; --json gives the code on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ model: 'usle', inputs: { dem: 'dem.tif', R: -1, K: { type: 'constant' }, C: 0.1 } }));
    const r = rusle(['run', file]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('BAD_CONFIG');
    expect(lines[0]).toContain('model: must be one of "rusle", "csle", got "usle"');
    expect(lines[0]).toContain('inputs.R: must be a number ≥ 0, got -1');
    expect(lines[0]).toContain('inputs.K.value: required key is missing');
    const j = rusle(['run', file, '--json']);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout).error.code).toBe('BAD_CONFIG');
  });

  it('an input file that does not exist is reported with its key path (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-cli-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ inputs: { dem: 'missing-dem.tif', R: 1, K: 1, C: 'missing-c.tif' } }));
    const r = rusle(['run', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('inputs.dem: file not found');
    expect(r.stderr).toContain('inputs.C.path: file not found');
  });

  it('a file that is not a GeoTIFF exits 2 with its RusleError code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-cli-'));
    writeFileSync(join(dir, 'dem.tif'), 'not a tiff at all');
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ inputs: { dem: 'dem.tif', R: 1, K: 1, C: 1 } }));
    const r = rusle(['run', join(dir, 'p.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/NOT_A_TIFF|TRUNCATED/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rusle run on the Youwuzhen config writes every output; --quiet prints nothing; --json prints the summary', () => {
    const out = mkdtempSync(join(tmpdir(), 'rusle-run-'));
    const q = rusle(['run', 'examples/pipelines/youwuzhen.json', '-o', join(out, 'q'), '--quiet']);
    expect(q.stderr).toBe('');
    expect(q.status).toBe(0);
    expect(q.stdout).toBe('');
    for (const f of ['A.tif', 'intensity.tif', 'LS.tif', 'L.tif', 'S.tif', 'K.tif', 'B.tif', 'E.tif', 'rate.csv', 'rate.json', 'A.png', 'intensity.png', 'report.html', 'provenance.json']) {
      expect(existsSync(join(out, 'q', f)), f).toBe(true);
    }
    const prov = JSON.parse(readFileSync(join(out, 'q', 'provenance.json'), 'utf8'));
    expect(prov.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(prov.inputs.every((i: { sha256: string }) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(prov.formulasUsed).toEqual(expect.arrayContaining(['S.csle', 'K.epic']));
    expect(prov.formulas.length).toBeGreaterThan(10);
    const rate = JSON.parse(readFileSync(join(out, 'q', 'rate.json'), 'utf8'));
    expect(rate[0].zone).toBe('total');
    expect(rate.length).toBe(3); // total + two GeoJSON zones

    const j = rusle(['run', 'examples/pipelines/youwuzhen.json', '-o', join(out, 'j'), '--json']);
    expect(j.status).toBe(0);
    const res = JSON.parse(j.stdout);
    expect(res.summary.toleranceTKm2).toBe(500);
    expect(res.summary.conservationRatePct).toBeGreaterThan(0);
    expect(res.summary.conservationRatePct).toBeLessThan(100);
  });

  it('progress is printed as plain lines in CI and pipes', () => {
    const out = mkdtempSync(join(tmpdir(), 'rusle-run-'));
    const r = rusle(['run', 'examples/pipelines/youwuzhen.json', '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^A: 100 % \(/m);
    expect(r.stderr).not.toContain('\r');
    expect(r.stdout).toContain('report:');
  });
});

describe('Progress', () => {
  it('draws a bar with \\r on a TTY, plain lines otherwise, nothing when off', () => {
    const tty: string[] = [], lines: string[] = [], none: string[] = [];
    for (const [mode, sink] of [['tty', tty], ['lines', lines], ['none', none]] as const) {
      const p = new Progress('A', 100, mode, (s) => sink.push(s), 'cells', 0);
      p.update(50);
      p.finish();
    }
    expect(tty.join('')).toContain('\r');
    expect(tty.join('')).toContain('100 %');
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines.join('')).toContain('A: 100 %');
    expect(none).toEqual([]);
  });
});
