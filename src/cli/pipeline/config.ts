/**
 * The `rusle run` configuration: loading, validation against `schema/pipeline.schema.json` (shipped in the package)
 * with ajv, and normalisation (shorthands expanded, defaults applied, relative paths resolved against the folder
 * of the config file).
 *
 * Every mistake is reported, one per line inside one `BAD_CONFIG` error, each naming the key path
 * (`inputs.K.value`) and what was expected (`must be a number ≥ 0, got "abc"`), with a "did you mean" for
 * misspelt keys.
 * @module
 */

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { RusleError } from '../../raster/errors.js';

/** A factor that is one number everywhere. */
export interface ConstantSpec { readonly type: 'constant'; readonly value: number; readonly source?: string }
/** A factor read from a GeoTIFF. */
export interface RasterSpec { readonly type: 'raster'; readonly path: string; readonly source?: string }
/** A factor looked up by code from a CSV table and a code raster. */
export interface TableSpec {
  readonly type: 'table'; readonly table: string; readonly raster: string; readonly codeColumn: string;
  readonly valueColumn: string; readonly default?: number; readonly source?: string;
}
/** C from NDVI. */
export interface NdviSpec {
  readonly type: 'ndvi'; readonly path: string; readonly method: 'vanDerKnijff' | 'cai2000'; readonly alpha: number;
  readonly beta: number; readonly ndviSoil: number; readonly ndviVeg: number; readonly source?: string;
}
/** R at stations, interpolated by IDW. */
export interface StationsSpec {
  readonly type: 'stations'; readonly table: string; readonly xColumn: string; readonly yColumn: string;
  readonly valueColumn: string; readonly coordinates: 'grid' | 'lonlat'; readonly power: number;
  readonly radiusM?: number; readonly nearest?: number; readonly source?: string;
}
/** R from a rain record. */
export interface RainSpec {
  readonly type: 'rain'; readonly table: string; readonly timeColumn: string; readonly rainColumn: string;
  readonly method: 'ei30' | 'zhangDaily'; readonly energy: 'brownFoster1987' | 'rusle2' | 'wischmeierSmith1978';
  readonly source?: string;
}
/** K by soil class from a soil table. */
export interface SoilTableSpec {
  readonly type: 'soil-table'; readonly table: string; readonly raster: string; readonly codeColumn: string;
  readonly method: 'epic' | 'nomograph' | 'shiraziBoersma' | 'column'; readonly valueColumn?: string;
  readonly columns?: Readonly<Record<string, string>>; readonly source?: string;
}
/** Any factor specification after normalisation. */
export type FactorSpec = ConstantSpec | RasterSpec | TableSpec | NdviSpec | StationsSpec | RainSpec | SoilTableSpec;

/** Zones for the rate table. */
export interface ZonesSpec {
  readonly path: string; readonly format: 'raster' | 'geojson'; readonly idField?: string; readonly nameField?: string;
  readonly allTouched: boolean;
}

/** The `monitoring` section: imagery of two dates for `rusle monitor`. */
export interface MonitoringSpec {
  readonly before: string; readonly after: string; readonly mode: 'ndvi' | 'fvc' | 'landcover'; readonly transitions?: string;
  readonly cloudBefore?: string; readonly cloudAfter?: string; readonly minDrop?: number; readonly maxAfter?: number;
  readonly minPatchCells: number; readonly opening: boolean;
}

/** Names of the factors a config can give. */
export type FactorName = 'R' | 'K' | 'C' | 'P' | 'B' | 'E' | 'T';

/** A validated, normalised pipeline configuration (absolute paths, defaults applied). */
export interface PipelineConfig {
  /** Absolute path of the config file (or `<inline>`). */
  readonly file: string;
  /** Folder relative paths were resolved against. */
  readonly baseDir: string;
  readonly name: string;
  readonly description?: string;
  readonly model: 'rusle' | 'csle';
  readonly inputs: {
    readonly dem?: string;
    readonly lsRaster?: string;
    readonly factors: Partial<Record<FactorName, FactorSpec>>;
    readonly zones?: ZonesSpec;
    readonly mask?: string;
  };
  readonly ls: { readonly preset?: string; readonly fill: boolean; readonly options: Readonly<Record<string, unknown>> };
  readonly assessment: { readonly tolerance?: number; readonly region?: string };
  /** Imagery of two dates for `rusle monitor` (absolute paths). */
  readonly monitoring?: MonitoringSpec;
  /** `onBadValue`: a negative or infinite factor value stops the run with BAD_VALUE (`error`, the default) or becomes nodata (`nodata`, counted in the notes). */
  readonly engine: { readonly workers?: number; readonly memoryBudget?: string; readonly onBadValue?: 'error' | 'nodata' };
  readonly output: {
    readonly folder: string; readonly units: 't/ha/yr' | 't/km2/yr'; readonly maps: boolean; readonly report: boolean;
    readonly maxMapSize: number;
    /** One streamed pass (true), in memory (false), or chosen by grid size (undefined). */
    readonly streamed?: boolean;
  };
  /** The config as written (for provenance). */
  readonly raw: unknown;
}

/** Tolerable loss (t·km⁻²·yr⁻¹) of each SL 190-2007 region preset name used in configs. */
export const REGION_TOLERANCE: Readonly<Record<string, number>> = {
  'red-soil': 500, southwest: 500, 'black-soil': 200, 'northern-rocky': 200, loess: 1000,
};

const SCHEMA_URL = new URL('../../../schema/pipeline.schema.json', import.meta.url);
let validator: ValidateFunction | undefined;
let schemaCache: Record<string, unknown> | undefined;

/** The pipeline JSON Schema (as shipped in `schema/pipeline.schema.json`). */
export function pipelineSchema(): Record<string, unknown> {
  if (!schemaCache) schemaCache = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return schemaCache;
}

function getValidator(): ValidateFunction {
  if (validator) return validator;
  const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
  const ajv = new (Ajv as unknown as new (o: object) => { compile(s: object): ValidateFunction })({
    allErrors: true, verbose: true, discriminator: true, strict: false,
  });
  validator = ajv.compile(pipelineSchema());
  return validator;
}

function keyPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let s = '';
  for (const p of parts) s += /^\d+$/.test(p) ? `[${p}]` : s === '' ? p : `.${p}`;
  return s === '' ? '(top level)' : s;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  const d = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 1; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) for (let j = 1; j <= n; j++) {
    d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
  }
  return d[m]![n]!;
}

function typeName(t: unknown): string {
  const names: Record<string, string> = { number: 'a number', integer: 'an integer', string: 'a string', boolean: 'true or false', object: 'an object', array: 'an array' };
  return Array.isArray(t) ? t.map(typeName).join(' or ') : names[String(t)] ?? String(t);
}

/** One readable line for an ajv error (or undefined for errors that only repeat others). */
function describeError(e: ErrorObject): string | undefined {
  const data = (e as ErrorObject & { data?: unknown }).data;
  const parent = (e as ErrorObject & { parentSchema?: Record<string, unknown> }).parentSchema ?? {};
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if': return undefined;
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const known = Object.keys((parent['properties'] as Record<string, unknown>) ?? {});
      const near = known.filter((k) => editDistance(k, key) <= Math.max(2, Math.floor(key.length / 3)));
      return `${keyPath(e.instancePath, key)}: unknown key${near.length ? ` (did you mean '${near[0]}'?)` : ''}; allowed keys: ${known.join(', ')}`;
    }
    case 'required':
      return `${keyPath(e.instancePath, String(p['missingProperty']))}: required key is missing`;
    case 'type':
      return `${keyPath(e.instancePath)}: must be ${typeName(p['type'])}, got ${show(data)}`;
    case 'enum':
      return `${keyPath(e.instancePath)}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${show(data)}`;
    case 'const':
      return `${keyPath(e.instancePath)}: must be ${JSON.stringify(p['allowedValue'])}, got ${show(data)}`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return `${keyPath(e.instancePath)}: must be a number ${op} ${String(p['limit'])}, got ${show(data)}`;
    }
    case 'minLength':
      return `${keyPath(e.instancePath)}: must not be empty`;
    case 'pattern':
      return `${keyPath(e.instancePath)}: must look like ${parent['description'] ? String(parent['description']) : `/${String(p['pattern'])}/`}, got ${show(data)}`;
    case 'discriminator': {
      const variants = ((parent['oneOf'] as Record<string, unknown>[]) ?? [])
        .map((v) => ((v['properties'] as Record<string, { const?: unknown }>)?.['type']?.const))
        .filter((v) => v !== undefined);
      const forms = `"type" must be one of ${variants.map((v) => JSON.stringify(v)).join(', ')} (or give a number for a constant, a string for a raster path)`;
      if (p['error'] === 'mapping') return `${keyPath(e.instancePath, 'type')}: ${forms}, got ${show(p['tagValue'])}`;
      return `${keyPath(e.instancePath, 'type')}: ${forms}`;
    }
    default:
      return `${keyPath(e.instancePath)}: ${e.message ?? 'is invalid'}`;
  }
}

/**
 * Validates a parsed config against the schema; returns the list of mistakes (empty when valid), one readable
 * line each.
 */
export function configMistakes(raw: unknown): string[] {
  const validate = getValidator();
  if (validate(raw)) return semanticMistakes(raw as RawConfig);
  const lines = (validate.errors ?? []).map(describeError).filter((l): l is string => l !== undefined);
  return [...new Set(lines)];
}

interface RawConfig {
  name?: string; description?: string; model?: 'rusle' | 'csle';
  inputs: Record<string, unknown>;
  ls?: { preset?: string; fill?: boolean; options?: Record<string, unknown> };
  assessment?: { tolerance?: number; region?: string };
  monitoring?: { before: string; after: string; mode?: 'ndvi' | 'fvc' | 'landcover'; transitions?: string; cloudBefore?: string; cloudAfter?: string; minDrop?: number; maxAfter?: number; minPatchCells?: number; opening?: boolean };
  engine?: { workers?: number; memoryBudget?: string; onBadValue?: 'error' | 'nodata' };
  output?: { folder?: string; units?: 't/ha/yr' | 't/km2/yr'; maps?: boolean; report?: boolean; maxMapSize?: number; streamed?: boolean };
}

/** Checks the schema cannot express clearly: which inputs each model needs. */
function semanticMistakes(c: RawConfig): string[] {
  const out: string[] = [];
  const i = c.inputs;
  const model = c.model ?? 'rusle';
  if (i['dem'] === undefined && i['lsRaster'] === undefined) out.push('inputs: give either inputs.dem (a DEM GeoTIFF) or inputs.lsRaster (an LS GeoTIFF)');
  if (i['dem'] !== undefined && i['lsRaster'] !== undefined) out.push('inputs: give inputs.dem or inputs.lsRaster, not both');
  for (const f of ['R', 'K'] as const) if (i[f] === undefined) out.push(`inputs.${f}: required key is missing (a number, a GeoTIFF path or a typed object)`);
  if (model === 'rusle') {
    if (i['C'] === undefined) out.push('inputs.C: required key is missing for model "rusle" (a number, a GeoTIFF path or a typed object)');
    for (const f of ['B', 'E', 'T']) if (i[f] !== undefined) out.push(`inputs.${f}: is a CSLE factor; set "model": "csle" or use C and P`);
  } else {
    if (i['B'] === undefined) out.push('inputs.B: required key is missing for model "csle" (a number, a GeoTIFF path or a typed object)');
    for (const f of ['C', 'P']) if (i[f] !== undefined) out.push(`inputs.${f}: is a RUSLE factor; with "model": "csle" use B, E and T`);
  }
  if (c.assessment?.tolerance !== undefined && c.assessment.region !== undefined) out.push('assessment: give tolerance or region, not both');
  const K = i['K'] as { type?: string; method?: string; valueColumn?: string } | undefined;
  if (K && typeof K === 'object' && K.type === 'soil-table' && K.method === 'column' && !K.valueColumn) out.push('inputs.K.valueColumn: required with method "column"');
  if (i['lsRaster'] !== undefined && c.ls !== undefined) out.push('ls: LS options apply to inputs.dem; remove "ls" when inputs.lsRaster is given');
  return out;
}

function abs(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

const FACTOR_DEFAULTS: Record<string, Record<string, unknown>> = {
  table: { codeColumn: 'lucode' },
  ndvi: { method: 'vanDerKnijff', alpha: 2, beta: 1, ndviSoil: 0.05, ndviVeg: 0.95 },
  stations: { xColumn: 'x', yColumn: 'y', valueColumn: 'R', coordinates: 'grid', power: 2 },
  rain: { timeColumn: 'time', rainColumn: 'rain_mm', method: 'ei30', energy: 'brownFoster1987' },
  'soil-table': { codeColumn: 'SEQN', method: 'epic' },
};
const TABLE_VALUE_DEFAULT: Record<string, string> = { C: 'usle_c', P: 'usle_p', B: 'B', E: 'E', T: 'T' };

function normaliseFactor(name: FactorName, v: unknown, baseDir: string): FactorSpec {
  if (typeof v === 'number') return { type: 'constant', value: v };
  if (typeof v === 'string') return { type: 'raster', path: abs(baseDir, v) };
  const o = { ...FACTOR_DEFAULTS[(v as { type: string }).type], ...(v as Record<string, unknown>) };
  if (o['type'] === 'table' && o['valueColumn'] === undefined) o['valueColumn'] = TABLE_VALUE_DEFAULT[name];
  for (const k of ['path', 'table', 'raster']) if (typeof o[k] === 'string') o[k] = abs(baseDir, o[k] as string);
  return o as unknown as FactorSpec;
}

/**
 * Validates and normalises a parsed config. `file` names the config in messages and `baseDir` resolves relative
 * paths. Throws `BAD_CONFIG` listing every mistake.
 */
export function parsePipelineConfig(raw: unknown, file: string, baseDir: string): PipelineConfig {
  const mistakes = configMistakes(raw);
  if (mistakes.length > 0) {
    throw new RusleError('BAD_CONFIG', `${file}: ${mistakes.length} mistake${mistakes.length > 1 ? 's' : ''}: ${mistakes.join('; ')}`, { mistakes });
  }
  const c = raw as RawConfig;
  const i = c.inputs;
  const factors: Partial<Record<FactorName, FactorSpec>> = {};
  for (const f of ['R', 'K', 'C', 'P', 'B', 'E', 'T'] as const) if (i[f] !== undefined) factors[f] = normaliseFactor(f, i[f], baseDir);
  let zones: ZonesSpec | undefined;
  if (i['zones'] !== undefined) {
    const z = typeof i['zones'] === 'string' ? { path: i['zones'] } : (i['zones'] as { path: string; format?: 'raster' | 'geojson'; idField?: string; nameField?: string; allTouched?: boolean });
    const path = abs(baseDir, z.path);
    zones = {
      path, format: z.format ?? (/\.(geo)?json$/i.test(path) ? 'geojson' : 'raster'), allTouched: z.allTouched ?? false,
      ...(z.idField !== undefined ? { idField: z.idField } : {}), ...(z.nameField !== undefined ? { nameField: z.nameField } : {}),
    };
  }
  const out = c.output ?? {};
  return {
    file, baseDir, raw,
    name: c.name ?? 'rusle run',
    ...(c.description !== undefined ? { description: c.description } : {}),
    model: c.model ?? 'rusle',
    inputs: {
      ...(typeof i['dem'] === 'string' ? { dem: abs(baseDir, i['dem']) } : {}),
      ...(typeof i['lsRaster'] === 'string' ? { lsRaster: abs(baseDir, i['lsRaster']) } : {}),
      factors,
      ...(zones ? { zones } : {}),
      ...(typeof i['mask'] === 'string' ? { mask: abs(baseDir, i['mask']) } : {}),
    },
    ls: { ...(c.ls?.preset !== undefined ? { preset: c.ls.preset } : {}), fill: c.ls?.fill ?? true, options: c.ls?.options ?? {} },
    assessment: { ...c.assessment },
    ...(c.monitoring ? { monitoring: normaliseMonitoring(c.monitoring, baseDir) } : {}),
    engine: { ...c.engine },
    output: {
      folder: abs(baseDir, out.folder ?? 'rusle-output'), units: out.units ?? 't/ha/yr', maps: out.maps ?? true,
      report: out.report ?? true, maxMapSize: out.maxMapSize ?? 1200,
      ...(out.streamed !== undefined ? { streamed: out.streamed } : {}),
    },
  };
}

function normaliseMonitoring(m: NonNullable<RawConfig['monitoring']>, baseDir: string): MonitoringSpec {
  // A transition table is a scheme name or a file next to the config.
  const schemes = ['cnlucc', 'worldcover', 'seims'];
  return {
    before: abs(baseDir, m.before), after: abs(baseDir, m.after), mode: m.mode ?? 'ndvi',
    ...(m.transitions !== undefined ? { transitions: schemes.includes(m.transitions) ? m.transitions : abs(baseDir, m.transitions) } : {}),
    ...(m.cloudBefore !== undefined ? { cloudBefore: abs(baseDir, m.cloudBefore) } : {}),
    ...(m.cloudAfter !== undefined ? { cloudAfter: abs(baseDir, m.cloudAfter) } : {}),
    ...(m.minDrop !== undefined ? { minDrop: m.minDrop } : {}), ...(m.maxAfter !== undefined ? { maxAfter: m.maxAfter } : {}),
    minPatchCells: m.minPatchCells ?? 4, opening: m.opening ?? false,
  };
}

/**
 * Reads, validates and normalises a config file. Relative paths inside are resolved against the file's folder.
 * Throws `IO_ERROR` when the file cannot be read and `BAD_CONFIG` when it is not JSON or breaks the schema.
 */
export function loadPipelineConfig(path: string): PipelineConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new RusleError('BAD_ARGUMENT', `pipeline config ${file} ${code === 'ENOENT' ? 'does not exist' : 'is a folder'}; give the path of a JSON file`, { path: file });
    throw new RusleError('IO_ERROR', `cannot read the pipeline config ${file}: ${(e as Error).message}`, { path: file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RusleError('BAD_CONFIG', `${file}: not valid JSON: ${(e as Error).message}`, { path: file });
  }
  return parsePipelineConfig(raw, file, dirname(file));
}

/** The tolerance (t·km⁻²·yr⁻¹) a config asks for: the number, the region's value, or 500 (red-soil hills). */
export function configTolerance(c: PipelineConfig): number {
  if (c.assessment.tolerance !== undefined) return c.assessment.tolerance;
  if (c.assessment.region !== undefined) return REGION_TOLERANCE[c.assessment.region]!;
  return 500;
}
