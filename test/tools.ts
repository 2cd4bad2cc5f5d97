// The one gate of the tests that need an outside tool (GDAL, Chromium, GRASS, SAGA, …).
//
// Locally, a test whose tool is missing is skipped (`describe.skipIf(!hasTool('gdalinfo'))`). Under CI=true the CI
// image installs every tool, so a missing tool is a broken image, not a reason to skip: `hasTool` throws, which fails
// the test file at collection instead of skipping silently.
import { spawnSync } from 'node:child_process';

const seen = new Map<string, boolean>();

/** True when `CI` is set to `true` or `1` (as .ci/run and most CI services do). */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['CI'] === 'true' || env['CI'] === '1';
}

/** True when `command` is on the PATH (looked up once per command). */
export function onPath(command: string): boolean {
  let found = seen.get(command);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v '${command.replace(/'/g, '')}'`], { encoding: 'utf8' }).status === 0;
    seen.set(command, found);
  }
  return found;
}

/**
 * True when every one of `commands` is on the PATH. Under CI=true a missing command throws instead: a tool-gated
 * test must run in CI, never skip.
 */
export function hasTool(...commands: string[]): boolean {
  const missing = commands.filter((c) => !onPath(c));
  if (missing.length === 0) return true;
  if (inCi()) {
    throw new Error(`CI=true but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not on the PATH: the tests that need ${missing.length > 1 ? 'them' : 'it'} would be skipped. Install ${missing.length > 1 ? 'them' : 'it'} in the CI image (see .ci/run).`);
  }
  return false;
}
