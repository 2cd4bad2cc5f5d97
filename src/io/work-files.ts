/**
 * Files of a work folder: atomic writes (temporary file, fsync, rename), checksums, free disk space. The job layer
 * (`src/jobs`) does all its file I/O through these.
 *
 * A file written by {@link writeFileAtomic} appears at its path complete or not at all: a process killed mid-write
 * leaves at most a `*.tmp-<tag>-<n>` file, which nothing trusts and {@link removeTemporaryFiles} deletes.
 *
 * @module
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RusleError } from '../raster/errors.js';

let tmpCounter = 0;
/** Distinguishes this thread's temporary files from those of other threads and processes. */
const tmpTag = randomBytes(6).toString('hex');

/** Suffix pattern of temporary files left by an interrupted {@link writeFileAtomic}. */
export const TEMPORARY_FILE_PATTERN = /\.tmp-[0-9a-f]+-\d+$/;

/**
 * Writes `bytes` to `path` atomically: to a temporary file beside it, fsync, then rename. Creates the folder.
 * @throws RusleError `IO_ERROR` when the system refuses.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${tmpTag}-${tmpCounter++}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      let off = 0;
      while (off < bytes.length) {
        const { bytesWritten } = await fh.write(bytes, off, Math.min(bytes.length - off, 1 << 26));
        off += bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    if (e instanceof RusleError) throw e;
    throw new RusleError('IO_ERROR', `cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Reads a whole file. @throws RusleError `IO_ERROR` when it cannot be read. */
export async function readWorkFile(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new RusleError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 (hex) and size of a file, or `null` when it does not exist or cannot be read. */
export async function fileChecksum(path: string): Promise<{ sha256: string; bytes: number } | null> {
  try {
    const b = await readFile(path);
    return { sha256: sha256Hex(b), bytes: b.byteLength };
  } catch {
    return null;
  }
}

/** Free bytes available to this user on the file system that holds `path` (or its nearest existing parent). */
export async function freeDiskBytes(path: string): Promise<number> {
  let p = path;
  for (let k = 0; k < 64; k++) {
    try {
      const s = await statfs(p);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
  }
  throw new RusleError('IO_ERROR', `cannot find the free space of the file system holding ${path}`);
}

/** Deletes temporary files of interrupted atomic writes under `dir` (recursively). Returns how many. */
export async function removeTemporaryFiles(dir: string): Promise<number> {
  let n = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await removeTemporaryFiles(p);
    else if (TEMPORARY_FILE_PATTERN.test(e.name)) {
      await unlink(p).catch(() => undefined);
      n++;
    }
  }
  return n;
}

/** Removes a folder and everything in it (no error when it does not exist). */
export async function removeFolder(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** True when two existing paths lie on the same file system (same device). */
export async function sameFileSystem(a: string, b: string): Promise<boolean> {
  try {
    return (await stat(a)).dev === (await stat(b)).dev;
  } catch {
    return false;
  }
}
