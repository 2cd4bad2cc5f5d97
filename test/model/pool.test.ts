import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkerPool, runKernelJob, sharedArray } from '../../src/model/pool.js';

afterAll(async () => {
  await closeWorkerPool();
});

describe('worker pool', () => {
  it('runs blocks on worker threads under vitest (the worker is an eval string, no file to resolve)', async () => {
    // A kernel that takes a while per block and records whether it ran on a worker thread.
    const source = {
      key: 'test-spin',
      params: ['O', 'width', 'rowFrom', 'rowTo', 'arrayRow0', 'rowSum', 'rowCount', 'st', 'bad'],
      body: 'const t = Date.now(); while (Date.now() - t < 15) {} st[2] = globalThis.__rusleEngineWorker ? 1 : 0; for (let r = rowFrom; r < rowTo; r++) rowSum[r] = r + 1;',
    };
    const nB = 24;
    const blocks = sharedArray(Int32Array, 3 * nB);
    for (let b = 0; b < nB; b++) blocks.set([b, b + 1, 0], 3 * b);
    const job = {
      source,
      arrays: [sharedArray(Float32Array, 1)],
      pre: [],
      width: 1,
      blocks,
      rowSum: sharedArray(Float64Array, nB),
      rowCount: sharedArray(Float64Array, nB),
      blockStats: sharedArray(Float64Array, 5 * nB),
      badCounts: sharedArray(Float64Array, nB),
      nBad: 1,
    };
    await runKernelJob(job, 3);
    expect(Array.from(job.rowSum)).toEqual(Array.from({ length: nB }, (_, i) => i + 1));
    let onWorkers = 0;
    for (let b = 0; b < nB; b++) onWorkers += job.blockStats[5 * b + 2]!;
    expect(onWorkers).toBeGreaterThan(0);
    expect(onWorkers).toBeLessThanOrEqual(nB);
  });

  it('refuses a multi-threaded job whose arrays are not on a SharedArrayBuffer', async () => {
    const blocks = sharedArray(Int32Array, 6);
    blocks.set([0, 1, 0, 1, 2, 0]);
    const job = {
      source: { key: 'noop', params: ['O'], body: '' },
      arrays: [new Float32Array(2)],
      pre: [],
      width: 1,
      blocks,
      rowSum: sharedArray(Float64Array, 2),
      rowCount: sharedArray(Float64Array, 2),
      blockStats: sharedArray(Float64Array, 10),
      badCounts: sharedArray(Float64Array, 2),
      nBad: 1,
    };
    await expect(runKernelJob(job, 2)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
