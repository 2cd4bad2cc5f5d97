import { describe, expect, it } from 'vitest';
import { RusleError } from '../../src/index.js';
import { choiceFlag, closestName, integerFlag, memoryBudgetFlag, numberFlag, parseFlags } from '../../src/cli/flags.js';
import { runCli } from '../../src/cli/main.js';

const options = { output: { type: 'string' as const, short: 'o' }, 'sand-pct': { type: 'string' as const }, streamed: { type: 'boolean' as const } };

function code(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return e instanceof RusleError ? `${e.code}: ${e.message}` : String(e); }
  return undefined;
}

describe('parseFlags', () => {
  it('parses flags, short flags and positionals, with the global flags', () => {
    const p = parseFlags(['in.tif', '-o', 'out.tif', '--streamed', '--json'], options);
    expect(p.positionals).toEqual(['in.tif']);
    expect(p.values).toMatchObject({ output: 'out.tif', streamed: true, json: true });
  });
  it('an unknown flag names the closest known flag', () => {
    expect(code(() => parseFlags(['--sand-pc', '3'], options))).toBe('BAD_ARGUMENT: unknown flag --sand-pc; did you mean --sand-pct?');
    expect(code(() => parseFlags(['--frobnicate'], options))).toBe('BAD_ARGUMENT: unknown flag --frobnicate');
  });
  it('a string flag without its value and a value given to a boolean flag are one-line errors', () => {
    expect(code(() => parseFlags(['-o'], options))).toMatch(/^BAD_ARGUMENT: --output needs a value/);
    expect(code(() => parseFlags(['--streamed=yes'], options))).toMatch(/^BAD_ARGUMENT: --streamed takes no value/);
  });
});

describe('flag readers', () => {
  it('numberFlag checks the range and names the flag and unit', () => {
    expect(numberFlag({ x: '2.5' }, 'x', { above: 0 })).toBe(2.5);
    expect(numberFlag({}, 'x')).toBeUndefined();
    expect(numberFlag({ x: 'none' }, 'x', { allowNone: true })).toBe(Infinity);
    expect(code(() => numberFlag({ x: '-1' }, 'x', { above: 0, unit: 'metres' }))).toBe("BAD_ARGUMENT: --x must be a number > 0 in metres, got '-1'");
    expect(code(() => numberFlag({ x: '0x10' }, 'x'))).toMatch(/must be a number/);
  });
  it('integerFlag, choiceFlag and memoryBudgetFlag refuse what they cannot read', () => {
    expect(integerFlag({ workers: '4' }, 'workers')).toBe(4);
    expect(code(() => integerFlag({ workers: '1.5' }, 'workers'))).toBe("BAD_ARGUMENT: --workers must be an integer ≥ 1, got '1.5'");
    expect(choiceFlag({}, 'routing', ['d8', 'mfd'], 'd8')).toBe('d8');
    expect(code(() => choiceFlag({ routing: 'mdf' }, 'routing', ['d8', 'mfd'], 'd8'))).toBe("BAD_ARGUMENT: --routing must be one of d8, mfd, got 'mdf'; did you mean mfd?");
    expect(memoryBudgetFlag({ 'memory-budget': '512MB' })).toBe('512MB');
    expect(code(() => memoryBudgetFlag({ 'memory-budget': 'lots' }))).toMatch(/^BAD_ARGUMENT: --memory-budget/);
  });
  it('closestName leaves far-off names alone', () => {
    expect(closestName('slope', ['slope', 'fill'])).toBe('slope');
    expect(closestName('zzzzzz', ['slope', 'fill'])).toBeUndefined();
  });
});

describe('rusle with a mistyped flag or command', () => {
  const io = () => {
    const out: string[] = [], err: string[] = [];
    return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTTY: false, ci: true, cwd: process.cwd() } };
  };
  it('rusle formula with a mistyped input flag suggests the right one (exit 2, one line)', async () => {
    const t = io();
    const status = await runCli(['formula', 'K.epic', '--sand-pc', '40'], t.io);
    expect(status).toBe(2);
    expect(t.err.join('')).toMatch(/^rusle formula: BAD_ARGUMENT: unknown flag --sand-pc; did you mean --sand-pct\?/);
    expect(t.err.join('').trim().split('\n')).toHaveLength(1);
  });
  it('a mistyped command suggests the closest command', async () => {
    const t = io();
    expect(await runCli(['slop'], t.io)).toBe(2);
    expect(t.err.join('')).toContain("did you mean 'slope'?");
  });
});
