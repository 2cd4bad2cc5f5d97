/**
 * Job kinds by name. A manifest names each stage's kind; the runner (in any thread or process) looks it up here.
 * Every built-in kind is registered when this module loads, so a worker that imports it can run any stage.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { JobFunction } from './types.js';
import { FILL_JOB_KINDS } from './fill-jobs.js';
import { FLATS_JOB_KINDS } from './flats-jobs.js';
import { LS_JOB_KINDS } from './ls-jobs.js';
import { FLOW_JOB_KINDS } from './flow-jobs.js';

const kinds = new Map<string, JobFunction>();

/** Registers a job kind (a name such as `'fill.tile-summary'`). Re-registering a name replaces it. */
export function registerJobKind(name: string, fn: JobFunction): void {
  kinds.set(name, fn);
}

/** The job function of a kind. @throws RusleError `BAD_CONFIG` for an unknown kind. */
export function jobKind(name: string): JobFunction {
  const fn = kinds.get(name);
  if (!fn) throw new RusleError('BAD_CONFIG', `job kind '${name}' is not registered (known: ${[...kinds.keys()].join(', ')})`);
  return fn;
}

/** Names of the registered job kinds. */
export function jobKindNames(): string[] {
  return [...kinds.keys()];
}

for (const [name, fn] of Object.entries({ ...FILL_JOB_KINDS, ...FLATS_JOB_KINDS, ...LS_JOB_KINDS, ...FLOW_JOB_KINDS })) registerJobKind(name, fn);
