/**
 * Sediment delivery as InVEST SDR defines it: the connectivity index of Borselli, Cassi & Torri (2008, "Prolegomena
 * to sediment and flow connectivity in the landscape: a GIS and field numerical assessment", Catena 75(3):268–277,
 * doi:10.1016/j.catena.2008.07.006) with the sediment delivery ratio of Vigiak et al. (2012, "Comparison of
 * conceptual landscape metrics to define hillslope-scale sediment delivery ratio", Geomorphology 138(1):74–88,
 * doi:10.1016/j.geomorph.2011.08.026), and the deposition and flux of InVEST 3.14 and later.
 *
 * **Which InVEST.** The equations and their numerical rules are re-typed from natcap/invest `sdr.py` and
 * `sediment_deposition.h` as of 3.20 (the rules below have not changed since 3.14, whose LS is the `invest-3.14`
 * preset), with its default routing: pygeoprocessing's MFD (`mfd-pygeoprocessing.ts`), streams traced with 0.7 of
 * the threshold. InVEST's D8 option is not reproduced.
 *
 * Per cell, on the mutual mask of the DEM, A and C (and P):
 * - W = max(C, 0.001) (times P with `p`; InVEST uses C alone); S = clamp(slope % / 100, 0.005, 1).
 * - D_up = W̄ · S̄ · √(FA · D²), W̄ and S̄ the MFD-accumulated W and S divided by FA (cells, the cell included).
 * - D_dn = Σ p·(1/(W·S) of the next cell + D_dn of the next cell) down to the first stream cell (InVEST's
 *   `distance_to_channel_mfd` with the weight 1/(W·S): the weight replaces the step length, so D_dn is a sum of
 *   1/(W·S) over the cells downstream, the stream cell included, not a length).
 * - IC = log10(D_up / D_dn); SDR = SDR_max / (1 + exp((IC₀ − IC)/k)); on stream cells SDR = 1 and A is not counted
 *   (InVEST sets the USLE to nodata there).
 * - export E = A · SDR; E' = A · (1 − SDR) (0 on streams).
 * - deposition T and flux F (InVEST ≥ 3.14): with F̂ᵢ = Σ_upslope Fⱼ · p(j, i) and S̄dnᵢ = Σ SDRₖ · nibble(i, k) /
 *   Σ nibbles (raised to SDRᵢ when below it), dᵢ = (S̄dnᵢ − SDRᵢ)/(1 − SDRᵢ) (1 when SDRᵢ = 1), Tᵢ = dᵢ · F̂ᵢ,
 *   Fᵢ = (1 − dᵢ) · F̂ᵢ + E'ᵢ, each clamped at 0.
 * - drains to stream: 1 where D_dn is defined, 0 where flow never reaches a stream.
 *
 * Zero C or P: W is floored at 0.001 (InVEST's rule), so 1/(W·S) never divides by zero; S is floored at 0.005.
 * Nodata: any of DEM, A, C, P nodata masks the cell out of every output (and out of the routing, as InVEST's mutual
 * mask does). Cells that do not drain to a stream get NaN IC, SDR, export and deposition (InVEST: nodata), and so do
 * the cells downstream of them. Requires a projected grid with square cells (InVEST works in pixel units).
 * Memory: about 120 bytes per cell; `memoryBudget` refuses larger grids with `OUT_OF_MEMORY_BUDGET`.
 * Complexity O(n log n) (pit filling), O(n) otherwise.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import { Raster, type FloatArray } from '../raster/raster.js';
import { fillDepressions } from '../terrain/fill.js';
import {
  PGP_DX, PGP_DY, pgpMfdAccumulate, pgpMfdDirections, pgpMfdDistanceToChannel, pgpMfdOrder, pgpMfdStreams, pgpSlopePercent,
  type PgpMfdRouting,
} from '../terrain/routing/mfd-pygeoprocessing.js';

/** Options of {@link sedimentDelivery}. */
export interface SedimentDeliveryOptions {
  /** Soil loss A per cell (any areal unit, e.g. t/ha/yr; export and deposition come out in the same unit). */
  readonly soilLoss: Raster;
  /** Cover factor C (W = max(C, 0.001)), a raster on the DEM's grid or a constant. */
  readonly c: Raster | number;
  /**
   * Support practice P: when given, W = max(C · P, 0.001) (a departure from InVEST, which uses C alone).
   * @defaultValue none (InVEST's W = C)
   */
  readonly p?: Raster | number;
  /** Flow accumulation (cells, the cell included) at which a cell is a stream (InVEST's threshold). @defaultValue 1000 */
  readonly thresholdCells?: number;
  /** SDR_max. @defaultValue 0.8 */
  readonly sdrMax?: number;
  /** IC₀. @defaultValue 0.5 */
  readonly ic0?: number;
  /** Borselli k. @defaultValue 2 */
  readonly k?: number;
  /** Share of the threshold that continues a stream traced upstream (InVEST: 0.7). @defaultValue 0.7 */
  readonly traceProportion?: number;
  /** Upper bound on the working memory in bytes; larger grids are refused. @defaultValue Infinity */
  readonly memoryBudget?: number;
}

/** Defaults of {@link sedimentDelivery}. */
export const SDR_DEFAULTS = Object.freeze({ thresholdCells: 1000, sdrMax: 0.8, ic0: 0.5, k: 2, traceProportion: 0.7, memoryBudget: Infinity });

/** Working memory of {@link sedimentDelivery} per cell, bytes (used by the budget check). */
export const SDR_BYTES_PER_CELL = 120;

/** Result of {@link sedimentDelivery}: Float32 rasters on the DEM's grid (NaN = nodata) unless stated. */
export interface SedimentDeliveryResult {
  /** Sediment delivery ratio, 0…SDR_max off streams, 1 on streams. */
  readonly sdr: Raster<Float32Array>;
  /** Connectivity index IC = log10(D_up / D_dn). */
  readonly ic: Raster<Float32Array>;
  /** D_up (m). */
  readonly dUp: Raster<Float32Array>;
  /** D_dn (sum of 1/(W·S) downstream, see the module header). */
  readonly dDn: Raster<Float32Array>;
  /** Sediment export E = A · SDR (unit of A); NaN on streams. */
  readonly export: Raster<Float32Array>;
  /** Sediment deposition T (unit of A). */
  readonly deposition: Raster<Float32Array>;
  /** Sediment flux F not reaching a stream (unit of A). */
  readonly flux: Raster<Float32Array>;
  /** 1 drains to a stream, 0 does not, 255 nodata. */
  readonly drainsToStream: Raster<Uint8Array>;
  /** 1 stream, 0 land, 255 nodata. */
  readonly streams: Raster<Uint8Array>;
  /** MFD flow accumulation, cells (the cell included). */
  readonly accumulation: Raster<Float64Array>;
  /** Slope, percent (pygeoprocessing's `calculate_slope` on the filled DEM). */
  readonly slopePercent: Raster<Float32Array>;
  /** The packed MFD directions used. */
  readonly routing: PgpMfdRouting;
}

function checkNumber(name: string, v: number, ok: (v: number) => boolean, expected: string): void {
  if (typeof v !== 'number' || !ok(v)) throw new RusleError('BAD_VALUE', `${name}: expected ${expected}, got ${String(v)}`);
}

function asValues(name: string, v: Raster | number, dem: Raster): FloatArray | number {
  if (typeof v === 'number') {
    checkNumber(name, v, (x) => x >= 0 && Number.isFinite(x), 'a finite number ≥ 0 or a raster');
    return v;
  }
  if (!(v instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `${name}: expected a Raster or a number`);
  assertAligned(dem, v, ['dem', name]);
  const d = v.data;
  if (d instanceof Float32Array || d instanceof Float64Array) return d;
  const out = new Float64Array(d.length);
  const nd = v.nodata;
  for (let i = 0; i < d.length; i++) out[i] = nd !== null && d[i] === nd ? NaN : d[i]!;
  return out;
}

/** Checks that the grid is projected with square cells (InVEST's pixel units) and returns the cell size in metres. */
export function squareCellSizeMeters(dem: Raster, where: string): number {
  if (dem.grid.isGeographic) throw new RusleError('BAD_UNITS', `${where}: the DEM is in a geographic CRS; InVEST's SDR works in pixel units on a projected grid with square cells — reproject it first`);
  const s = dem.grid.cellSizeMeters(0);
  if (!(Math.abs(s.dx - s.dy) <= 1e-9 * s.dx)) throw new RusleError('BAD_UNITS', `${where}: cells are ${s.dx} × ${s.dy} m; InVEST's SDR needs square cells — resample the inputs first`);
  return s.dx;
}

/**
 * Sediment delivery ratio, export and deposition per cell, as InVEST SDR (3.14 and later, MFD routing) computes them.
 *
 * @param dem - elevations in metres, projected grid with square cells; pits are filled here (no ε; plateaus are
 *   routed by pygeoprocessing's drain distance).
 * @param options - `soilLoss` (A) and `c` are required; see {@link SedimentDeliveryOptions}.
 * @returns SDR, IC, D_up, D_dn, export, deposition, flux, drains-to-stream, streams, accumulation, slope.
 * @throws RusleError `BAD_UNITS` for a geographic grid or non-square cells; `GRID_MISMATCH` for inputs on another
 *   grid; `BAD_VALUE` for a bad parameter or a threshold that gives no stream (the message gives the largest
 *   accumulation); `OUT_OF_MEMORY_BUDGET` when the grid needs more than `memoryBudget`.
 * @example
 * ```ts
 * const A = soilLoss({ r, k, ls, c, p });
 * const { sdr, export: e } = sedimentDelivery(dem, { soilLoss: A, c, thresholdCells: 1000 });
 * ```
 */
export function sedimentDelivery(dem: Raster, options: SedimentDeliveryOptions): SedimentDeliveryResult {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'sedimentDelivery: dem must be a Raster of elevations in metres');
  if (options === null || typeof options !== 'object') throw new RusleError('BAD_ARGUMENT', 'sedimentDelivery: options with soilLoss and c are required');
  const threshold = options.thresholdCells ?? SDR_DEFAULTS.thresholdCells;
  const sdrMax = options.sdrMax ?? SDR_DEFAULTS.sdrMax;
  const ic0 = options.ic0 ?? SDR_DEFAULTS.ic0;
  const kb = options.k ?? SDR_DEFAULTS.k;
  const trace = options.traceProportion ?? SDR_DEFAULTS.traceProportion;
  const budget = options.memoryBudget ?? SDR_DEFAULTS.memoryBudget;
  checkNumber('thresholdCells', threshold, (x) => x > 0 && Number.isFinite(x), 'a number of cells > 0');
  checkNumber('sdrMax', sdrMax, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  checkNumber('ic0', ic0, Number.isFinite, 'a finite number');
  checkNumber('k', kb, (x) => x > 0 && Number.isFinite(x), 'a finite number > 0');
  checkNumber('traceProportion', trace, (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
  checkNumber('memoryBudget', budget, (x) => x > 0, 'a number of bytes > 0');
  const grid = dem.grid;
  const w = grid.width;
  const h = grid.height;
  const n = w * h;
  if (n * SDR_BYTES_PER_CELL > budget) {
    throw new RusleError('OUT_OF_MEMORY_BUDGET', `sedimentDelivery: a ${w} × ${h} grid needs about ${Math.ceil((n * SDR_BYTES_PER_CELL) / 2 ** 20)} MiB, more than the memoryBudget of ${Math.floor(budget / 2 ** 20)} MiB; cut the area into parts (watershed units) first`);
  }
  const cellSize = squareCellSizeMeters(dem, 'sedimentDelivery');
  if (!(options.soilLoss instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'soilLoss: expected a Raster of soil loss per cell');
  const A = asValues('soilLoss', options.soilLoss, dem) as FloatArray;
  const C = asValues('c', options.c, dem);
  const P = options.p === undefined ? null : asValues('p', options.p, dem);

  // the mutual mask (InVEST masks every input where any is nodata)
  const z0 = dem.data;
  const dnd = dem.nodata;
  const masked = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const zv = z0[i]!;
    const ok = !(zv !== zv || (dnd !== null && zv === dnd)) && A[i] === A[i]
      && (typeof C === 'number' || C[i] === C[i]) && (P === null || typeof P === 'number' || P[i] === P[i]);
    masked[i] = ok ? zv : NaN;
  }
  const filled = fillDepressions(new Raster(grid, masked, NaN), { epsilon: false }) as Raster<FloatArray>;
  const slopePct = pgpSlopePercent(filled);
  const routing = pgpMfdDirections(filled);
  const order = pgpMfdOrder(routing);
  const fa = pgpMfdAccumulate(routing, order, null);
  let maxFa = 0;
  for (let i = 0; i < n; i++) if (fa[i]! > maxFa) maxFa = fa[i]!;
  const streams = pgpMfdStreams(routing, fa, threshold, trace);
  let nStream = 0;
  for (let i = 0; i < n; i++) if (streams[i] === 1) nStream++;
  if (nStream === 0) {
    throw new RusleError('BAD_VALUE', `thresholdCells: ${threshold} cells gives no stream; the largest flow accumulation on this DEM is ${Math.round(maxFa)} cells`);
  }
  // W and S, thresholded; 1 / (W · S)
  const W = new Float64Array(n);
  const S = new Float64Array(n);
  const invWS = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (masked[i] !== masked[i]) { W[i] = NaN; S[i] = NaN; invWS[i] = NaN; continue; }
    let wv = typeof C === 'number' ? C : C[i]!;
    if (P !== null) wv *= typeof P === 'number' ? P : P[i]!;
    wv = Math.fround(wv);
    if (wv < 0.001) wv = 0.001;
    let sv = Math.fround(slopePct[i]! / 100);
    if (sv < 0.005) sv = 0.005;
    if (sv > 1) sv = 1;
    W[i] = Math.fround(wv);
    S[i] = Math.fround(sv);
    invWS[i] = Math.fround(1 / (W[i]! * S[i]!));
  }
  const wAcc = pgpMfdAccumulate(routing, order, W);
  const sAcc = pgpMfdAccumulate(routing, order, S);
  const cellArea = cellSize * cellSize;
  const dUp = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const f = fa[i]!;
    if (f !== f) { dUp[i] = NaN; continue; }
    const wb = wAcc[i]! / f;
    const sb = sAcc[i]! / f;
    dUp[i] = wb * sb * Math.sqrt(f * cellArea);
  }
  const dDn64 = pgpMfdDistanceToChannel(routing, order, streams, invWS);
  const dDn = Float32Array.from(dDn64);
  const ic = new Float32Array(n).fill(NaN);
  const sdr = new Float32Array(n).fill(NaN);
  const exp = new Float32Array(n).fill(NaN);
  const ePrime = new Float32Array(n).fill(NaN);
  const drains = new Uint8Array(n).fill(255);
  for (let i = 0; i < n; i++) {
    if (routing.directions.data[i] === 0) continue;
    const dd = dDn64[i]!;
    drains[i] = dd === dd ? 1 : 0;
    const du = dUp[i]!;
    if (dd === dd && dd !== 0 && du !== 0 && du === du) ic[i] = Math.log10(du / dd);
    if (streams[i] === 1) {
      sdr[i] = 1;
      ePrime[i] = 0;
      continue;
    }
    const icv = ic[i]!;
    if (icv !== icv) continue;
    const s = Math.fround(sdrMax / (1 + Math.exp((ic0 - icv) / kb)));
    sdr[i] = s;
    const a = Math.fround(A[i]!);
    exp[i] = a * s;
    ePrime[i] = a * (1 - s);
  }
  const { deposition, flux } = depositionAndFlux(routing, order.order, sdr, ePrime);
  return {
    sdr: new Raster(grid, sdr),
    ic: new Raster(grid, ic),
    dUp: new Raster(grid, dUp),
    dDn: new Raster(grid, dDn),
    export: new Raster(grid, exp),
    deposition: new Raster(grid, deposition),
    flux: new Raster(grid, flux),
    drainsToStream: new Raster(grid, drains, 255),
    streams: new Raster(grid, streams, 255),
    accumulation: new Raster(grid, fa, NaN),
    slopePercent: new Raster(grid, slopePct),
    routing,
  };
}

/**
 * InVEST's sediment deposition and flux (`sediment_deposition.h`), in the topological order of the routing. A cell
 * whose SDR or E' is nodata, or that receives from such a cell, gets NaN.
 */
function depositionAndFlux(routing: PgpMfdRouting, order: Int32Array, sdr: Float32Array, ePrime: Float32Array): { deposition: Float32Array; flux: Float32Array } {
  const dir = routing.directions.data;
  const w = routing.directions.width;
  const h = routing.directions.height;
  const n = w * h;
  const dep = new Float32Array(n).fill(NaN);
  const flux = new Float32Array(n).fill(NaN);
  const inflow = new Float64Array(n);
  const blocked = new Uint8Array(n);
  for (let t = 0; t < order.length; t++) {
    const i = order[t]!;
    const d = dir[i]!;
    const r = (i / w) | 0;
    const c = i - r * w;
    // the downslope SDR, weighted by the raw nibbles (off-grid neighbours left out, nodata ones counted in the sum)
    let sdrSum = 0;
    let nibSum = 0;
    let nibTotal = 0;
    for (let k = 0; k < 8; k++) nibTotal += (d >> (k * 4)) & 0xf;
    for (let k = 0; k < 8; k++) {
      const p = (d >> (k * 4)) & 0xf;
      if (p === 0) continue;
      const rr = r + PGP_DY[k]!;
      const cc = c + PGP_DX[k]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      nibSum += p;
      const j = rr * w + cc;
      let sj = sdr[j]!;
      if (sj !== sj) continue;
      if (sj === 0) sj = 1;
      sdrSum += sj * p;
    }
    const si = sdr[i]!;
    const ei = ePrime[i]!;
    const fIn = inflow[i]!;
    const ok = !blocked[i] && si === si && ei === ei;
    let fi = NaN;
    if (ok) {
      if (nibSum) sdrSum /= nibSum;
      if (sdrSum < si) sdrSum = si;
      let dr = si === 1 ? 1 : (sdrSum - si) / (1 - si);
      let ti = dr * fIn;
      fi = (1 - dr) * fIn + ei;
      if (dr < 0) dr = 0;
      if (ti < 0) ti = 0;
      if (fi < 0) fi = 0;
      dep[i] = ti;
      flux[i] = fi;
      fi = Math.fround(fi);
    }
    // pass the flux on with the normalised proportions (float32, as pygeoprocessing's upslope iterator)
    for (let k = 0; k < 8; k++) {
      const p = (d >> (k * 4)) & 0xf;
      if (p === 0) continue;
      const rr = r + PGP_DY[k]!;
      const cc = c + PGP_DX[k]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      const j = rr * w + cc;
      if (dir[j] === 0) continue;
      if (!ok) { blocked[j] = 1; continue; }
      inflow[j] = inflow[j]! + Math.fround(p / nibTotal) * fi;
    }
  }
  return { deposition: dep, flux };
}
