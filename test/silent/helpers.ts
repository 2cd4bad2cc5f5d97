import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/main.js';

/** Fixture path under test/io/fixtures (made by scripts/reference/io-fixtures.sh). */
export const fx = (name: string): string => resolve('test/io/fixtures', name);

/** A fresh temporary folder. */
export const tmp = (): string => mkdtempSync(join(tmpdir(), 'rusle-silent-'));

/** Runs the command line in-process; returns the status and both streams. */
export async function cli(args: string[], cwd = resolve('.')): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, isTTY: false, ci: true, cwd });
  return { status, out, err };
}
