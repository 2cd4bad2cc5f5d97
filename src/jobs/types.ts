/**
 * The job layer's types: a run is a manifest of stages, a stage is a set of jobs, a job is a pure function of its
 * input files that writes its output files.
 *
 * **Work folder.** `<work>/manifest.json` (a {@link WorkManifest}), and per stage a folder `<work>/<stage>/` with the
 * job outputs (paths are relative to the work folder, `/`-separated) and one done-marker per finished job,
 * `<work>/<stage>/<job id>.done.json` (a {@link DoneMarker}: the SHA-256 and size of each output).
 *
 * **Rules every job function keeps.**
 * - It reads only its `inputs` (work-folder files, or source rasters named in the manifest's `params`) and writes
 *   only its `outputs`, through {@link JobIO}; it holds no global state. The same inputs give the same bytes.
 * - Outputs are written atomically (temporary file, fsync, rename); the runner writes the done-marker after the
 *   last output. A job is finished when its marker exists and every output matches the marker's checksums; a
 *   finished job is skipped on a rerun (its files are not touched); anything else is run again from scratch.
 * - It knows nothing of threads or processes: the local runner (`runner.ts`) runs jobs on a worker-thread pool, a
 *   scheduler adapter may run the same job in another process through `rusle`'s job entry point.
 *
 * @module
 */

import type { Window } from '../raster/grid.js';
import type { ArrayRecord } from '../io/array-file.js';
import type { Raster } from '../raster/raster.js';

/** Version of the manifest format (`format: 'rusle-work'`). */
export const MANIFEST_VERSION = 1;

/** One job: a tile index (or -1 for a global job) plus its input and output files. */
export interface JobManifest {
  /** Unique inside its stage; also the done-marker's name (`<stage>/<id>.done.json`). Letters, digits, `-`, `_`. */
  readonly id: string;
  /** Tile index in row-major order ({@link tiles}), or -1 for a job over the whole grid (a global step). */
  readonly tile: number;
  /** Work-folder files the job reads (relative paths). */
  readonly inputs: readonly string[];
  /** Work-folder files the job writes (relative paths, inside `<stage>/`). */
  readonly outputs: readonly string[];
}

/** A stage: jobs of one kind that may run in any order and in parallel. Stages run in manifest order. */
export interface StageManifest {
  /** Folder name of the stage inside the work folder (letters, digits, `-`). */
  readonly name: string;
  /** Registered job kind that runs each job (see `registry.ts`), e.g. `'fill.tile-summary'`. */
  readonly kind: string;
  /** The jobs. */
  readonly jobs: readonly JobManifest[];
}

/** The source raster of a run, as job functions see it. */
export interface SourceRaster {
  /** Absolute path of the GeoTIFF. */
  readonly path: string;
  /** Band (1-based). */
  readonly band: number;
}

/** `manifest.json`: what a run computes, and how it is split. */
export interface WorkManifest {
  readonly format: 'rusle-work';
  /** {@link MANIFEST_VERSION}. */
  readonly version: number;
  /** What the run produces (e.g. `'fill'`), for messages. */
  readonly task: string;
  /** Grid size of the run. */
  readonly width: number;
  readonly height: number;
  /** Tile size (the last column and row of tiles may be smaller). */
  readonly tileWidth: number;
  readonly tileHeight: number;
  /** Source rasters by role (e.g. `{ dem: … }`). */
  readonly sources: Readonly<Record<string, SourceRaster>>;
  /** Options shared by every job (JSON), e.g. `{ epsilon: false }`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The stages, in the order they run. */
  readonly stages: readonly StageManifest[];
}

/** `<stage>/<job id>.done.json`: written after a job's last output. */
export interface DoneMarker {
  readonly stage: string;
  readonly job: string;
  readonly outputs: readonly { readonly path: string; readonly sha256: string; readonly bytes: number }[];
}

/** File access a job function gets: only through this. Paths are relative to the work folder. */
export interface JobIO {
  /** Reads a work-folder file written by {@link writeArrays}. */
  readArrays(path: string): Promise<ArrayRecord>;
  /** Writes a work-folder file atomically. */
  writeArrays(path: string, record: ArrayRecord): Promise<void>;
  /** Reads a window of a source raster (float rasters hold NaN for nodata). */
  readSource(role: string, window: Window): Promise<Raster>;
}

/** What a job function receives. */
export interface JobContext {
  readonly manifest: WorkManifest;
  readonly stage: StageManifest;
  readonly job: JobManifest;
  readonly io: JobIO;
}

/** A job function: reads `job.inputs`, writes every one of `job.outputs`. */
export type JobFunction = (ctx: JobContext) => Promise<void>;

/** Progress of a run, reported per stage and per job. */
export interface JobProgressEvent {
  readonly stage: string;
  readonly stageIndex: number;
  readonly stageCount: number;
  /** Jobs finished in this stage (run now or found finished). */
  readonly done: number;
  readonly total: number;
  /** The job that just finished, or undefined at the start of a stage. */
  readonly job?: string;
  /** True when the job was found finished and skipped. */
  readonly skipped?: boolean;
}
