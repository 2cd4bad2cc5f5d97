#!/usr/bin/env node
/**
 * The `rusle` command: dispatches to a subcommand, handles `--help`, `--quiet`, `--json`, and maps errors to exit
 * codes: 0 success, 2 bad input or usage (a {@link RusleError} whose code is an input error), 1 internal error.
 * @module
 */

import { readFileSync } from 'node:fs';
import { INPUT_ERROR_CODES, RusleError } from '../raster/errors.js';
import type { Command, CommandContext, ParsedArgs } from './command.js';
import { closestName, parseFlags } from './flags.js';
import { COMMANDS } from './commands/index.js';
import { Progress, type ProgressMode } from './progress.js';

/** Exit status for success. */
export const EXIT_OK = 0;
/** Exit status for an internal error (a bug, or the operating system failing). */
export const EXIT_INTERNAL = 1;
/** Exit status for bad input or bad usage. */
export const EXIT_BAD_INPUT = 2;

/**
 * `IO_ERROR`s whose errno means the path the user gave is wrong (a missing input file, an output folder that does
 * not exist, a folder where a file was expected): bad input, exit 2. Other operating-system failures (disk full,
 * file too large, I/O error) stay exit 1.
 */
const PATH_ERRNOS: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** Exit status for a {@link RusleError}: 2 for input errors (including a wrong path), 1 otherwise. */
export function exitStatusOf(e: RusleError): number {
  if (INPUT_ERROR_CODES.has(e.code)) return EXIT_BAD_INPUT;
  const errno = e.details?.['errno'] ?? (e.cause as { code?: unknown } | undefined)?.code;
  return e.code === 'IO_ERROR' && typeof errno === 'string' && PATH_ERRNOS.has(errno) ? EXIT_BAD_INPUT : EXIT_INTERNAL;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  return [
    `rusle ${version()} — soil loss by water erosion (RUSLE, CSLE), intensity classes and the conservation rate`,
    '',
    'Usage: rusle <command> [options]   (rusle <command> --help for its flags)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global flags: --help, --version, --quiet (no progress or informational lines), --json (one JSON result on stdout)',
    'Exit status: 0 success, 2 bad input or usage, 1 internal error.',
  ].join('\n');
}

/** Streams the CLI writes to; injectable for tests. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  ci: boolean;
  cwd: string;
  /** Print stacks after error lines (`RUSLE_DEBUG=1`). */
  debug?: boolean;
}

/** Collapses a message onto one line (errors are printed as one line). */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function parsedJson(args: readonly string[]): boolean {
  return args.includes('--json');
}

function progressMode(io: CliIo, quiet: boolean, json: boolean): ProgressMode {
  if (quiet || json) return 'none';
  if (io.isTTY && !io.ci) return 'tty';
  return 'lines';
}

/** Runs the CLI with `argv` (without the node and script paths); returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined && COMMANDS.some((c) => c.name === rest[0])) {
    io.stdout(COMMANDS.find((c) => c.name === rest[0])!.help.trimEnd() + '\n');
    return EXIT_OK;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp() + '\n');
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(version() + '\n');
    return EXIT_OK;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const close = closestName(name, COMMANDS.map((c) => c.name));
    const hint = close !== undefined ? `; did you mean '${close}'?` : '';
    if (parsedJson(rest)) io.stdout(JSON.stringify({ error: { code: 'BAD_ARGUMENT', message: `unknown command '${name}'${hint}` } }) + '\n');
    io.stderr(`rusle: BAD_ARGUMENT: unknown command '${name}'${hint} (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see 'rusle --help')\n`);
    return EXIT_BAD_INPUT;
  }
  let parsed: ParsedArgs;
  try {
    parsed = parseFlags(rest, command.options);
  } catch (e) {
    const msg = oneLine((e as Error).message);
    if (parsedJson(rest)) io.stdout(JSON.stringify({ error: { code: 'BAD_ARGUMENT', message: msg } }) + '\n');
    io.stderr(`rusle ${name}: BAD_ARGUMENT: ${msg} (see 'rusle ${name} --help')\n`);
    return EXIT_BAD_INPUT;
  }
  if (parsed.values.help) {
    io.stdout(command.help.trimEnd() + '\n');
    return EXIT_OK;
  }
  const quiet = parsed.values.quiet === true;
  const json = parsed.values.json === true;
  const mode = progressMode(io, quiet, json);
  const ctx: CommandContext = {
    out: (line) => { if (!quiet && !json) io.stdout(line + '\n'); },
    err: (line) => io.stderr(line + '\n'),
    quiet,
    json,
    progress: (label, total, unit) => new Progress(label, total, mode, io.stderr, unit),
    cwd: io.cwd,
  };
  try {
    const r = await command.run(parsed, ctx);
    if (r && typeof r === 'object' && 'json' in r) {
      if (json) io.stdout(JSON.stringify(r.json, null, 2) + '\n');
      return EXIT_OK;
    }
    return typeof r === 'number' ? r : EXIT_OK;
  } catch (e) {
    if (e instanceof RusleError) {
      const status = exitStatusOf(e);
      if (json) io.stdout(JSON.stringify({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }) + '\n');
      io.stderr(`rusle ${name}: ${e.code}: ${oneLine(e.message)}\n`);
      if (io.debug && e.stack) io.stderr(e.stack + '\n');
      return status;
    }
    const err = e as Error;
    if (json) io.stdout(JSON.stringify({ error: { code: 'INTERNAL', message: String(err?.message ?? e) } }) + '\n');
    io.stderr(`rusle ${name}: INTERNAL: ${oneLine(String(err?.message ?? e))} (a bug: please report it with the command you ran; RUSLE_DEBUG=1 prints the stack)\n`);
    if (io.debug && err?.stack) io.stderr(err.stack + '\n');
    return EXIT_INTERNAL;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${(await import('node:fs')).realpathSync(process.argv[1])}`).href;
if (isMain) {
  const status = await runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: process.stderr.isTTY === true,
    ci: process.env['CI'] === 'true' || process.env['CI'] === '1',
    cwd: process.cwd(),
    debug: process.env['RUSLE_DEBUG'] === '1',
  });
  process.exitCode = status;
}
