/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, which is then renamed onto the target, so
 * a reader never sees a half-written file and a failed write leaves the old file (if any) in place.
 * @module
 */

import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RusleError } from '../raster/errors.js';

/**
 * The temporary file an atomic write of `path` goes through: hidden, in the same folder (so the rename stays on one
 * file system), unique per process and call.
 */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes `bytes` (or UTF-8 text) to `path` through a temporary file beside it and a rename.
 *
 * @param path - the file to write.
 * @param bytes - its content; a string is written as UTF-8.
 * @throws RusleError `IO_ERROR` naming `path` when the folder is not writable or the disk is full; the temporary
 *   file is removed.
 *
 * @example
 * ```ts
 * await writeFileAtomic('soil-loss.png', classMapPng(classes, { title: 'classes', classes: sl190ClassStyles(500) }).png);
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = temporaryPathFor(path);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new RusleError('IO_ERROR', `cannot write ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
}
