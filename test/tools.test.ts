import { afterEach, describe, expect, it } from 'vitest';
import { hasTool, inCi } from './tools.js';

const ci = process.env['CI'];
afterEach(() => {
  if (ci === undefined) delete process.env['CI'];
  else process.env['CI'] = ci;
});

describe('hasTool (the gate of tool-dependent tests)', () => {
  it('reports a tool on the PATH and a missing one', () => {
    delete process.env['CI'];
    expect(hasTool('sh')).toBe(true);
    expect(hasTool('no-such-tool-rusle')).toBe(false);
  });
  it('under CI=true a missing tool fails instead of skipping', () => {
    process.env['CI'] = 'true';
    expect(inCi()).toBe(true);
    expect(() => hasTool('sh', 'no-such-tool-rusle')).toThrow(/CI=true but no-such-tool-rusle is not on the PATH/);
  });
});
