/**
 * The shape of a `rusle` subcommand and the context it runs in. No science here: a command parses its flags,
 * calls the library, and writes files and lines.
 * @module
 */

import type { ParseArgsConfig } from 'node:util';
import { Progress } from './progress.js';

/** Options of a command, as `node:util` `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments handed to a command. */
export interface ParsedArgs {
  /** Flag values by long name. */
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Positional arguments. */
  readonly positionals: string[];
}

/** What a command may use: output streams and the global flags. */
export interface CommandContext {
  /** Write a line of normal output (suppressed by `--quiet`, except results). */
  readonly out: (line: string) => void;
  /** Write a diagnostic line to standard error. */
  readonly err: (line: string) => void;
  /** `--quiet`: no progress and no informational lines. */
  readonly quiet: boolean;
  /** `--json`: print one JSON document with the result on standard output. */
  readonly json: boolean;
  /** Creates a progress reporter (TTY bar, plain lines in pipes and CI, nothing when quiet or json). */
  readonly progress: (label: string, total: number, unit?: string) => Progress;
  /** Working directory for relative paths. */
  readonly cwd: string;
  /** `--band N` of a command that declares it: the band to read from multi-band raster inputs. */
  readonly band?: number;
}

/** A subcommand of `rusle`. */
export interface Command {
  /** Name as typed after `rusle`. */
  readonly name: string;
  /** One-line summary for `rusle --help`. */
  readonly summary: string;
  /** Full help text (usage, every flag with its unit and default, an example). */
  readonly help: string;
  /** Flags (long names); `help`, `quiet` and `json` are added for every command. */
  readonly options: OptionSpec;
  /** Runs the command; returns the exit status (0 when omitted). JSON results go through `result`. */
  run(args: ParsedArgs, ctx: CommandContext): Promise<number | void | { json: unknown }>;
}
