/**
 * Running one job in the current thread: skip it when finished, else run its function and write its done-marker.
 * The local runner calls this in worker threads; a scheduler adapter calls it in another process.
 * @module
 */

import { join } from 'node:path';
import { decodeArrays, encodeArrays } from '../io/array-file.js';
import { openRaster, type RasterSource } from '../io/read.js';
import { fileChecksum, readWorkFile, sha256Hex, writeFileAtomic } from '../io/work-files.js';
import { RusleError } from '../raster/errors.js';
import { jobKind } from './registry.js';
import type { DoneMarker, JobIO, JobManifest, StageManifest, WorkManifest } from './types.js';

/** Path of a job's done-marker, relative to the work folder. */
export function doneMarkerPath(stage: StageManifest, job: JobManifest): string {
  return `${stage.name}/${job.id}.done.json`;
}

/** True when the job's done-marker exists and every output matches its checksum. */
export async function isJobFinished(workDir: string, stage: StageManifest, job: JobManifest): Promise<boolean> {
  let marker: DoneMarker;
  try {
    marker = JSON.parse(new TextDecoder().decode(await readWorkFile(join(workDir, doneMarkerPath(stage, job))))) as DoneMarker;
  } catch {
    return false;
  }
  if (marker.stage !== stage.name || marker.job !== job.id || marker.outputs.length !== job.outputs.length) return false;
  for (let k = 0; k < job.outputs.length; k++) {
    const want = marker.outputs[k]!;
    if (want.path !== job.outputs[k]) return false;
    const got = await fileChecksum(join(workDir, want.path));
    if (!got || got.sha256 !== want.sha256 || got.bytes !== want.bytes) return false;
  }
  return true;
}

/** Sources opened by one thread, reused across the jobs it runs. */
export type SourceCache = Map<string, Promise<RasterSource>>;

/** The {@link JobIO} of a job: work-folder files, and source rasters named in the manifest. */
function jobIO(workDir: string, manifest: WorkManifest, stage: StageManifest, job: JobManifest, sources: SourceCache, written: Set<string>): JobIO {
  return {
    async readArrays(path) {
      if (!job.inputs.includes(path)) throw new RusleError('INTERNAL', `job ${stage.name}/${job.id} reads '${path}', which is not among its inputs`);
      return decodeArrays(await readWorkFile(join(workDir, path)), path);
    },
    async writeArrays(path, record) {
      if (!job.outputs.includes(path)) throw new RusleError('INTERNAL', `job ${stage.name}/${job.id} writes '${path}', which is not among its outputs`);
      await writeFileAtomic(join(workDir, path), encodeArrays(record));
      written.add(path);
    },
    async readSource(role, window) {
      const s = manifest.sources[role];
      if (!s) throw new RusleError('BAD_CONFIG', `job ${stage.name}/${job.id}: the manifest has no source '${role}'`);
      const key = `${s.path}#${s.band}`;
      let src = sources.get(key);
      if (!src) {
        src = openRaster(s.path, { band: s.band });
        sources.set(key, src);
      }
      return (await src).read(window);
    },
  };
}

/**
 * Runs job `jobIndex` of stage `stageIndex` unless it is finished. Returns `true` when it was skipped.
 * @throws whatever the job throws (no marker is written then), or RusleError `INTERNAL` when the job did not write
 *   every output.
 */
export async function runJob(workDir: string, manifest: WorkManifest, stageIndex: number, jobIndex: number, sources: SourceCache = new Map()): Promise<boolean> {
  const stage = manifest.stages[stageIndex];
  const job = stage?.jobs[jobIndex];
  if (!stage || !job) throw new RusleError('INTERNAL', `runJob: no job ${jobIndex} in stage ${stageIndex}`);
  if (await isJobFinished(workDir, stage, job)) return true;
  const written = new Set<string>();
  await jobKind(stage.kind)({ manifest, stage, job, io: jobIO(workDir, manifest, stage, job, sources, written) });
  const outputs: { path: string; sha256: string; bytes: number }[] = [];
  for (const o of job.outputs) {
    if (!written.has(o)) throw new RusleError('INTERNAL', `job ${stage.name}/${job.id} (${stage.kind}) did not write '${o}'`);
    const bytes = await readWorkFile(join(workDir, o));
    outputs.push({ path: o, sha256: sha256Hex(bytes), bytes: bytes.byteLength });
  }
  const marker: DoneMarker = { stage: stage.name, job: job.id, outputs };
  await writeFileAtomic(join(workDir, doneMarkerPath(stage, job)), new TextEncoder().encode(JSON.stringify(marker) + '\n'));
  return false;
}
