/**
 * Entry of a local-runner worker thread: runs the jobs the runner sends, one at a time.
 * Message in: `{ workDir, manifest, stageIndex, jobIndex }`; out: `{ ok: true, skipped }` or `{ ok: false, error, code }`.
 * @module
 */

import { parentPort } from 'node:worker_threads';
import { RusleError } from '../raster/errors.js';
import { runJob, type SourceCache } from './run-job.js';
import type { WorkManifest } from './types.js';

const sources: SourceCache = new Map();

parentPort?.on('message', (msg: { workDir: string; manifest: WorkManifest; stageIndex: number; jobIndex: number }) => {
  runJob(msg.workDir, msg.manifest, msg.stageIndex, msg.jobIndex, sources).then(
    (skipped) => parentPort!.postMessage({ ok: true, skipped }),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e), code: e instanceof RusleError ? e.code : 'INTERNAL' }),
  );
});
