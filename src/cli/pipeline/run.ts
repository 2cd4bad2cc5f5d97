/**
 * The orchestration of `rusle run` (and `rusle demo`): from a validated {@link PipelineConfig} to every output —
 * factor rasters, A, intensity classes, the conservation-rate table (CSV and JSON), PNG maps, the HTML report and
 * `provenance.json`. Each step calls the library; this module only reads, wires and writes.
 *
 * Steps: check that every input file exists (one `BAD_CONFIG` listing the missing ones with their key paths) →
 * sha256 of every input → read the DEM (its grid is the run's grid) → LS (`lsFactor` with the preset, or the given
 * LS raster) → R, K, C, P (or B, E, T) (`buildFactor`) → A (`soilLoss` / `csleSoilLoss`) → classes
 * (`gradeIntensity`) → rate table (`conservationRate`, zones from GeoJSON or a raster) → files.
 * @module
 */

import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { RusleError } from '../../raster/errors.js';
import type { Grid } from '../../raster/grid.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import { describeCrs } from '../../raster/crs.js';
import { openRaster, readRaster } from '../../io/read.js';
import { writeRaster } from '../../io/write.js';
import { formulas } from '../../factors/registry.js';
import { lsFactor } from '../../factors/ls/ls-factor.js';
import { LS_PRESETS, type LsPresetName } from '../../factors/ls/presets.js';
import { csleSoilLoss, soilLoss, type CsleFactors, type RusleFactors, type SoilLossResult } from '../../model/soil-loss.js';
import type { Block, BlockOutput, BlockProgress, BlockSource } from '../../model/blocks.js';
import { gradeIntensity, INTENSITY_NODATA } from '../../assess/grading.js';
import { conservationRate, RateAccumulator, rateTableToCsv, rateTableToJson, type RateTable } from '../../assess/rate.js';
import { rateBlockHook } from '../../assess/pass.js';
import { zonesFromGeoJson, zonesFromRaster, type GeoJsonLike, type ZoneLayer } from '../../assess/zones.js';
import { alignTo } from '../../raster/align.js';
import { configTolerance, type FactorName, type FactorSpec, type PipelineConfig } from './config.js';
import { buildFactor } from './factors.js';
import { streamFactor } from './stream.js';
import type { AlignedReader } from '../../io/aligned.js';
import {
  classMapFromReduced, continuousMapFromReduced, reduceBlocks, reduceRaster, sl190ClassStyles,
  type MapPng, type RampName, type Reduced, type Stretch,
} from '../../render/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { reportHtml, type ReportCitation, type ReportInputItem, type ReportMap } from '../report/html.js';

/** What the pipeline needs from its caller: log lines and progress reporters. */
export interface PipelineHooks {
  /** An informational line. */
  log(line: string): void;
  /** A progress reporter for `total` units. */
  progress(label: string, total: number, unit?: string): { update(done: number): void; finish(): void };
}

/** The result of a run. */
export interface PipelineResult {
  /** Output folder. */
  readonly folder: string;
  /** Files written, relative to the folder. */
  readonly files: string[];
  /** Key figures. */
  readonly summary: Record<string, number | string>;
  /** The rate table rows. */
  readonly rate: RateTable | null;
  /** Notes and warnings. */
  readonly notes: string[];
  /** Wall time, seconds. */
  readonly seconds: number;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  await new Promise<void>((res, rej) => {
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => res()).on('error', rej);
  });
  return h.digest('hex');
}

/** Every input file of a config with its key path. */
export function inputFiles(cfg: PipelineConfig): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  if (cfg.inputs.dem) out.push({ key: 'inputs.dem', path: cfg.inputs.dem });
  if (cfg.inputs.lsRaster) out.push({ key: 'inputs.lsRaster', path: cfg.inputs.lsRaster });
  for (const [name, spec] of Object.entries(cfg.inputs.factors) as [FactorName, FactorSpec][]) {
    for (const k of ['path', 'table', 'raster'] as const) {
      const p = (spec as unknown as Record<string, unknown>)[k];
      if (typeof p === 'string') out.push({ key: `inputs.${name}.${k}`, path: p });
    }
  }
  if (cfg.inputs.zones) out.push({ key: 'inputs.zones', path: cfg.inputs.zones.path });
  if (cfg.inputs.mask) out.push({ key: 'inputs.mask', path: cfg.inputs.mask });
  return out;
}

/** Throws one `BAD_CONFIG` naming every input file that does not exist. */
export function checkInputFiles(cfg: PipelineConfig): void {
  const missing = inputFiles(cfg).filter((f) => !existsSync(f.path) || !statSync(f.path).isFile());
  if (missing.length > 0) {
    throw new RusleError('BAD_CONFIG', `${cfg.file}: ${missing.map((m) => `${m.key}: ${existsSync(m.path) ? 'not a file (a folder)' : 'file not found'}: ${m.path}`).join('; ')}`, { missing });
  }
}

function blockProgress(hooks: PipelineHooks, label: string, total: number): (p: BlockProgress) => void {
  const bar = hooks.progress(label, total, 'cells');
  return (p) => { if (p.cellsDone >= p.totalCells) bar.finish(); else bar.update(p.cellsDone); };
}

interface MapSpec { id: string; title: string; caption: string; png: MapPng; file: string }

/** Grids with more cells than this run as one streamed pass unless `output.streamed` says otherwise. */
export const STREAM_ABOVE_CELLS = 50_000_000;

function fmt(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
}

const FACTOR_UNITS: Record<string, string> = {
  R: 'MJ mm/(ha h yr)', K: 't ha h/(ha MJ mm)', C: '-', P: '-', B: '-', E: '-', T: '-', LS: '-', L: '-', S: '-',
};

const FACTOR_RAMPS: Record<string, RampName> = { R: 'viridis', K: 'browns', C: 'greens', P: 'viridis', B: 'greens', E: 'viridis', T: 'viridis', LS: 'viridis', L: 'viridis', S: 'viridis' };

/**
 * Runs a pipeline config end to end and writes its outputs.
 *
 * @param cfg - a validated config (`loadPipelineConfig`).
 * @param hooks - log lines and progress.
 * @returns the files written, key figures, the rate table and notes.
 * @throws RusleError `BAD_CONFIG` for missing input files, and whatever the library steps throw (`GRID_MISMATCH`,
 *   `BAD_TABLE`, `BAD_VALUE`, …), each prefixed with the config key where it applies.
 */
export async function runPipeline(cfg: PipelineConfig, hooks: PipelineHooks): Promise<PipelineResult> {
  const t0 = performance.now();
  // Wall time of each stage, seconds (written to provenance.json).
  const timings: Record<string, number> = {};
  let tStage = t0;
  const stage = (name: string): void => { const now = performance.now(); timings[name] = Number(((now - tStage) / 1000).toFixed(3)); tStage = now; };
  const notes: string[] = [];
  const files: string[] = [];
  const folder = cfg.output.folder;
  checkInputFiles(cfg);
  try {
    await mkdir(folder, { recursive: true });
  } catch (e) {
    throw new RusleError('IO_ERROR', `cannot create the output folder ${folder}: ${(e as Error).message}`, { folder });
  }
  const out = (name: string): string => { files.push(name); return join(folder, name); };
  const units = cfg.output.units;
  const tolerance = configTolerance(cfg);
  const csle = cfg.model === 'csle';

  // 1. Checksums of every input.
  const inputs = inputFiles(cfg);
  const checksums: Record<string, { key: string; sha256: string; bytes: number }> = {};
  for (const f of inputs) {
    if (!checksums[f.path]) checksums[f.path] = { key: f.key, sha256: await sha256(f.path), bytes: statSync(f.path).size };
  }

  stage('checksums');

  // 2. The grid: the DEM's (or the LS raster's). A streamed run opens the LS raster instead of reading it.
  const basePath = (cfg.inputs.dem ?? cfg.inputs.lsRaster)!;
  const opened = await openRaster(basePath);
  const grid: Grid = opened.grid;
  const baseType = opened.sampleType;
  await opened.close();
  const streamed = cfg.output.streamed ?? grid.cellCount > STREAM_ABOVE_CELLS;
  hooks.log(`grid: ${grid.width} × ${grid.height} cells (${fmt(grid.cellCount, 0)}), ${describeCrs(grid.crs)}, cell ${fmt(grid.cellSizeMeters(0).dx, 3)} m${streamed ? '; streamed pass' : ''}`);
  const formulaIds = new Set<string>();

  // 3. LS (and L, S for CSLE): from the DEM in memory, or the given LS raster.
  let LS: Raster<FloatArray> | string, L: Raster<FloatArray> | string | number, S: Raster<FloatArray> | number = 1;
  let lsDescription: string;
  let lsOptionsUsed: unknown = null;
  if (cfg.inputs.dem) {
    const dem = await readRaster(basePath);
    const preset = (cfg.ls.preset ?? (csle ? 'csle' : 'rusle-aml')) as LsPresetName;
    const bar = hooks.progress('LS', 1, 'steps');
    const res = lsFactor(dem, { ...(cfg.ls.options as object), preset, fill: cfg.ls.fill, intermediates: csle });
    bar.finish();
    LS = res.ls;
    L = res.ls;
    if (csle) {
      if (!res.l || !res.s) throw new RusleError('BAD_CONFIG', `ls.preset: the '${preset}' method gives no separate L and S, which model "csle" needs; use the csle or rusle-aml preset`);
      L = res.l; S = res.s;
    }
    lsOptionsUsed = res.options;
    const p = LS_PRESETS[preset];
    for (const id of [res.options.sFormula ?? p.sFormula, res.options.mFormula ?? p.mFormula, res.options.lFormula ?? p.lFormula]) formulaIds.add(id);
    lsDescription = `lsFactor preset '${preset}' from the DEM ${basePath}`;
  } else {
    if (baseType !== 'Float32' && baseType !== 'Float64') throw new RusleError('BAD_CONFIG', `inputs.lsRaster: ${basePath} holds integers (${baseType}); LS must be a float raster`);
    LS = streamed ? basePath : (await readRaster(basePath)) as Raster<FloatArray>;
    L = LS;
    if (csle) notes.push('model csle with inputs.lsRaster: the given LS raster is used as L·S (S = 1)');
    lsDescription = `LS raster ${basePath}`;
  }

  stage('ls');

  // 4. The other factors: rasters in memory, or block sources of the streamed pass.
  const names: FactorName[] = csle ? ['R', 'K', 'B', 'E', 'T'] : ['R', 'K', 'C', 'P'];
  const built: Partial<Record<FactorName, { value: BlockSource; description: string }>> = {};
  const readers: AlignedReader[] = [];
  for (const n of names) {
    const spec = cfg.inputs.factors[n];
    if (!spec) {
      built[n] = { value: 1, description: 'constant 1 (not given)' };
      continue;
    }
    const b = streamed ? await streamFactor(n, spec, grid, readers) : await buildFactor(n, spec, grid);
    built[n] = { value: 'source' in b ? b.source : b.value, description: b.description };
    b.formulaIds.forEach((id) => formulaIds.add(id));
    notes.push(...b.notes);
  }
  const v = (n: FactorName): BlockSource => built[n]!.value;
  const isMap = (x: BlockSource): boolean => typeof x !== 'number';
  // Show input paths relative to the config's folder in notes, captions and the report.
  // One pass over unique paths, longest first: a relative path can contain its absolute path ('../../../work/x.tif'
  // holds '/work/x.tif'), so replacing path by path would rewrite an input listed twice a second time.
  const tidyPaths = [...new Set(inputs.map((f) => f.path))].sort((a, b) => b.length - a.length);
  const tidyRe = tidyPaths.length ? new RegExp(tidyPaths.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : null;
  const tidy = (text: string): string => (tidyRe ? text.replace(tidyRe, (p) => relative(cfg.baseDir, p)) : text);
  for (let i = 0; i < notes.length; i++) notes[i] = tidy(notes[i]!);
  for (const n of names) built[n] = { ...built[n]!, description: tidy(built[n]!.description) };
  lsDescription = tidy(lsDescription);

  stage('factors');

  // 5. Zones and mask (on the run's grid, in memory: one integer per cell).
  let zones: ZoneLayer | null = null;
  if (cfg.inputs.zones) {
    const z = cfg.inputs.zones;
    if (z.format === 'geojson') {
      let gj: GeoJsonLike;
      try {
        gj = JSON.parse(await readFile(z.path, 'utf8')) as GeoJsonLike;
      } catch (e) {
        throw new RusleError('BAD_CONFIG', `inputs.zones: ${z.path} is not valid JSON: ${(e as Error).message}`);
      }
      zones = zonesFromGeoJson(gj, grid, { allTouched: z.allTouched, ...(z.idField ? { zoneField: z.idField } : {}), ...(z.nameField ? { nameField: z.nameField } : {}) });
    } else {
      const zr = alignTo(await readRaster(z.path), grid, 'inputs.zones').raster;
      zones = zonesFromRaster(zr);
    }
    notes.push(...zones.warnings);
  }
  let mask: Raster | undefined;
  if (cfg.inputs.mask) mask = alignTo(await readRaster(cfg.inputs.mask), grid, 'inputs.mask').raster;

  stage('zones');

  // 6. A, classes and the rate table: in memory, or in one streamed pass that writes A, the classes and every
  // factor raster band by band and accumulates the rate table as it goes.
  const progress = blockProgress(hooks, 'A', grid.cellCount);
  const engineOptions = {
    units, onBadValue: cfg.engine.onBadValue ?? ('error' as const), onProgress: progress, grid,
    ...(cfg.engine.workers !== undefined ? { workers: cfg.engine.workers } : {}),
    ...(cfg.engine.memoryBudget !== undefined ? { memoryBudget: cfg.engine.memoryBudget } : {}),
  };
  const factorSources: [string, BlockSource][] = csle
    ? [['R', v('R')], ['K', v('K')], ['L', L], ['S', S], ['B', v('B')], ['E', v('E')], ['T', v('T')]]
    : [['R', v('R')], ['K', v('K')], ['LS', LS], ['C', v('C')], ['P', v('P')]];
  const combine = (opts: object): Promise<SoilLossResult> => {
    const o = { ...engineOptions, ...opts };
    const f = Object.fromEntries(factorSources);
    const pass = csle
      ? csleSoilLoss(f as unknown as CsleFactors, o)
      : soilLoss(f as unknown as RusleFactors, o);
    // The engine's hint names its option; in a config the switch is engine.onBadValue.
    return pass.catch((e: unknown) => {
      if (e instanceof RusleError && e.code === 'BAD_VALUE' && e.message.includes("onBadValue: 'nodata'")) {
        throw new RusleError('BAD_VALUE', e.message.replace("pass onBadValue: 'nodata'", 'set "engine": { "onBadValue": "nodata" } in the config'), e.details ? { ...e.details } : undefined, { cause: e });
      }
      throw e;
    });
  };
  // Never an all-nodata A that looks like a result: name the factors and the alignment notes instead.
  const assertSomeValid = (r: SoilLossResult): void => {
    if (r.stats.validCount > 0) return;
    throw new RusleError('BAD_VALUE', `no cell has a valid value of every factor (${factorSources.map(([n]) => n).join(', ')}) on the DEM's ${grid.width} × ${grid.height} grid, so A would be nodata everywhere; check each factor's nodata value and extent${notes.some((n) => n.includes('put on the DEM grid')) ? ` (${notes.filter((n) => n.includes('put on the DEM grid')).join('; ')})` : ''}`);
  };
  // Files: LS (and L, S), every non-constant factor, A, intensity.
  const rasterFiles: { name: string; source: BlockSource }[] = [{ name: 'LS', source: LS }];
  if (csle && L !== LS) rasterFiles.push({ name: 'L', source: L }, { name: 'S', source: S });
  for (const n of names) if (isMap(v(n))) rasterFiles.push({ name: n, source: v(n) });
  let result: SoilLossResult;
  let rate: RateTable;
  let A: Raster<FloatArray> | string;
  let classes: Raster | string;
  if (!streamed) {
    result = await combine({});
    assertSomeValid(result);
    A = result.raster!;
    classes = gradeIntensity(A, { units, tolerance });
    rate = conservationRate(A, zones, { units, tolerance, ...(mask ? { mask } : {}) });
    const wbar = hooks.progress('write', rasterFiles.length + 2, 'files');
    let done = 0;
    for (const f of [...rasterFiles, { name: 'A', source: A }, { name: 'intensity', source: classes }]) {
      if (f.source instanceof Raster) await writeRaster(out(`${f.name}.tif`), f.source, f.source === classes ? { nodata: INTENSITY_NODATA } : {});
      wbar.update(++done);
    }
    wbar.finish();
  } else {
    const acc = new RateAccumulator({ units, tolerance }, zones);
    // The hook grades with the accumulator's own units and tolerance.
    const hook = rateBlockHook(acc, { classes: 'intensity' });
    // A factor input that appears in the pass under its factor name is copied into its file output.
    const copies = rasterFiles.map((f) => ({ input: csle && f.name === 'LS' ? 'L' : f.name, output: `${f.name}_file` }))
      .filter((c) => !(csle && c.output === 'LS_file' && L !== LS));
    const extraOutputs: Record<string, BlockOutput> = { intensity: { type: 'Byte', path: out('intensity.tif'), nodata: INTENSITY_NODATA } };
    for (const c of copies) extraOutputs[c.output] = { type: 'Float32', path: out(`${c.output.replace(/_file$/, '')}.tif`) };
    if (csle && L !== LS && LS instanceof Raster) await writeRaster(out('LS.tif'), LS);
    result = await combine({
      output: out('A.tif'),
      extraInputs: { ...(zones ? { zones: zones.raster } : {}), ...(mask ? { mask } : {}) },
      extraOutputs,
      onBlock: (block: Block) => {
        hook(block);
        for (const c of copies) {
          const src = block.inputs[c.input];
          if (typeof src !== 'number' && src !== undefined) (block.outputs[c.output] as Float32Array).set(src);
        }
      },
    });
    await Promise.all(readers.map((r) => r.close()));
    assertSomeValid(result);
    rate = acc.finish();
    A = join(folder, 'A.tif');
    classes = join(folder, 'intensity.tif');
  }
  const st = result.stats;
  if (st.badValues.count > 0) notes.push(`${st.badValues.count} cells had a negative or non-finite factor value and are nodata (first: ${JSON.stringify(st.badValues.first)})`);
  notes.push(...rate.warnings);
  if (cfg.monitoring) notes.push(`the monitoring section (imagery ${cfg.monitoring.mode}: ${relative(cfg.baseDir, cfg.monitoring.before)} → ${relative(cfg.baseDir, cfg.monitoring.after)}) is used by 'rusle monitor <previous.json> ${relative(cfg.baseDir, cfg.file)}', not by this run`);
  await writeFileAtomic(out('rate.csv'), rateTableToCsv(rate));
  await writeFileAtomic(out('rate.json'), rateTableToJson(rate));

  stage(streamed ? 'streamedPass' : 'combineGradeRateWrite');

  // 7. Maps (from memory, or band by band from the files written).
  const maps: MapSpec[] = [];
  const maxSize = cfg.output.maxMapSize;
  const reduce = async (x: BlockSource, mode: 'mean' | 'majority', file: string): Promise<Reduced> => {
    if (x instanceof Raster) return reduceRaster(x, maxSize, mode);
    const src = await openRaster(join(folder, file));
    try {
      return await reduceBlocks(src.blocks(), grid.width, grid.height, maxSize, mode);
    } finally {
      await src.close();
    }
  };
  if (cfg.output.maps || cfg.output.report) {
    const mbar = hooks.progress('maps', rasterFiles.length + 2, 'maps');
    const cont = async (id: string, x: BlockSource, title: string, caption: string, stretch: Stretch, ramp: RampName): Promise<void> => {
      const png = continuousMapFromReduced(await reduce(x, 'mean', `${id}.tif`), { title, stretch, ramp, maxSize });
      maps.push({ id, title, caption: `${caption} ${png.scale ? `Scale: ${png.scale.stretch} ${fmt(png.scale.min, 4)} – ${fmt(png.scale.max, 4)}.` : ''}${png.factor > 1 ? ` Reduced ${png.factor}× (block mean).` : ''}`, png, file: `${id}.png` });
      mbar.update(maps.length);
    };
    await cont('A', A, `A (${units})`, `Predicted soil loss A, ${units}, log10 colour scale; transparent cells are nodata.`, 'log', 'ylorrd');
    const cls = classMapFromReduced(await reduce(classes, 'majority', 'intensity.tif'), { title: `SL 190-2007 classes, T = ${tolerance} t/km2/yr`, classes: sl190ClassStyles(tolerance), maxSize });
    maps.push({ id: 'intensity', title: 'Erosion intensity (SL 190-2007)', caption: `Classes slight … severe with tolerance T = ${tolerance} t·km⁻²·yr⁻¹ (class colours are ours; see docs/units-and-conventions.md).${cls.factor > 1 ? ` Reduced ${cls.factor}× (block majority).` : ''}`, png: cls, file: 'intensity.png' });
    await cont('LS', LS, 'LS (-)', `${lsDescription}; 2–98 % quantile stretch.`, 'quantile', 'viridis');
    for (const n of names) {
      if (isMap(v(n))) await cont(n, v(n), `${n} (${FACTOR_UNITS[n]})`, `${n}: ${built[n]!.description}.`, 'linear', FACTOR_RAMPS[n] ?? 'viridis');
    }
    mbar.finish();
    if (cfg.output.maps) for (const m of maps) await writeFileAtomic(out(m.file), m.png.png);
  }

  stage('maps');

  // 9. Provenance and report.
  const total = rate.rows[0];
  const usedIds = [...formulaIds].filter((id) => formulas.has(id)).sort();
  const citations: ReportCitation[] = usedIds.map((id) => { const f = formulas.get(id); return { id, title: f.title, citation: f.citation, ...(f.doi ? { doi: f.doi } : {}) }; });
  const methodCitations: ReportCitation[] = [
    { id: 'SL 190-2007', title: 'Standards for classification and gradation of soil erosion', citation: 'Ministry of Water Resources of the P.R. China (2008). SL 190-2007 土壤侵蚀分类分级标准. China Water & Power Press, Beijing.' },
    ...(csle ? [{ id: 'CSLE', title: 'Chinese Soil Loss Equation', citation: 'Liu B.Y., Zhang K.L., Xie Y. (2002). An empirical soil loss equation. Proc. 12th ISCO Conference, Beijing, Vol. II, 21–25.' }]
      : [{ id: 'RUSLE', title: 'Revised Universal Soil Loss Equation', citation: 'Renard K.G., Foster G.R., Weesies G.A., McCool D.K., Yoder D.C. (1997). Predicting Soil Erosion by Water: A Guide to Conservation Planning with the Revised Universal Soil Loss Equation (RUSLE). USDA Agriculture Handbook 703.' }]),
  ];
  const version = packageVersion();
  const provenance = {
    package: 'rusle', version, createdAt: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`,
    config: { file: cfg.file, as_written: cfg.raw },
    options: { model: cfg.model, ls: cfg.ls, lsOptionsUsed, tolerance_t_km2_yr: tolerance, units, engine: cfg.engine },
    grid: grid.toJSON(),
    inputs: Object.entries(checksums).map(([path, c]) => ({ key: c.key, path, sha256: c.sha256, bytes: c.bytes })),
    factors: Object.fromEntries(names.map((n) => [n, built[n]!.description])),
    formulasUsed: usedIds,
    formulas: formulas.list().map((f) => ({ id: f.id, title: f.title, citation: f.citation, ...(f.doi ? { doi: f.doi } : {}) })),
    methods: methodCitations,
    stats: st,
    streamed,
    timingsSeconds: timings,
    notes,
  };
  const summary: Record<string, number | string> = {
    cells: grid.cellCount, validCells: st.validCount,
    [`meanA_${units}`]: st.mean, [`maxA_${units}`]: st.max, soilLossTonnesPerYear: st.sumTonnesPerYear,
    landAreaKm2: total?.landAreaKm2 ?? NaN, conservationRatePct: total?.rate ?? NaN, toleranceTKm2: tolerance,
  };
  await writeFileAtomic(out('provenance.json'), JSON.stringify(provenance, null, 2) + '\n');
  await writeFileAtomic(out('summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (cfg.output.report) {
    const inputItems: ReportInputItem[] = [
      { name: cfg.inputs.dem ? 'DEM' : 'LS', source: relative(cfg.baseDir, basePath) || basename(basePath), sha256: checksums[basePath]!.sha256, note: lsDescription },
      ...names.map((n) => {
        const spec = cfg.inputs.factors[n];
        const p = spec && 'path' in spec ? spec.path : spec && 'table' in spec ? spec.table : undefined;
        return { name: n, source: built[n]!.description, ...(p ? { sha256: checksums[p]?.sha256 ?? '' } : {}), ...(spec?.source ? { note: spec.source } : {}) };
      }),
      ...(cfg.inputs.zones ? [{ name: 'zones', source: relative(cfg.baseDir, cfg.inputs.zones.path), sha256: checksums[cfg.inputs.zones.path]!.sha256 }] : []),
    ];
    const rmap = (m: MapSpec): ReportMap => ({ id: m.id, title: m.title, caption: m.caption, png: m.png.png, ...(cfg.output.maps ? { file: m.file } : {}) });
    const html = reportHtml({
      title: cfg.name,
      subtitle: `${cfg.description ? cfg.description + ' — ' : ''}${csle ? 'CSLE A = R·K·L·S·B·E·T' : 'RUSLE A = R·K·LS·C·P'}; rusle ${version}; ${new Date().toISOString().slice(0, 19)}Z`,
      summary: [
        { label: 'grid cells (valid)', value: `${fmt(grid.cellCount, 0)} (${fmt(st.validCount, 0)})` },
        { label: 'land area, km²', value: fmt(total?.landAreaKm2 ?? NaN, 2) },
        { label: `mean A, ${units}`, value: fmt(st.mean, 2) },
        { label: 'soil loss, t/yr', value: fmt(st.sumTonnesPerYear, 0) },
        { label: `conservation rate (T = ${tolerance})`, value: `${fmt(total?.rate ?? NaN, 2)} %` },
        { label: 'soil-loss area, km²', value: fmt(total?.lossAreaKm2 ?? NaN, 2) },
      ],
      maps: maps.map(rmap),
      rateTable: rate.rows,
      ...(total ? { classAreasKm2: total.classAreasKm2 } : {}),
      toleranceTKm2: tolerance,
      inputs: inputItems,
      options: provenance.options,
      citations: [...methodCitations, ...citations],
      provenance: { version, createdAt: provenance.createdAt, node: provenance.node, config: cfg.file, grid: { width: grid.width, height: grid.height, crs: describeCrs(grid.crs) } },
      notes,
      files: [...files, 'report.html'],
    });
    await writeFileAtomic(out('report.html'), html);
  }
  return { folder, files, summary, rate, notes, seconds: (performance.now() - t0) / 1000 };
}
