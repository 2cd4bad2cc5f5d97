/**
 * QA helpers: run the `rusle` command in-process (same exit-status mapping as the binary), make bad inputs in a
 * temporary folder, list leftover temporary files.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';

export interface CliResult { status: number; stdout: string; stderr: string }

/** Runs `rusle <argv>` in-process with `cwd` as its working folder. */
export async function rusle(argv: string[], cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    isTTY: false,
    ci: true,
    cwd,
    debug: false,
  });
  return { status, stdout, stderr };
}

/** The one error line of a failed command: `rusle <cmd>: <CODE>: …`, and no stack trace. */
export function errorLine(r: CliResult): { code: string; line: string } {
  const lines = r.stderr.split('\n').filter((l) => /^rusle( \S+)?: [A-Z_]+: /.test(l));
  if (lines.length !== 1) throw new Error(`expected exactly one error line, got:\n${r.stderr}`);
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr)) throw new Error(`stack trace in stderr:\n${r.stderr}`);
  return { code: /: ([A-Z_]+): /.exec(lines[0]!)![1]!, line: lines[0]! };
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `rusle-qa-${tag}-`));
}

/** Temporary files a writer may leave next to its output (`.name.tmp-…`). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.tmp'));
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The first `fraction` of a file's bytes, written to `to`. */
export function truncateCopy(from: string, to: string, fraction: number): void {
  const bytes = readFileSync(from);
  writeFileSync(to, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** True when the tool is on the PATH; under CI=true a missing tool fails the file (test/tools.ts). */
export { hasTool as has } from '../tools.js';

export const DATA = {
  youwuzhenDem: 'data/youwuzhen/ywzdem30m.tif',
  bigtujunga: 'data/bigtujunga/srtm_bigtujunga30m_utm11.tif',
  willametteDem: 'data/willamette/dem_30m.tif',
  pysheds: 'data/pysheds/dem.tif',
} as const;
