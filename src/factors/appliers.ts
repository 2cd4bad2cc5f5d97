/**
 * Raster appliers: each factor computed cell by cell over rasters (or constants) from its inputs.
 *
 * Policy, shared by every applier:
 * - inputs are rasters on one grid (`assertAligned`, else `GRID_MISMATCH`) or plain numbers (a constant
 *   everywhere); at least one raster, or the `grid` option;
 * - nodata in any input (NaN in float rasters, the declared value in integer rasters) gives NaN;
 * - a valid cell whose inputs are outside a formula's valid range (sand + silt + clay ≠ 100, NDVI > 1, …) is never a
 *   silent NaN: with `onOutOfRange: 'error'` (default) the applier throws `BAD_VALUE` naming the count and the first
 *   cell (column, row, input, value); with `'nodata'` the cell becomes NaN and the count and first cell are in the
 *   report;
 * - output Float32 on the inputs' grid; inputs are never mutated.
 *
 * The per-cell functions are the registered formulas' own scalar functions (same code as `formulas.evaluate`).
 * Loops run over flat typed arrays with one function call per cell; complexity O(cells).
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned, type Grid } from '../raster/grid.js';
import { Raster, floatValues, isFloatArray, type TypedArray } from '../raster/raster.js';
import { cCai2000, cVanDerKnijff, fvcDimidiate } from './cover/cover.js';
import { fournierIndex, rRenardFreimund1994, rRenardFreimund1994Fournier } from './rainfall/models.js';
import { geometricMeanDiameterMm, kEpic, kNomograph, kShiraziBoersmaFromDg, TEXTURE_SUM_TOLERANCE_PCT } from './soil/erodibility.js';
import { type LookupTable, OM_TO_OC, type SoilProperties } from './tables.js';

/** A raster or a constant. */
export type RasterOrNumber = Raster | number;

/** What to do with valid cells whose inputs are outside the formula's range. */
export type OutOfRangePolicy = 'error' | 'nodata';

/** Options shared by the appliers. */
export interface ApplyOptions {
  /** Out-of-range inputs: throw (`'error'`) or write NaN and report (`'nodata'`). @defaultValue `'error'` */
  readonly onOutOfRange?: OutOfRangePolicy;
  /** Grid of the output when every input is a constant. */
  readonly grid?: Grid;
}

/** Counts of an applier run. */
export interface FactorReport {
  /** Cells with a finite output. */
  readonly validCells: number;
  /** Cells that were nodata in at least one input. */
  readonly nodataCells: number;
  /** Cells whose inputs were outside the valid range, and the first of them (row-major order). */
  readonly outOfRange: { readonly count: number; readonly first?: { col: number; row: number; input: string; value: number; reason: string } };
}

/** An output factor raster with its report. */
export interface FactorResult {
  /** The factor, Float32, NaN where nodata or out of range. */
  readonly raster: Raster<Float32Array>;
  /** Counts and the first out-of-range cell. */
  readonly report: FactorReport;
}

interface InputSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** Resolves the output grid and checks alignment. */
function resolveGrid(inputs: Record<string, RasterOrNumber | undefined>, options: ApplyOptions, fn: string): Grid {
  let ref: { name: string; grid: Grid } | undefined;
  for (const [name, v] of Object.entries(inputs)) {
    if (v === undefined || typeof v === 'number') continue;
    if (!(v instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `${fn}: input '${name}' must be a Raster or a number`);
    if (!ref) ref = { name, grid: v.grid };
    else assertAligned(ref.grid, v.grid, [ref.name, name]);
  }
  if (ref) {
    if (options.grid) assertAligned(ref.grid, options.grid, [ref.name, 'options.grid']);
    return ref.grid;
  }
  if (options.grid) return options.grid;
  throw new RusleError('BAD_ARGUMENT', `${fn}: every input is a constant; give options.grid for the output`);
}

/** A float view of an input: the raster's data (integer nodata read as NaN) or a constant. */
interface Channel {
  readonly data: ArrayLike<number> | undefined;
  readonly constant: number;
  readonly intNodata: number | null;
}

function channel(v: RasterOrNumber, name: string, fn: string): Channel {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new RusleError('BAD_VALUE', `${fn}: constant '${name}' is NaN`);
    return { data: undefined, constant: v, intNodata: null };
  }
  return { data: v.data, constant: NaN, intNodata: isFloatArray(v.data) ? null : v.nodata };
}

/**
 * The generic cell loop: reads each channel, skips nodata, range-checks against `specs`, runs `check` (cross-input)
 * and `fn`. `vals` is reused (no per-cell allocation).
 */
function applyCells(
  fnName: string,
  grid: Grid,
  channels: Channel[],
  specs: InputSpec[],
  fn: (v: Float64Array) => number,
  check: ((v: Float64Array) => string | undefined) | undefined,
  options: ApplyOptions,
): FactorResult {
  const n = grid.width * grid.height;
  const out = new Float32Array(n);
  const k = channels.length;
  const vals = new Float64Array(k);
  let valid = 0;
  let nodata = 0;
  let bad = 0;
  let first: FactorReport['outOfRange']['first'];
  const policy = options.onOutOfRange ?? 'error';
  for (let i = 0; i < n; i++) {
    let isNodata = false;
    let badInput = -1;
    for (let c = 0; c < k; c++) {
      const ch = channels[c]!;
      const v = ch.data === undefined ? ch.constant : ch.data[i]!;
      if (v !== v || (ch.intNodata !== null && v === ch.intNodata)) {
        isNodata = true;
        break;
      }
      vals[c] = v;
      const s = specs[c]!;
      if (badInput < 0 && !(v >= s.min && v <= s.max)) badInput = c;
    }
    if (isNodata) {
      out[i] = NaN;
      nodata++;
      continue;
    }
    let reason: string | undefined;
    if (badInput >= 0) {
      const s = specs[badInput]!;
      reason = `${s.name} = ${vals[badInput]} is outside [${s.min}, ${s.max}]`;
    } else if (check) {
      reason = check(vals);
    }
    if (reason !== undefined) {
      bad++;
      if (!first) {
        const b = badInput >= 0 ? badInput : 0;
        first = { col: i % grid.width, row: Math.floor(i / grid.width), input: specs[b]!.name, value: vals[b]!, reason };
      }
      out[i] = NaN;
      continue;
    }
    const r = fn(vals);
    out[i] = r;
    if (r === r) valid++;
  }
  if (bad > 0 && policy === 'error') {
    throw new RusleError(
      'BAD_VALUE',
      `${fnName}: ${bad} cell(s) have inputs outside the valid range; first at column ${first!.col}, row ${first!.row}: ${first!.reason}. Use onOutOfRange: 'nodata' to write NaN there instead.`,
      { count: bad, first },
    );
  }
  return { raster: new Raster(grid, out, NaN), report: { validCells: valid, nodataCells: nodata, outOfRange: { count: bad, ...(first ? { first } : {}) } } };
}

// ---------------------------------------------------------------------------------------------------------------
// Specialised kernels (monomorphic loops for the most used appliers; the generic loop above serves the rest)
// ---------------------------------------------------------------------------------------------------------------

/** An input as a float array and a stride: 1 for a raster, 0 for a constant (a one-element array). */
interface Lane {
  readonly a: Float32Array | Float64Array;
  readonly s: number;
}

function lane(ch: Channel): Lane {
  if (ch.data === undefined) return { a: Float64Array.of(ch.constant), s: 0 };
  if (ch.data instanceof Float32Array || ch.data instanceof Float64Array) return { a: ch.data, s: 1 };
  // Integer rasters: converted once, nodata → NaN.
  return { a: floatValues(ch.data as TypedArray, ch.intNodata, new Float32Array(ch.data.length)), s: 1 };
}

/** Counts of a kernel run and its first out-of-range cell. */
class Tally {
  valid = 0;
  nodata = 0;
  bad = 0;
  firstIndex = -1;
  firstInput = '';
  firstValue = NaN;
  firstReason = '';
  flag(i: number, input: string, value: number, reason: string): void {
    if (this.bad++ === 0) {
      this.firstIndex = i;
      this.firstInput = input;
      this.firstValue = value;
      this.firstReason = reason;
    }
  }
}

function finish(fnName: string, grid: Grid, out: Float32Array, t: Tally, options: ApplyOptions): FactorResult {
  const first = t.firstIndex >= 0
    ? { col: t.firstIndex % grid.width, row: Math.floor(t.firstIndex / grid.width), input: t.firstInput, value: t.firstValue, reason: t.firstReason }
    : undefined;
  if (t.bad > 0 && (options.onOutOfRange ?? 'error') === 'error') {
    throw new RusleError(
      'BAD_VALUE',
      `${fnName}: ${t.bad} cell(s) have inputs outside the valid range; first at column ${first!.col}, row ${first!.row}: ${first!.reason}. Use onOutOfRange: 'nodata' to write NaN there instead.`,
      { count: t.bad, first },
    );
  }
  return { raster: new Raster(grid, out, NaN), report: { validCells: t.valid, nodataCells: t.nodata, outOfRange: { count: t.bad, ...(first ? { first } : {}) } } };
}

function pctReason(name: string, v: number): string {
  return `${name} = ${v} is outside [0, 100]`;
}

/** K.epic over four lanes (sand, silt, clay, carbon·scale), then a·K + b. */
function epicKernel(sa: Lane, si: Lane, cl: Lane, oc: Lane, ocScale: number, ocName: string, a: number, b: number, out: Float32Array, t: Tally): void {
  const A = sa.a, As = sa.s, B = si.a, Bs = si.s, C = cl.a, Cs = cl.s, D = oc.a, Ds = oc.s;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const sand = A[i * As]!, silt = B[i * Bs]!, clay = C[i * Cs]!, carbon = D[i * Ds]! * ocScale;
    if (sand !== sand || silt !== silt || clay !== clay || carbon !== carbon) { out[i] = NaN; t.nodata++; continue; }
    if (!(sand >= 0 && sand <= 100)) { out[i] = NaN; t.flag(i, 'sandPct', sand, pctReason('sandPct', sand)); continue; }
    if (!(silt >= 0 && silt <= 100)) { out[i] = NaN; t.flag(i, 'siltPct', silt, pctReason('siltPct', silt)); continue; }
    if (!(clay >= 0 && clay <= 100)) { out[i] = NaN; t.flag(i, 'clayPct', clay, pctReason('clayPct', clay)); continue; }
    if (!(carbon >= 0 && carbon <= 100)) { out[i] = NaN; t.flag(i, ocName, carbon / ocScale, pctReason(ocName, carbon / ocScale)); continue; }
    const sum = sand + silt + clay;
    if (sum > 100 + TEXTURE_SUM_TOLERANCE_PCT || sum < 100 - TEXTURE_SUM_TOLERANCE_PCT) {
      out[i] = NaN;
      t.flag(i, 'sandPct', sand, `sand + silt + clay = ${sum.toFixed(2)} %, not 100 ± ${TEXTURE_SUM_TOLERANCE_PCT}`);
      continue;
    }
    out[i] = a * kEpic(sand, silt, clay, carbon) + b;
    t.valid++;
  }
}

/** C.vanDerKnijff over one lane; NDVI must be in [−1, min(1, β)). */
function vdkKernel(nd: Lane, alpha: number, beta: number, out: Float32Array, t: Tally): void {
  const A = nd.a, As = nd.s;
  const hi = Math.min(1, beta);
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const v = A[i * As]!;
    if (v !== v) { out[i] = NaN; t.nodata++; continue; }
    if (!(v >= -1 && v < hi)) { out[i] = NaN; t.flag(i, 'ndvi', v, `ndvi = ${v} is outside [-1, ${hi})`); continue; }
    out[i] = cVanDerKnijff(v, alpha, beta);
    t.valid++;
  }
}

/** R.renardFreimund1994 over one lane of annual precipitation (mm, 0–10000). */
function rAnnualKernel(p: Lane, out: Float32Array, t: Tally): void {
  const A = p.a, As = p.s;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const v = A[i * As]!;
    if (v !== v) { out[i] = NaN; t.nodata++; continue; }
    if (!(v >= 0 && v <= 10000)) { out[i] = NaN; t.flag(i, 'annualRainMm', v, `annualRainMm = ${v} is outside [0, 10000]`); continue; }
    out[i] = rRenardFreimund1994(v);
    t.valid++;
  }
}

const PCT = { min: 0, max: 100 };

// ---------------------------------------------------------------------------------------------------------------
// K
// ---------------------------------------------------------------------------------------------------------------

/** Inputs of {@link kFactorFromTexture}: rasters or constants, in mass %. */
export interface KFactorInputs {
  /** Sand (0.05–2 mm), %. */
  readonly sandPct?: RasterOrNumber;
  /** Silt (0.002–0.05 mm), %. */
  readonly siltPct: RasterOrNumber;
  /** Clay (< 0.002 mm), %. */
  readonly clayPct: RasterOrNumber;
  /** Organic carbon, % (EPIC). */
  readonly organicCarbonPct?: RasterOrNumber;
  /** Organic matter, % (nomograph; EPIC uses OM / 1.724 when no carbon is given). */
  readonly organicMatterPct?: RasterOrNumber;
  /** Very fine sand (0.05–0.1 mm), % (nomograph). */
  readonly veryFineSandPct?: RasterOrNumber;
  /** Structure class 1–4 (nomograph). */
  readonly structureClass?: RasterOrNumber;
  /** Permeability class 1–6 (nomograph). */
  readonly permeabilityClass?: RasterOrNumber;
}

/** K methods: the registered formulas `K.epic`, `K.shiraziBoersma`, `K.nomograph`. */
export type KMethod = 'epic' | 'shiraziBoersma' | 'nomograph';

/** Options of {@link kFactorFromTexture}. */
export interface KFactorOptions extends ApplyOptions {
  /** Which formula. @defaultValue `'epic'` */
  readonly method?: KMethod;
  /**
   * Optional linear correction K' = slope · K + intercept applied after the formula (regional calibrations such as
   * the corrections of EPIC K used for Chinese soils — supply the constants of your source). @defaultValue none
   */
  readonly linearCorrection?: { readonly slope: number; readonly intercept: number };
}

/**
 * Soil erodibility K (t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹) from texture rasters or constants, with `K.epic`, `K.shiraziBoersma`
 * or `K.nomograph`.
 *
 * @param inputs - texture (%), organic carbon or matter (%), and for the nomograph very fine sand, structure and
 *   permeability classes.
 * @param options - method, linear correction, out-of-range policy.
 * @returns the K raster (Float32) and a report.
 * @throws `GRID_MISMATCH`, `BAD_ARGUMENT` (missing input for the method), `BAD_VALUE` (out-of-range cells with the
 *   default policy: texture not summing to 100 ± 1 %, OM > 4 % for the nomograph, …).
 * @example
 * ```ts
 * const { raster: k } = kFactorFromTexture({ sandPct: sand, siltPct: silt, clayPct: clay, organicCarbonPct: 1.2 }, { method: 'epic' });
 * ```
 */
export function kFactorFromTexture(inputs: KFactorInputs, options: KFactorOptions = {}): FactorResult {
  const method = options.method ?? 'epic';
  const fnName = `kFactorFromTexture(${method})`;
  const grid = resolveGrid(inputs as unknown as Record<string, RasterOrNumber | undefined>, options, fnName);
  const need = (name: keyof KFactorInputs): RasterOrNumber => {
    const v = inputs[name];
    if (v === undefined) throw new RusleError('BAD_ARGUMENT', `${fnName}: input '${name}' is required for method '${method}'`);
    return v;
  };
  const corr = options.linearCorrection;
  if (corr && !(Number.isFinite(corr.slope) && Number.isFinite(corr.intercept))) throw new RusleError('BAD_VALUE', `${fnName}: linearCorrection needs finite slope and intercept`);
  const a = corr ? corr.slope : 1;
  const b = corr ? corr.intercept : 0;
  const texSum = (v: Float64Array): string | undefined => {
    const s = v[0]! + v[1]! + v[2]!;
    return Math.abs(s - 100) > TEXTURE_SUM_TOLERANCE_PCT ? `sand + silt + clay = ${s.toFixed(2)} %, not 100 ± ${TEXTURE_SUM_TOLERANCE_PCT}` : undefined;
  };
  if (method === 'epic') {
    let carbon: RasterOrNumber;
    let carbonScale = 1;
    if (inputs.organicCarbonPct !== undefined) carbon = inputs.organicCarbonPct;
    else if (inputs.organicMatterPct !== undefined) { carbon = inputs.organicMatterPct; carbonScale = 1 / OM_TO_OC; }
    else throw new RusleError('BAD_ARGUMENT', `${fnName}: organicCarbonPct (or organicMatterPct) is required`);
    const chans = [channel(need('sandPct'), 'sandPct', fnName), channel(inputs.siltPct, 'siltPct', fnName), channel(inputs.clayPct, 'clayPct', fnName), channel(carbon, 'organicCarbonPct', fnName)];
    const specs = [{ name: 'sandPct', ...PCT }, { name: 'siltPct', ...PCT }, { name: 'clayPct', ...PCT }, { name: carbonScale === 1 ? 'organicCarbonPct' : 'organicMatterPct', ...PCT }];
    void specs;
    const out = new Float32Array(grid.width * grid.height);
    const t = new Tally();
    epicKernel(lane(chans[0]!), lane(chans[1]!), lane(chans[2]!), lane(chans[3]!), carbonScale, carbonScale === 1 ? 'organicCarbonPct' : 'organicMatterPct', a, b, out, t);
    return finish(fnName, grid, out, t, options);
  }
  if (method === 'shiraziBoersma') {
    const chans = [channel(need('sandPct'), 'sandPct', fnName), channel(inputs.siltPct, 'siltPct', fnName), channel(inputs.clayPct, 'clayPct', fnName)];
    const specs = [{ name: 'sandPct', ...PCT }, { name: 'siltPct', ...PCT }, { name: 'clayPct', ...PCT }];
    return applyCells(fnName, grid, chans, specs, (v) => a * kShiraziBoersmaFromDg(geometricMeanDiameterMm(v[0]!, v[1]!, v[2]!)) + b, texSum, options);
  }
  if (method === 'nomograph') {
    const chans = [
      channel(inputs.siltPct, 'siltPct', fnName),
      channel(need('veryFineSandPct'), 'veryFineSandPct', fnName),
      channel(inputs.clayPct, 'clayPct', fnName),
      channel(need('organicMatterPct'), 'organicMatterPct', fnName),
      channel(need('structureClass'), 'structureClass', fnName),
      channel(need('permeabilityClass'), 'permeabilityClass', fnName),
    ];
    const specs = [
      { name: 'siltPct', ...PCT }, { name: 'veryFineSandPct', ...PCT }, { name: 'clayPct', ...PCT },
      { name: 'organicMatterPct', min: 0, max: 4 }, { name: 'structureClass', min: 1, max: 4 }, { name: 'permeabilityClass', min: 1, max: 6 },
    ];
    const check = (v: Float64Array): string | undefined => {
      if (v[0]! + v[1]! > 70) return `silt + very fine sand = ${v[0]! + v[1]!} % > 70 % (nomograph range)`;
      if (!Number.isInteger(v[4]!) || !Number.isInteger(v[5]!)) return 'structure and permeability classes must be integers';
      return undefined;
    };
    return applyCells(fnName, grid, chans, specs, (v) => a * kNomograph(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!) + b, check, options);
  }
  throw new RusleError('BAD_ARGUMENT', `kFactorFromTexture: unknown method '${String(method)}'; use epic, shiraziBoersma or nomograph`);
}

/**
 * K by soil class: K of each class of a soil table (top layer) by `method`, then mapped onto the class raster.
 *
 * @param soilClasses - integer raster of soil codes (its nodata gives NaN).
 * @param table - soil properties per code (e.g. {@link soilTableFromSeims}).
 * @param options - method, linear correction, `missing: 'error' | 'nodata'` for codes absent from the table.
 * @returns the K raster and a report; `perClass` gives the K of each class.
 * @throws `BAD_TABLE` listing codes missing from the table; `BAD_VALUE` when a class's properties are out of range.
 * @example
 * ```ts
 * const soils = soilTableFromSeims(text);
 * const { raster } = kFactorFromSoilTable(soilRaster, soils, { method: 'epic' });
 * ```
 */
export function kFactorFromSoilTable(
  soilClasses: Raster,
  table: ReadonlyMap<number, SoilProperties>,
  options: Omit<KFactorOptions, 'onOutOfRange'> & { missing?: 'error' | 'nodata' } = {},
): FactorResult & { perClass: Map<number, number> } {
  const perClass = new Map<number, number>();
  const one = soilClasses.grid.window({ x: 0, y: 0, width: 1, height: 1 });
  for (const [code, p] of table) {
    try {
      const { raster } = kFactorFromTexture(
        { sandPct: p.sandPct, siltPct: p.siltPct, clayPct: p.clayPct, organicCarbonPct: p.organicCarbonPct, organicMatterPct: p.organicMatterPct },
        { ...options, grid: one },
      );
      perClass.set(code, raster.data[0]!);
    } catch (e) {
      if (e instanceof RusleError && e.code === 'BAD_VALUE') throw new RusleError('BAD_VALUE', `kFactorFromSoilTable: soil class ${code}: ${e.message}`, { code }, { cause: e });
      throw e;
    }
  }
  return { ...lookupRaster(soilClasses, perClass, { missing: options.missing ?? 'error', what: 'kFactorFromSoilTable' }), perClass };
}

// ---------------------------------------------------------------------------------------------------------------
// Lookups: C, P, B, E, T by class code
// ---------------------------------------------------------------------------------------------------------------

/** Options of {@link lookupRaster}. */
export interface LookupOptions {
  /** Codes absent from the table: `'error'` (BAD_TABLE listing them) or `'nodata'` (NaN). @defaultValue `'error'` */
  readonly missing?: 'error' | 'nodata';
  /** Name used in messages. @defaultValue `'lookupRaster'` */
  readonly what?: string;
  /** Valid range of the looked-up values (checked once per table entry). @defaultValue [0, Infinity] */
  readonly range?: readonly [number, number];
}

/**
 * Maps a class raster through a code → value table (C from land cover, P, CSLE's B, E, T).
 *
 * @param codes - integer class raster (its nodata, and NaN for float rasters, give NaN).
 * @param table - code → value.
 * @param options - missing-code policy, value range.
 * @returns the value raster (Float32) and a report.
 * @throws `BAD_TABLE` when codes present in the raster are missing from the table (all listed) or a value is out of
 *   range.
 * @example
 * ```ts
 * const c = lookupRaster(landUse, parseLookupTable(csv, { valueColumn: 'usle_c' })).raster;
 * ```
 */
export function lookupRaster(codes: Raster, table: LookupTable, options: LookupOptions = {}): FactorResult {
  const what = options.what ?? 'lookupRaster';
  const [lo, hi] = options.range ?? [0, Infinity];
  for (const [code, v] of table) {
    if (!(v >= lo && v <= hi)) throw new RusleError('BAD_TABLE', `${what}: value ${v} of code ${code} is outside [${lo}, ${hi}]`, { code, value: v });
  }
  const data = codes.data;
  const n = data.length;
  const out = new Float32Array(n);
  const nd = isFloatArray(data) ? null : codes.nodata;
  // Dense array for small non-negative codes, Map otherwise.
  let maxCode = -1;
  for (const c of table.keys()) if (c > maxCode) maxCode = c;
  const dense = maxCode >= 0 && maxCode < 65536 ? new Float64Array(maxCode + 1).fill(NaN) : undefined;
  if (dense) for (const [c, v] of table) if (c >= 0) dense[c] = v;
  const missing = new Set<number>();
  let valid = 0;
  let nodata = 0;
  for (let i = 0; i < n; i++) {
    const c = data[i]!;
    if (c !== c || (nd !== null && c === nd)) {
      out[i] = NaN;
      nodata++;
      continue;
    }
    let v: number | undefined;
    if (dense && c >= 0 && c <= maxCode && Number.isInteger(c)) v = dense[c];
    else v = table.get(c);
    if (v === undefined || v !== v) {
      missing.add(c);
      out[i] = NaN;
      continue;
    }
    out[i] = v;
    valid++;
  }
  if (missing.size > 0 && (options.missing ?? 'error') === 'error') {
    const list = [...missing].sort((x, y) => x - y);
    throw new RusleError('BAD_TABLE', `${what}: ${list.length} code(s) of the raster are missing from the table: ${list.slice(0, 50).join(', ')}${list.length > 50 ? ', …' : ''}. Add them, or use missing: 'nodata'.`, { missing: list });
  }
  let missingCells = 0;
  if (missing.size > 0) for (let i = 0; i < n; i++) if (missing.has(data[i]!)) missingCells++;
  return { raster: new Raster(codes.grid, out, NaN), report: { validCells: valid, nodataCells: nodata, outOfRange: { count: missingCells } } };
}

/**
 * C factor by land-cover code from a table (InVEST biophysical `lucode → usle_c`); values must be in [0, 1].
 *
 * @example
 * ```ts
 * const table = parseLookupTable(readFileSync('data/willamette/biophysical_table.csv', 'utf8'), { valueColumn: 'usle_c' });
 * const { raster: c } = cFactorFromLandCover(landUse, table);
 * ```
 */
export function cFactorFromLandCover(landCover: Raster, table: LookupTable, options: Omit<LookupOptions, 'range'> = {}): FactorResult {
  return lookupRaster(landCover, table, { what: 'cFactorFromLandCover', ...options, range: [0, 1] });
}

/** P factor by land-cover code from a table (InVEST `lucode → usle_p`); values in [0, 1]. */
export function pFactorFromLandCover(landCover: Raster, table: LookupTable, options: Omit<LookupOptions, 'range'> = {}): FactorResult {
  return lookupRaster(landCover, table, { what: 'pFactorFromLandCover', ...options, range: [0, 1] });
}

// ---------------------------------------------------------------------------------------------------------------
// C from NDVI, FVC
// ---------------------------------------------------------------------------------------------------------------

/** Options of {@link cFactorFromNdvi}. */
export interface CFromNdviOptions extends ApplyOptions {
  /** `'vanDerKnijff'` (C.vanDerKnijff) or `'cai2000'` (FVC.dimidiate × 100 → C.cai2000). @defaultValue `'vanDerKnijff'` */
  readonly method?: 'vanDerKnijff' | 'cai2000';
  /** α of van der Knijff. @defaultValue 2 */
  readonly alpha?: number;
  /** β of van der Knijff. @defaultValue 1 */
  readonly beta?: number;
  /** NDVI of bare soil (cai2000). Required for cai2000. */
  readonly ndviSoil?: number;
  /** NDVI of full cover (cai2000). Required for cai2000. */
  readonly ndviVeg?: number;
}

/**
 * C factor from an NDVI raster: van der Knijff et al. (α, β), or Cai et al. (2000) on the dimidiate vegetation
 * cover. NDVI must lie in [−1, 1] (out-of-range cells reported).
 *
 * @throws `BAD_ARGUMENT` when cai2000 lacks ndviSoil/ndviVeg; `BAD_VALUE` for out-of-range NDVI (default policy).
 * @example
 * ```ts
 * const { raster: c } = cFactorFromNdvi(ndvi, { method: 'vanDerKnijff' });
 * ```
 */
export function cFactorFromNdvi(ndvi: RasterOrNumber, options: CFromNdviOptions = {}): FactorResult {
  const method = options.method ?? 'vanDerKnijff';
  const fnName = `cFactorFromNdvi(${method})`;
  const grid = resolveGrid({ ndvi }, options, fnName);
  const chans = [channel(ndvi, 'ndvi', fnName)];
  if (method === 'vanDerKnijff') {
    const alpha = options.alpha ?? 2;
    const beta = options.beta ?? 1;
    if (!(alpha > 0)) throw new RusleError('BAD_VALUE', `${fnName}: alpha must be > 0, got ${alpha}`);
    if (!(beta >= 1)) throw new RusleError('BAD_VALUE', `${fnName}: beta must be ≥ 1 (so that β − NDVI > 0), got ${beta}`);
    const out = new Float32Array(grid.width * grid.height);
    const t = new Tally();
    vdkKernel(lane(chans[0]!), alpha, beta, out, t);
    return finish(fnName, grid, out, t, options);
  }
  if (method === 'cai2000') {
    const { ndviSoil, ndviVeg } = options;
    if (ndviSoil === undefined || ndviVeg === undefined) throw new RusleError('BAD_ARGUMENT', `${fnName}: ndviSoil and ndviVeg are required`);
    if (!(ndviVeg > ndviSoil)) throw new RusleError('BAD_VALUE', `${fnName}: ndviVeg (${ndviVeg}) must exceed ndviSoil (${ndviSoil})`);
    return applyCells(fnName, grid, chans, [{ name: 'ndvi', min: -1, max: 1 }], (v) => cCai2000(100 * fvcDimidiate(v[0]!, ndviSoil, ndviVeg)), undefined, options);
  }
  throw new RusleError('BAD_ARGUMENT', `cFactorFromNdvi: unknown method '${String(method)}'`);
}

/**
 * Fractional vegetation cover (0–1) from NDVI by the dimidiate pixel model (FVC.dimidiate).
 *
 * @example
 * ```ts
 * const { raster: fvc } = fvcFromNdvi(ndvi, { ndviSoil: 0.05, ndviVeg: 0.85 });
 * ```
 */
export function fvcFromNdvi(ndvi: RasterOrNumber, options: ApplyOptions & { ndviSoil: number; ndviVeg: number }): FactorResult {
  const { ndviSoil, ndviVeg } = options;
  if (!(ndviVeg > ndviSoil)) throw new RusleError('BAD_VALUE', `fvcFromNdvi: ndviVeg (${ndviVeg}) must exceed ndviSoil (${ndviSoil})`);
  const grid = resolveGrid({ ndvi }, options, 'fvcFromNdvi');
  return applyCells('fvcFromNdvi', grid, [channel(ndvi, 'ndvi', 'fvcFromNdvi')], [{ name: 'ndvi', min: -1, max: 1 }], (v) => fvcDimidiate(v[0]!, ndviSoil, ndviVeg), undefined, options);
}

// ---------------------------------------------------------------------------------------------------------------
// P from slope (user table)
// ---------------------------------------------------------------------------------------------------------------

/** One row of a slope-dependent P table: P for slopes up to `maxSlopePct` (rows sorted by slope). */
export interface SlopePRow {
  /** Upper slope limit of the row, % (inclusive). */
  readonly maxSlopePct: number;
  /** P for this slope class (0–1). */
  readonly p: number;
}

/** Options of {@link pFactorFromSlope}. */
export interface PFromSlopeOptions extends ApplyOptions {
  /** Unit of the slope raster. */
  readonly slopeUnits: 'degrees' | 'radians' | 'percent';
  /** The user's slope-class table (no default is shipped: cite your source, e.g. AH537's contouring table). */
  readonly table: readonly SlopePRow[];
  /** P above the last row's slope. @defaultValue 1 (no practice effect) */
  readonly aboveTable?: number;
}

/**
 * Slope-dependent P (contouring, strip-cropping, terraces) from a slope raster and the user's slope-class table.
 * No table is built in: the published tables (AH537, Wener 1981, Shin 1999) differ and must be cited by the user.
 *
 * @throws `BAD_ARGUMENT` for an empty or unsorted table; `BAD_VALUE` for P outside [0, 1] or negative slopes.
 * @example
 * ```ts
 * const { raster: p } = pFactorFromSlope(slopeDeg, { slopeUnits: 'degrees', table: [{ maxSlopePct: 2, p: 0.6 }, { maxSlopePct: 8, p: 0.5 }] });
 * ```
 */
export function pFactorFromSlope(slope: RasterOrNumber, options: PFromSlopeOptions): FactorResult {
  const fnName = 'pFactorFromSlope';
  const table = options.table;
  if (!table || table.length === 0) throw new RusleError('BAD_ARGUMENT', `${fnName}: table must have at least one row`);
  for (let i = 0; i < table.length; i++) {
    const r = table[i]!;
    if (!(r.p >= 0 && r.p <= 1)) throw new RusleError('BAD_VALUE', `${fnName}: table row ${i} has P = ${r.p}, outside [0, 1]`);
    if (!(r.maxSlopePct >= 0) || (i > 0 && !(r.maxSlopePct > table[i - 1]!.maxSlopePct))) throw new RusleError('BAD_ARGUMENT', `${fnName}: table rows must have increasing maxSlopePct ≥ 0 (row ${i})`);
  }
  const above = options.aboveTable ?? 1;
  const units = options.slopeUnits;
  const toPct = units === 'percent' ? (s: number) => s : units === 'degrees' ? (s: number) => 100 * Math.tan((s * Math.PI) / 180) : units === 'radians' ? (s: number) => 100 * Math.tan(s) : undefined;
  if (!toPct) throw new RusleError('BAD_UNITS', `${fnName}: slopeUnits must be degrees, radians or percent, got '${String(units)}'`);
  const maxS = units === 'percent' ? Infinity : units === 'degrees' ? 90 : Math.PI / 2;
  const lim = table.map((r) => r.maxSlopePct);
  const ps = table.map((r) => r.p);
  const grid = resolveGrid({ slope }, options, fnName);
  return applyCells(fnName, grid, [channel(slope, 'slope', fnName)], [{ name: 'slope', min: 0, max: maxS }], (v) => {
    const s = toPct(v[0]!);
    for (let i = 0; i < lim.length; i++) if (s <= lim[i]!) return ps[i]!;
    return above;
  }, undefined, options);
}

// ---------------------------------------------------------------------------------------------------------------
// CSLE B from land use and cover (user table)
// ---------------------------------------------------------------------------------------------------------------

/** One row of a CSLE B table: B for land-use `code` with vegetation cover in (`coverMinPct`, `coverMaxPct`]. */
export interface BTableRow {
  /** Land-use code. */
  readonly code: number;
  /** Lower cover bound, % (exclusive, except 0 which is inclusive). */
  readonly coverMinPct: number;
  /** Upper cover bound, % (inclusive). */
  readonly coverMaxPct: number;
  /** B (0–1). */
  readonly b: number;
}

/**
 * CSLE's B from a land-use raster and a vegetation-cover raster (%) through the user's table of B by land use and
 * cover class. Cells whose land use or cover falls in no row are out of range (reported).
 *
 * @example
 * ```ts
 * const { raster: b } = bFactorFromTable(landUse, coverPct, [{ code: 2, coverMinPct: 0, coverMaxPct: 30, b: 0.2 }]);
 * ```
 */
export function bFactorFromTable(landUse: Raster, coverPct: RasterOrNumber, table: readonly BTableRow[], options: ApplyOptions = {}): FactorResult {
  const fnName = 'bFactorFromTable';
  for (const r of table) if (!(r.b >= 0 && r.b <= 1) || !(r.coverMaxPct >= r.coverMinPct)) throw new RusleError('BAD_TABLE', `${fnName}: bad row ${JSON.stringify(r)}`);
  const grid = resolveGrid({ landUse, coverPct }, options, fnName);
  const rowsByCode = new Map<number, BTableRow[]>();
  for (const r of table) (rowsByCode.get(r.code) ?? rowsByCode.set(r.code, []).get(r.code)!).push(r);
  const find = (code: number, cover: number): number => {
    const rows = rowsByCode.get(code);
    if (!rows) return NaN;
    for (const r of rows) if ((cover > r.coverMinPct || (r.coverMinPct === 0 && cover === 0)) && cover <= r.coverMaxPct) return r.b;
    return NaN;
  };
  return applyCells(
    fnName, grid, [channel(landUse, 'landUse', fnName), channel(coverPct, 'coverPct', fnName)],
    [{ name: 'landUse', min: -Infinity, max: Infinity }, { name: 'coverPct', min: 0, max: 100 }],
    (v) => find(v[0]!, v[1]!),
    (v) => (Number.isNaN(find(v[0]!, v[1]!)) ? `no table row for land use ${v[0]} with cover ${v[1]} %` : undefined),
    options,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// R from precipitation rasters
// ---------------------------------------------------------------------------------------------------------------

/** Options of {@link rFactorFromPrecipitation}. */
export interface RFactorOptions extends ApplyOptions {
  /**
   * `'renardFreimund1994'` (annual P; a 12-raster stack is summed) or `'renardFreimund1994Fournier'` (needs the 12
   * monthly rasters; F = Σ p²/P per cell). @defaultValue `'renardFreimund1994'`
   */
  readonly model?: 'renardFreimund1994' | 'renardFreimund1994Fournier';
}

/**
 * R factor (MJ·mm·ha⁻¹·h⁻¹·yr⁻¹) from an annual precipitation raster or a stack of 12 mean monthly precipitation
 * rasters (mm), by Renard & Freimund (1994) on P or on the modified Fournier index.
 *
 * @throws `BAD_ARGUMENT` for a stack that is not 1 or 12 rasters (12 for the Fournier model); `GRID_MISMATCH`.
 * @example
 * ```ts
 * const { raster: r } = rFactorFromPrecipitation(annualPrecip, { model: 'renardFreimund1994' });
 * ```
 */
export function rFactorFromPrecipitation(precipitationMm: RasterOrNumber | readonly RasterOrNumber[], options: RFactorOptions = {}): FactorResult {
  const model = options.model ?? 'renardFreimund1994';
  const fnName = `rFactorFromPrecipitation(${model})`;
  const stack = Array.isArray(precipitationMm) ? (precipitationMm as readonly RasterOrNumber[]) : [precipitationMm as RasterOrNumber];
  if (stack.length !== 1 && stack.length !== 12) throw new RusleError('BAD_ARGUMENT', `${fnName}: give one annual raster or 12 monthly rasters, got ${stack.length}`);
  if (model === 'renardFreimund1994Fournier' && stack.length !== 12) throw new RusleError('BAD_ARGUMENT', `${fnName}: the Fournier model needs the 12 monthly rasters`);
  const named: Record<string, RasterOrNumber> = {};
  stack.forEach((r, i) => { named[`precipitation[${i}]`] = r; });
  const grid = resolveGrid(named, options, fnName);
  const chans = stack.map((r, i) => channel(r, `precipitation[${i}]`, fnName));
  const specs = stack.map((_, i) => ({ name: stack.length === 1 ? 'annualRainMm' : `month${i + 1}RainMm`, min: 0, max: stack.length === 1 ? 10000 : 5000 }));
  if (model === 'renardFreimund1994' && stack.length === 1) {
    const out = new Float32Array(grid.width * grid.height);
    const t = new Tally();
    rAnnualKernel(lane(chans[0]!), out, t);
    return finish(fnName, grid, out, t, options);
  }
  if (model === 'renardFreimund1994') {
    return applyCells(fnName, grid, chans, specs, (v) => {
      let p = 0;
      for (let i = 0; i < v.length; i++) p += v[i]!;
      return rRenardFreimund1994(p);
    }, undefined, options);
  }
  if (model === 'renardFreimund1994Fournier') {
    return applyCells(fnName, grid, chans, specs, (v) => rRenardFreimund1994Fournier(fournierIndex(v)), undefined, options);
  }
  throw new RusleError('BAD_ARGUMENT', `rFactorFromPrecipitation: unknown model '${String(model)}'`);
}

/** @deprecated Renamed {@link kFactorFromTexture} (the `<factor>FactorFrom<Input>` pattern of the appliers). */
export const kFactorRaster = kFactorFromTexture;
/** @deprecated Renamed {@link rFactorFromPrecipitation}. */
export const rFactorRaster = rFactorFromPrecipitation;
/** @deprecated Renamed {@link fvcFromNdvi}. */
export const fvcRaster = fvcFromNdvi;
