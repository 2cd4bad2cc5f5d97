/**
 * `manifest.json` of a work folder: reading, writing, checking. See `types.ts` for the format.
 * @module
 */

import { join } from 'node:path';
import { readWorkFile, writeFileAtomic } from '../io/work-files.js';
import { RusleError } from '../raster/errors.js';
import { MANIFEST_VERSION, type WorkManifest } from './types.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** File name of the manifest inside a work folder. */
export const MANIFEST_FILE = 'manifest.json';

/**
 * Checks a manifest's shape: format and version, unique stage names and job ids, outputs inside their stage's
 * folder and written by one job only, inputs that are earlier stages' outputs.
 * @throws RusleError `BAD_CONFIG` naming the first problem.
 */
export function validateManifest(m: WorkManifest): void {
  const bad = (msg: string): never => {
    throw new RusleError('BAD_CONFIG', `work manifest: ${msg}`);
  };
  if (m.format !== 'rusle-work') bad(`format must be 'rusle-work', got '${String(m.format)}'`);
  if (m.version !== MANIFEST_VERSION) bad(`version ${m.version} is not supported (expected ${MANIFEST_VERSION})`);
  for (const k of ['width', 'height', 'tileWidth', 'tileHeight'] as const) {
    if (!Number.isInteger(m[k]) || m[k] <= 0) bad(`${k} must be a positive integer, got ${m[k]}`);
  }
  const written = new Set<string>();
  const stages = new Set<string>();
  for (const s of m.stages) {
    if (!NAME.test(s.name)) bad(`stage name '${s.name}' must be letters, digits, '-' or '_'`);
    if (stages.has(s.name)) bad(`stage '${s.name}' appears twice`);
    stages.add(s.name);
    const ids = new Set<string>();
    const mine: string[] = [];
    for (const j of s.jobs) {
      if (!NAME.test(j.id)) bad(`job id '${j.id}' in stage '${s.name}' must be letters, digits, '-' or '_'`);
      if (ids.has(j.id)) bad(`job id '${j.id}' appears twice in stage '${s.name}'`);
      ids.add(j.id);
      for (const i of j.inputs) if (!written.has(i)) bad(`job '${s.name}/${j.id}' reads '${i}', which no earlier stage writes`);
      for (const o of j.outputs) {
        if (!o.startsWith(`${s.name}/`) || o.includes('..') || o.endsWith('.done.json')) bad(`job '${s.name}/${j.id}' output '${o}' must lie in '${s.name}/'`);
        if (written.has(o) || mine.includes(o)) bad(`output '${o}' is written twice`);
        mine.push(o);
      }
    }
    for (const o of mine) written.add(o);
  }
}

/** Writes `manifest.json` into the work folder (atomically). */
export async function writeManifest(workDir: string, m: WorkManifest): Promise<void> {
  validateManifest(m);
  await writeFileAtomic(join(workDir, MANIFEST_FILE), new TextEncoder().encode(JSON.stringify(m, null, 1) + '\n'));
}

/** Reads and checks `manifest.json` of a work folder. */
export async function readManifest(workDir: string): Promise<WorkManifest> {
  const bytes = await readWorkFile(join(workDir, MANIFEST_FILE));
  let m: WorkManifest;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes)) as WorkManifest;
  } catch (e) {
    throw new RusleError('BAD_CONFIG', `work manifest ${join(workDir, MANIFEST_FILE)} is not JSON: ${(e as Error).message}`);
  }
  validateManifest(m);
  return m;
}
