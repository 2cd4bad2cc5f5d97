/**
 * The local runner: runs a work folder's stages in order, each stage's jobs on a pool of `worker_threads` (or in
 * the calling thread with `workers: 1`). Kept apart from the jobs: a scheduler adapter runs the same jobs elsewhere.
 *
 * Jobs of a stage are independent and each writes only its own files, so the outputs do not depend on the number of
 * workers or on the order in which jobs finish. A job that throws stops the run with that error (its done-marker is
 * not written; jobs already running finish first).
 *
 * Workers load `worker.js` from the built package (`dist/jobs/`), also when this module runs from `src` (tests).
 * @module
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { removeTemporaryFiles } from '../io/work-files.js';
import { RusleError, type RusleErrorCode } from '../raster/errors.js';
import { runJob, type SourceCache } from './run-job.js';
import type { JobProgressEvent, WorkManifest } from './types.js';

/** Options of {@link runStages}. */
export interface RunnerOptions {
  /** Threads that run jobs (1 = the calling thread only). @defaultValue 2 */
  readonly workers?: number;
  /** Called at the start of each stage and after each job. */
  readonly onProgress?: (e: JobProgressEvent) => void;
  /** A pool to reuse across calls ({@link createJobPool}); the caller closes it. Default: one per call. */
  readonly pool?: JobPool;
}

/** Worker threads kept across {@link runStages} calls (a driver that adds stages as it goes reuses one pool). */
export interface JobPool {
  /** Number of threads that run jobs (the calling thread when 1). */
  readonly size: number;
  /** @internal */
  readonly threads: Worker[];
  /** Ends the threads. */
  close(): Promise<void>;
}

/** Starts a pool of `workers` job threads (none when `workers` is 1: jobs then run in the calling thread). */
export function createJobPool(workers: number): JobPool {
  if (!Number.isInteger(workers) || workers < 1) throw new RusleError('BAD_ARGUMENT', `job runner: workers must be an integer ≥ 1, got ${workers}`);
  const threads: Worker[] = [];
  return {
    size: workers,
    threads,
    async close() {
      await Promise.all(threads.splice(0).map((w) => w.terminate()));
    },
  };
}

/** Defaults of {@link RunnerOptions}. */
export const RUNNER_DEFAULTS = Object.freeze({ workers: 2 });

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const built = here.replace(/[/\\]src[/\\]jobs[/\\]runner\.ts$/, '/dist/jobs/worker.js');
    if (!existsSync(built)) throw new RusleError('INTERNAL', `job runner: ${built} is missing (run npm run build before using worker threads from src)`);
    return new URL(`file://${built}`);
  }
  return new URL('./worker.js', import.meta.url);
}

/**
 * Runs stages `from … to − 1` of a manifest (all by default) in the work folder. Finished jobs are skipped.
 * Temporary files of interrupted writes are removed first.
 */
export async function runStages(workDir: string, manifest: WorkManifest, options: RunnerOptions = {}, from = 0, to = manifest.stages.length): Promise<void> {
  const own = options.pool === undefined;
  const jobPool = options.pool ?? createJobPool(options.workers ?? RUNNER_DEFAULTS.workers);
  const workers = jobPool.size;
  await removeTemporaryFiles(workDir);
  const pool = jobPool.threads;
  const sources: SourceCache = new Map();
  try {
    for (let s = from; s < to; s++) {
      const stage = manifest.stages[s]!;
      const total = stage.jobs.length;
      let done = 0;
      const report = (job: string | undefined, skipped?: boolean): void => {
        options.onProgress?.({ stage: stage.name, stageIndex: s, stageCount: manifest.stages.length, done, total, ...(job !== undefined ? { job, skipped: skipped === true } : {}) });
      };
      report(undefined);
      const threads = Math.min(workers, total);
      while (threads > 1 && pool.length < threads) pool.push(new Worker(workerUrl(), { execArgv: [] }));
      let next = 0;
      let failure: unknown;
      const lane = async (w: Worker | null): Promise<void> => {
        while (failure === undefined && next < total) {
          const j = next++;
          try {
            const skipped = w ? await onWorker(w, workDir, manifest, s, j) : await runJob(workDir, manifest, s, j, sources);
            done++;
            report(stage.jobs[j]!.id, skipped);
          } catch (e) {
            failure ??= e;
          }
        }
      };
      if (threads <= 1) await lane(null);
      else await Promise.all(pool.slice(0, threads).map((w) => lane(w)));
      if (failure !== undefined) throw failure;
    }
  } finally {
    if (own) await jobPool.close();
    await Promise.all([...sources.values()].map((p) => p.then((src) => src.close(), () => undefined)));
  }
}

function onWorker(w: Worker, workDir: string, manifest: WorkManifest, stageIndex: number, jobIndex: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ok: boolean; skipped?: boolean; error?: string; code?: RusleErrorCode }): void => {
      w.off('error', onError);
      if (m.ok) resolve(m.skipped === true);
      else reject(new RusleError(m.code ?? 'INTERNAL', m.error ?? 'job failed'));
    };
    const onError = (e: Error): void => {
      w.off('message', onMessage);
      reject(new RusleError('INTERNAL', `job worker died: ${e.message}`));
    };
    w.once('message', onMessage);
    w.once('error', onError);
    w.postMessage({ workDir, manifest, stageIndex, jobIndex });
  });
}
