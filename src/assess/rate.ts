/**
 * The soil and water conservation rate (水土保持率) per zone and level, with the area in each SL 190-2007 intensity
 * class, the soil-loss area, the total soil loss and the mean erosion modulus.
 *
 * Conservation rate = (land area − soil-loss area) / land area × 100, where the soil-loss area is the area graded
 * light or above (modulus ≥ T), as used in China's annual dynamic monitoring of soil loss (Ministry of Water
 * Resources, 《全国水土保持规划（2015—2030年）》 and the provincial bulletins that report 水土保持率; Jiangxi's targets
 * are 86.57 % by 2025 and 87.87 % by 2035). Land area is the true area of valid cells (geographic grids: ellipsoidal
 * row areas); cells under the optional mask (water bodies: mask value non-zero) and nodata cells are not land.
 *
 * **One pass, any blocking, bit-identical results.** {@link RateAccumulator} takes blocks (any window of the grid,
 * in any order) and sums in exact fixed point: each cell adds its area in units of 10⁻⁴ m² (rounded per row) and its
 * soil loss in grams (rounded per cell) to integer-valued Float64 partial sums, which are moved into BigInt totals
 * before they can reach 2⁵³. Integer sums do not depend on order, so the table is the same for one block, for rows,
 * or for tiles of any size, and zone sums add up exactly to their parents and to the whole. A modulus above
 * 10⁶ t·km⁻²·yr⁻¹ in a 10⁷-cell block could break exactness (never in practice).
 *
 * **Kernel.** Classes come from an exact lookup table ({@link ClassLut}); Float32 A without a mask runs in a small
 * WebAssembly kernel (src/assess/kernel.c, the same IEEE operations, so the same bits; JS loop otherwise; SIMD128, four cells a step), which
 * copies each block into its memory (up to 2²⁵ cells, 9 bytes a cell, kept between calls).
 *
 * Complexity O(n) per pass plus O(zones) per flush; memory O(zones) plus the kernel's block copy.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import { Raster, type FloatArray, type TypedArray } from '../raster/raster.js';
import {
  classLut, classThresholds, INTENSITY_CLASS_NAMES, type ClassLut, modulusFactor, SL190_BOUNDS_T_KM2, toleranceValue,
  type SoilLossUnits, type ToleranceRegion,
} from './grading.js';
import { RATE_KERNEL_WASM_BASE64 } from './kernel-wasm.js';
import { zoneKey, zonesFromRaster, type ZoneId, type ZoneLayer, type ZoneNode } from './zones.js';

/** Fixed-point area units per m² (area quantum 10⁻⁴ m²). */
export const AREA_UNITS_PER_M2 = 1e4;
/** Fixed-point soil-loss units per tonne (quantum 1 g). */
export const LOSS_UNITS_PER_T = 1e6;
const TWO53 = 2 ** 53;
const STRIDE = 8; // 6 class areas, soil loss, cells seen
const EMPTY_LUT = new Uint8Array(1);

/**
 * The WebAssembly SIMD128 zone-run kernel (src/assess/kernel.c): the same IEEE operations as the JS loop, four cells
 * a step (its speed-up is measured by the assess benchmark suite). Float32 A without a mask, Int32 (or no) zones.
 * Blocks are copied into its memory once per `add`; it grades by comparison masks, not by the JS loop's tables.
 */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
}
interface RateWasm {
  memory: WasmMemory;
  run: (a: number, z: number, code: number, cls: number, i: number, i1: number, f: number, area: number,
    t0: number, t1: number, t2: number, t3: number, t4: number) => number;
  lossOut: () => number;
  countsPtr: number;
  blockBase: number;
}
/** Largest block copied into the kernel's memory (9 bytes a cell); larger blocks use the JS loop. */
const WASM_MAX_CELLS = 2 ** 25;
let wasmState: RateWasm | null | undefined;

function rateWasm(): RateWasm | null {
  if (wasmState !== undefined) return wasmState;
  try {
    const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!WA) { wasmState = null; return null; }
    const memory = new WA.Memory({ initial: 4 });
    const bytes = Buffer.from(RATE_KERNEL_WASM_BASE64, 'base64');
    const inst = new WA.Instance(new WA.Module(bytes), { env: { memory } });
    const ex = inst.exports as {
      run: RateWasm['run']; loss_out: () => number; counts: () => number; __heap_base: { value: number };
    };
    wasmState = { memory, run: ex.run, lossOut: ex.loss_out, countsPtr: ex.counts(), blockBase: (ex.__heap_base.value + 63) & ~63 };
  } catch {
    wasmState = null;
  }
  return wasmState;
}

/** One row of a conservation-rate table. */
export interface RateRow {
  /** Zone id (`'total'` for the whole-grid row). */
  zone: ZoneId;
  /** Zone name. */
  name: string;
  /** Level (`total`, `province`, `city`, `county`, `zone`, …). */
  level: string;
  /** Land area, km² (valid, unmasked cells). */
  landAreaKm2: number;
  /** Soil-loss area (light and above), km². */
  lossAreaKm2: number;
  /** Conservation rate, percent; NaN (JSON null) when the land area is 0. */
  rate: number;
  /** Area per class, km²: slight, light, moderate, intense, very intense, severe. */
  classAreasKm2: [number, number, number, number, number, number];
  /** Total soil loss, t/yr. */
  soilLossT: number;
  /** Mean erosion modulus, t·km⁻²·yr⁻¹; NaN when the land area is 0. */
  meanModulus: number;
}

/** A conservation-rate table: the rows (whole grid first, then each zone depth-first) and warnings. */
export interface RateTable {
  /** Rows: `total` first, then the hierarchy depth-first (top level by id, children by id). */
  readonly rows: RateRow[];
  /** Zones that do not overlap the grid, zones without land, nodata counts. */
  readonly warnings: string[];
}

/** Per-zone tolerance: by leaf zone id, with an optional default. */
export interface ZoneTolerance {
  /** T (t·km⁻²·yr⁻¹) or region, by zone id. */
  byZone: Readonly<Record<string, number | ToleranceRegion>>;
  /** For zones not listed and cells outside every zone; without it those cells are not graded (and not land). */
  default?: number | ToleranceRegion;
}

/** Options of {@link RateAccumulator} and {@link conservationRate}. */
export interface RateOptions {
  /** Units of A. Required: never assumed. */
  units: SoilLossUnits;
  /** Tolerable loss T (t·km⁻²·yr⁻¹), a region preset, or per zone. Required. */
  tolerance: number | ToleranceRegion | ZoneTolerance;
  /** Class bounds above T. @defaultValue `[2500, 5000, 8000, 15000]` */
  classBounds?: readonly [number, number, number, number];
}

/** One block handed to {@link RateAccumulator.add}: values of A, zone codes and mask for a window of the grid. */
export interface RateBlock {
  /** A values, row-major, `width × height` (float: NaN nodata). */
  readonly a: TypedArray;
  /** Nodata of an integer A (ignored for float A). */
  readonly aNodata?: number | null;
  /** Zone codes for the same cells, or null when there are no zones. */
  readonly zones?: TypedArray | null;
  /** Mask for the same cells (non-zero and not its nodata = not land), or null. */
  readonly mask?: TypedArray | null;
  /** Nodata of the mask. */
  readonly maskNodata?: number | null;
  /** Block width, cells. */
  readonly width: number;
  /** Block height, cells. */
  readonly height: number;
  /** True cell area of each block row, m² (length ≥ `height`). */
  readonly rowAreasM2: ArrayLike<number>;
  /** When given, filled with the intensity class of each cell (1–6; 0 for nodata, masked or ungraded cells). */
  readonly classes?: Uint8Array | null;
}

/**
 * Accumulates the conservation-rate table over blocks of a grid in one pass (in memory or inside the engine's block
 * pass). Exact fixed-point sums: the result does not depend on the block size or order.
 *
 * @example
 * ```ts
 * const acc = new RateAccumulator({ units: 't/ha/yr', tolerance: 'red-soil' }, layer);
 * for (const t of tiles(grid, { tileWidth: 256, tileHeight: 256 })) acc.add(blockOf(t));
 * const table = acc.finish();
 * ```
 */
export class RateAccumulator {
  private readonly f: number;
  private readonly bounds: readonly number[];
  private readonly layer: ZoneLayer | null;
  private readonly uniform: Float64Array | null;
  private readonly tol: ZoneTolerance | null;
  private readonly defaultTh: Float64Array | null;
  private readonly zoneNodata: number;
  private readonly zeroIsNone: boolean;
  private slotOf = new Map<number, number>();
  private codes: number[] = [NaN]; // slot 0: no zone
  private th: Float64Array = new Float64Array(5 * 16);
  private hasTh: Uint8Array = new Uint8Array(16);
  private luts: (ClassLut | null)[] = [];
  private readonly lutCache = new Map<string, ClassLut>();
  private partial: Float64Array = new Float64Array(STRIDE * 16);
  private totals: bigint[] = new Array<bigint>(STRIDE * 16).fill(0n);
  private touched: Uint8Array = new Uint8Array(16);
  private touchedList: number[] = [];
  private nodataCells = 0;
  private ungradedCells = 0;
  private finished = false;

  /**
   * @param options - units, tolerance, class bounds.
   * @param zones - the zone layer (its raster's values are the codes of the blocks), or null for the whole grid only.
   * @throws RusleError `BAD_UNITS` / `BAD_VALUE` for bad units, tolerance or bounds.
   */
  constructor(options: RateOptions, zones: ZoneLayer | null = null) {
    this.f = modulusFactor(options?.units, 'conservationRate: options.units');
    this.bounds = options.classBounds ?? SL190_BOUNDS_T_KM2;
    this.layer = zones;
    this.zoneNodata = zones?.raster.nodata ?? NaN;
    this.zeroIsNone = zones?.zeroIsNone ?? false;
    const t = options.tolerance;
    if (typeof t === 'number' || typeof t === 'string') {
      this.uniform = classThresholds(toleranceValue(t, 'conservationRate: options.tolerance'), this.bounds);
      this.tol = null;
      this.defaultTh = this.uniform;
    } else if (t && typeof t === 'object' && t.byZone && typeof t.byZone === 'object') {
      for (const [id, v] of Object.entries(t.byZone)) classThresholds(toleranceValue(v, `tolerance of zone ${id}`), this.bounds);
      this.uniform = null;
      this.tol = t;
      this.defaultTh = t.default !== undefined ? classThresholds(toleranceValue(t.default, 'tolerance.default'), this.bounds) : null;
    } else {
      throw new RusleError('BAD_VALUE', 'conservationRate: options.tolerance must be a number (t/km2/yr), a region preset or { byZone, default? }');
    }
    this.initSlot(0, this.defaultTh);
  }

  private initSlot(slot: number, th: Float64Array | null): void {
    if (slot >= this.hasTh.length) {
      const n = this.hasTh.length * 2;
      const grow = <T extends Float64Array | Uint8Array>(a: T, k: number): T => { const b = new (a.constructor as new (n: number) => T)(n * k); b.set(a); return b; };
      this.th = grow(this.th, 5);
      this.hasTh = grow(this.hasTh, 1);
      this.partial = grow(this.partial, STRIDE);
      this.touched = grow(this.touched, 1);
      for (let i = this.totals.length; i < n * STRIDE; i++) this.totals.push(0n);
    }
    if (th) {
      this.th.set(th, 5 * slot);
      this.hasTh[slot] = 1;
      const key = th.join(',');
      let lut = this.lutCache.get(key);
      if (!lut) { lut = classLut(th); this.lutCache.set(key, lut); }
      this.luts[slot] = lut;
    } else {
      this.luts[slot] = null;
    }
  }

  private nodeOfCode(code: number): ZoneNode | undefined {
    return this.layer?.leafOfCode.get(code);
  }

  private slotFor(code: number): number {
    const s = this.slotOf.get(code);
    if (s !== undefined) return s;
    const slot = this.codes.length;
    this.codes.push(code);
    this.slotOf.set(code, slot);
    let th = this.uniform;
    if (!th && this.tol) {
      const id = this.nodeOfCode(code)?.id ?? code;
      const v = this.tol.byZone[String(id)];
      th = v !== undefined ? classThresholds(toleranceValue(v, `tolerance of zone ${id}`), this.bounds) : this.defaultTh;
    }
    this.initSlot(slot, th);
    return slot;
  }

  private flush(): void {
    const p = this.partial, t = this.totals;
    for (const s of this.touchedList) {
      const o = s * STRIDE;
      for (let j = 0; j < STRIDE; j++) {
        const v = p[o + j]!;
        if (v !== 0) { t[o + j] = t[o + j]! + BigInt(v); p[o + j] = 0; }
      }
      this.touched[s] = 0;
    }
    this.touchedList.length = 0;
  }

  /**
   * Adds one block. Blocks must not overlap; their union is what the table covers.
   * @throws RusleError `BAD_ARGUMENT` when the arrays do not match `width × height` or the row areas are missing.
   */
  add(block: RateBlock): void {
    if (this.finished) throw new RusleError('BAD_ARGUMENT', 'RateAccumulator.add: the accumulator is finished');
    const { a, width: W, height: H } = block;
    const n = W * H;
    if (a.length !== n || (block.zones && block.zones.length !== n) || (block.mask && block.mask.length !== n) || !(block.rowAreasM2.length >= H)) {
      throw new RusleError('BAD_ARGUMENT', `RateAccumulator.add: a, zones and mask must hold width × height = ${n} values and rowAreasM2 ${H} rows`);
    }
    const cls = block.classes ?? null;
    if (cls !== null && cls.length !== n) throw new RusleError('BAD_ARGUMENT', `RateAccumulator.add: classes must hold width × height = ${n} values`);
    let maxArea = 0;
    for (let r = 0; r < H; r++) if (block.rowAreasM2[r]! > maxArea) maxArea = block.rowAreasM2[r]!;
    // Cells per flush so that no partial sum (area, or loss up to 1e6 t/km²) can pass 2^53.
    const limit = Math.max(1, Math.floor(TWO53 / (maxArea * AREA_UNITS_PER_M2 + maxArea * 1e6 + 1)));
    const isFloat = a instanceof Float32Array || a instanceof Float64Array;
    const aNd = isFloat || block.aNodata === undefined || block.aNodata === null ? NaN : block.aNodata;
    const z = block.zones ?? null;
    const m = block.mask ?? null;
    const mNd = block.maskNodata ?? NaN;
    this.slot = 0;
    this.lastCode = NaN;
    this.touched[0] = 1;
    this.touchedList.push(0);
    this.wasm = null;
    // with the WebAssembly kernel, every class (JS or wasm) goes to its memory and is copied out once at the end
    let clsK = cls;
    let w = a instanceof Float32Array && m === null && (z === null || z instanceof Int32Array) && n > 0 && n <= WASM_MAX_CELLS ? rateWasm() : null;
    if (w !== null) {
      const need = w.blockBase + n * (cls !== null ? 9 : 8);
      const have = w.memory.buffer.byteLength;
      try {
        if (need > have) w.memory.grow(Math.ceil((need - have) / 65536));
      } catch {
        w = null; // no memory for the copy: the JS loop
      }
    }
    if (w !== null) {
      const buf = w.memory.buffer;
      this.wA = w.blockBase;
      this.wZ = z !== null ? w.blockBase + 4 * n : 0;
      this.wC = cls !== null ? w.blockBase + 8 * n : 0;
      new Float32Array(buf, this.wA, n).set(a);
      if (z !== null) new Int32Array(buf, this.wZ, n).set(z);
      this.wCounts = new Int32Array(buf, w.countsPtr, 8);
      if (cls !== null) clsK = new Uint8Array(buf, this.wC, n);
      this.wasm = w;
    }
    let since = 0;
    for (let r = 0; r < H; r++) {
      const areaM2 = block.rowAreasM2[r]!;
      const qa = Math.round(areaM2 * AREA_UNITS_PER_M2);
      let c = 0;
      while (c < W) {
        const end = Math.min(W, c + (limit - since));
        this.kernel(a, aNd, z, m, mNd, clsK, r * W + c, r * W + end, qa, areaM2);
        since += end - c;
        c = end;
        if (since >= limit) {
          this.flush();
          since = 0;
          this.touched[this.slot] = 1;
          this.touchedList.push(this.slot);
        }
      }
    }
    this.flush();
    if (this.wasm !== null && cls !== null) cls.set(new Uint8Array(this.wasm.memory.buffer, this.wC, n));
    this.wasm = null;
  }

  private wasm: RateWasm | null = null;
  private wA = 0;
  private wZ = 0;
  private wC = 0;
  private wCounts: Int32Array = new Int32Array(8);

  /** One run [i, …) in the WebAssembly kernel; returns its end and adds counts and loss. */
  private wasmRun(
    w: RateWasm, code: number, i: number, i1: number, f: number, areaM2: number, t: Float64Array, o: number,
  ): number {
    const j = w.run(this.wA, this.wZ, code, this.wC, i, i1, f, areaM2, t[o]!, t[o + 1]!, t[o + 2]!, t[o + 3]!, t[o + 4]!);
    this.wLoss = w.lossOut();
    const c = this.wCounts, h = this.h4;
    this.wNodata = c[0]!;
    for (let k = 1; k < 7; k++) h[k] = h[k]! + c[k]!;
    return j;
  }
  private wLoss = 0;
  private wNodata = 0;

  private slot = 0;
  private lastCode = NaN;

  /** Switches to the slot of `code` (creating it) and marks it touched. Returns the slot. */
  private enter(code: number): number {
    const slot = code === this.zoneNodata || code !== code || (this.zeroIsNone && code === 0) ? 0 : this.slotFor(code);
    if (this.touched[slot] === 0) { this.touched[slot] = 1; this.touchedList.push(slot); }
    this.slot = slot;
    return slot;
  }

  /** Class counts of the current run, four interleaved copies (cell index & 3) so increments do not chain. */
  private readonly h4 = new Int32Array(32);

  /**
   * The hot loop over cells i0..i1 of one row segment: no closures, thresholds in locals; the current zone's soil loss
   * in a register and its class counts in a small array (four interleaved copies), folded into the partial sums
   * (count × row area) when the zone changes and at the end. Classes come from the zone's exact {@link ClassLut}
   * (one multiply and a byte load; the compare chain only near a bound), so noisy maps cost no branch mispredictions.
   * Rounding is `floor(x + 0.5)` (x ≥ 0), much faster than `Math.round` in V8. No BigInt here.
   */
  private kernel(
    a: TypedArray, aNd: number, z: TypedArray | null, m: TypedArray | null, mNd: number, cls: Uint8Array | null,
    i0: number, i1: number, qa: number, areaM2: number,
  ): void {
    const f = this.f;
    const h4 = this.h4;
    let slot = this.slot;
    let lastCode = this.lastCode;
    let th = this.th;
    let hasTh = this.hasTh[slot] === 1;
    let t0 = th[5 * slot]!, t1 = th[5 * slot + 1]!, t2 = th[5 * slot + 2]!, t3 = th[5 * slot + 3]!, t4 = th[5 * slot + 4]!;
    let L = this.luts[slot] ?? null;
    let lut = L !== null ? L.lut : EMPTY_LUT, inv = L !== null ? L.invWidth : 0, top = L !== null ? L.top : 0;
    let nodata = 0, ungraded = 0, seen = 0, loss = 0;
    // float A without a mask: the small monomorphic loops below (few live values, no spills)
    const fast = m === null && (a instanceof Float32Array || a instanceof Float64Array);
    let i = i0;
    while (i < i1) {
      // the run [i, j) of one zone code: the zone is looked up once per run, not per cell
      let j = i1;
      const w = this.wasm;
      if (w !== null && z === null && hasTh && L !== null) {
        j = this.wasmRun(w, 0, i, i1, f, areaM2, th, 5 * slot);
        loss += this.wLoss; nodata += this.wNodata; seen += j - i; i = j;
        continue;
      }
      if (z !== null) {
        const code = z[i]!;
        if (code !== lastCode) {
          this.fold(slot, qa, seen, loss);
          seen = 0;
          loss = 0;
          lastCode = code;
          slot = this.enter(code);
          th = this.th;
          hasTh = this.hasTh[slot] === 1;
          t0 = th[5 * slot]!; t1 = th[5 * slot + 1]!; t2 = th[5 * slot + 2]!; t3 = th[5 * slot + 3]!; t4 = th[5 * slot + 4]!;
          L = this.luts[slot] ?? null;
          if (L !== null) { lut = L.lut; inv = L.invWidth; top = L.top; }
        }
        if (w !== null && hasTh && L !== null) {
          j = this.wasmRun(w, code, i, i1, f, areaM2, th, 5 * slot);
          loss += this.wLoss; nodata += this.wNodata; seen += j - i; i = j;
          continue;
        }
        j = i + 1;
        while (j < i1 && z[j] === code) j++;
      }
      seen += j - i;
      if (!hasTh) {
        for (let q = i; q < j; q++) {
          const v = a[q]!;
          if (v !== v || v === aNd || !(v >= 0)) nodata++;
          else if (m === null || !(m[q] !== 0 && m[q] === m[q] && m[q] !== mNd)) ungraded++;
          if (cls !== null) cls[q] = 0;
        }
        i = j;
        continue;
      }
      if (fast) {
        loss += cls !== null
          ? runFloatClasses(a as FloatArray, cls, i, j, f, areaM2, lut, inv, top, t0, t1, t2, t3, t4, h4)
          : runFloat(a as FloatArray, i, j, f, areaM2, lut, inv, top, t0, t1, t2, t3, t4, h4);
        nodata += h4[0]! + h4[8]! + h4[16]! + h4[24]!;
        h4[0] = 0; h4[8] = 0; h4[16] = 0; h4[24] = 0;
        i = j;
        continue;
      }
      for (let q = i; q < j; q++) {
        const v = a[q]!;
        if (!(v >= 0) || v === aNd) { nodata++; if (cls !== null) cls[q] = 0; continue; } // NaN fails v >= 0
        if (m !== null) { const mv = m[q]!; if (mv !== 0 && mv === mv && mv !== mNd) { if (cls !== null) cls[q] = 0; continue; } }
        const mod = v * f;
        loss += Math.floor(mod * areaM2 + 0.5);
        let k = lut[Math.min(mod * inv, top) | 0]!;
        if (k === 0) k = mod < t0 ? 1 : mod < t1 ? 2 : mod < t2 ? 3 : mod < t3 ? 4 : mod < t4 ? 5 : 6;
        if (cls !== null) cls[q] = k;
        h4[((q & 3) << 3) | k]++;
      }
      i = j;
    }
    this.fold(slot, qa, seen, loss);
    this.slot = slot;
    this.lastCode = lastCode;
    this.nodataCells += nodata;
    this.ungradedCells += ungraded;
  }

  /** Adds the class counts (× row area units), the loss and the cells seen of the current run to the slot's partials. */
  private fold(slot: number, qa: number, seen: number, loss: number): void {
    const p = this.partial, h = this.h4, o = slot * STRIDE;
    for (let k = 0; k < 6; k++) {
      const c = h[k + 1]! + h[k + 9]! + h[k + 17]! + h[k + 25]!;
      if (c !== 0) { p[o + k] = p[o + k]! + c * qa; h[k + 1] = 0; h[k + 9] = 0; h[k + 17] = 0; h[k + 25] = 0; }
    }
    p[o + 6] = p[o + 6]! + loss;
    p[o + 7] = p[o + 7]! + seen;
  }

  /** Sums (BigInt, fixed point) per code, the codes, and counters. @internal */
  snapshot(): { codes: number[]; totals: bigint[]; nodataCells: number; ungradedCells: number } {
    return { codes: [...this.codes], totals: this.totals.slice(0, this.codes.length * STRIDE), nodataCells: this.nodataCells, ungradedCells: this.ungradedCells };
  }

  /** Ends the pass and builds the table. */
  finish(): RateTable {
    this.finished = true;
    const { codes, totals } = this.snapshot();
    const warnings: string[] = [];
    if (this.nodataCells > 0) warnings.push(`${this.nodataCells} cells have no valid soil loss (nodata or negative A) and are not counted as land`);
    if (this.ungradedCells > 0) warnings.push(`${this.ungradedCells} cells lie in zones without a tolerance (no default given) and are not counted as land`);
    const roll = zoneRollup(this.layer, codes, totals, STRIDE, 7, 'conservationRate');
    const rows: RateRow[] = [rowOf('total', 'total', 'total', roll.total)];
    for (const { node, sums } of roll.order) {
      const row = rowOf(node.id, node.name, node.level, sums);
      if (row.landAreaKm2 === 0) roll.warnings.push(`zone ${node.id} (${node.name}) has no land (all cells nodata or masked); its rate is null`);
      rows.push(row);
    }
    return { rows, warnings: [...roll.warnings, ...warnings] };
  }
}

/**
 * Cells q in [i, j) of one zone run, float A, no mask: adds each cell's class count (0 = nodata) to `h4` (four
 * interleaved copies) and returns the run's soil loss in grams (integer-valued). Class from the exact lookup table,
 * the compare chain only near a bound.
 */
function runFloat(
  a: FloatArray, i: number, j: number, f: number, areaM2: number, lut: Uint8Array, inv: number, top: number,
  t0: number, t1: number, t2: number, t3: number, t4: number, h4: Int32Array,
): number {
  let loss = 0;
  for (let q = i; q < j; q++) {
    const mod = a[q]! * f;
    let k = 0;
    if (mod >= 0) { // NaN fails
      loss += Math.floor(mod * areaM2 + 0.5);
      k = lut[Math.min(mod * inv, top) | 0]!;
      if (k === 0) k = mod < t0 ? 1 : mod < t1 ? 2 : mod < t2 ? 3 : mod < t3 ? 4 : mod < t4 ? 5 : 6;
    }
    h4[((q & 3) << 3) | k]++;
  }
  return loss;
}

/** {@link runFloat} that also writes each cell's class (0 = nodata) into `cls`. */
function runFloatClasses(
  a: FloatArray, cls: Uint8Array, i: number, j: number, f: number, areaM2: number, lut: Uint8Array, inv: number, top: number,
  t0: number, t1: number, t2: number, t3: number, t4: number, h4: Int32Array,
): number {
  let loss = 0;
  for (let q = i; q < j; q++) {
    const mod = a[q]! * f;
    let k = 0;
    if (mod >= 0) {
      loss += Math.floor(mod * areaM2 + 0.5);
      k = lut[Math.min(mod * inv, top) | 0]!;
      if (k === 0) k = mod < t0 ? 1 : mod < t1 ? 2 : mod < t2 ? 3 : mod < t3 ? 4 : mod < t4 ? 5 : 6;
    }
    cls[q] = k;
    h4[((q & 3) << 3) | k]++;
  }
  return loss;
}

/**
 * Rolls exact per-code sums (BigInt, `stride` per code; slot 0 = outside every zone) up to leaf zones and their
 * ancestors. Returns the whole-grid sums, the zones with cells in depth-first report order (top level by id,
 * children by id) and warnings for known zones without cells. `countIndex` is the index of the cells-seen counter.
 * @throws RusleError `NO_OVERLAP` when zones are known but none has a cell; `BAD_TABLE` for a cyclic hierarchy.
 * @internal
 */
export function zoneRollup(
  layer: ZoneLayer | null, codes: readonly number[], totals: readonly bigint[], stride: number, countIndex: number, what: string,
): { total: bigint[]; order: { node: ZoneNode; sums: bigint[] }[]; warnings: string[] } {
  const warnings: string[] = [...(layer?.warnings ?? [])];
  const sums = new Map<string, bigint[]>();
  const addTo = (key: string, off: number): void => {
    let s = sums.get(key);
    if (!s) { s = new Array<bigint>(stride).fill(0n); sums.set(key, s); }
    for (let j = 0; j < stride; j++) s[j] = s[j]! + totals[off + j]!;
  };
  const nodes = new Map<string, ZoneNode>();
  for (const nd of layer?.nodes ?? []) nodes.set(zoneKey(nd.id), nd);
  for (let s = 0; s < codes.length; s++) {
    addTo('total', s * stride);
    if (s === 0) continue;
    const code = codes[s]!;
    let node = layer?.leafOfCode.get(code);
    if (!node) {
      node = nodes.get(zoneKey(code)) ?? { id: code, name: String(code), level: 'zone', parent: null };
      nodes.set(zoneKey(code), node);
    }
    let cur: ZoneNode | undefined = node;
    const guard = new Set<string>();
    while (cur) {
      const k = zoneKey(cur.id);
      if (guard.has(k)) throw new RusleError('BAD_TABLE', `zone hierarchy has a cycle at ${cur.id}`);
      guard.add(k);
      addTo(k, s * stride);
      cur = cur.parent === null ? undefined : nodes.get(zoneKey(cur.parent));
    }
  }
  const children = new Map<string, ZoneNode[]>();
  const tops: ZoneNode[] = [];
  for (const nd of nodes.values()) {
    if (nd.parent === null || !nodes.has(zoneKey(nd.parent))) tops.push(nd);
    else {
      const k = zoneKey(nd.parent);
      if (!children.has(k)) children.set(k, []);
      children.get(k)!.push(nd);
    }
  }
  const byId = (x: ZoneNode, y: ZoneNode): number =>
    typeof x.id === 'number' && typeof y.id === 'number' ? x.id - y.id : String(x.id) < String(y.id) ? -1 : String(x.id) > String(y.id) ? 1 : 0;
  const order: { node: ZoneNode; sums: bigint[] }[] = [];
  const visit = (nd: ZoneNode): void => {
    const s = sums.get(zoneKey(nd.id));
    if (!s || s[countIndex] === 0n) {
      if (!layer?.warnings.some((w) => w.startsWith(`zone ${nd.id} `))) warnings.push(`zone ${nd.id} (${nd.name}) has no cell on the grid; it has no row`);
      return;
    }
    order.push({ node: nd, sums: s });
    for (const ch of (children.get(zoneKey(nd.id)) ?? []).sort(byId)) visit(ch);
  };
  for (const nd of tops.sort(byId)) visit(nd);
  if (nodes.size > 0 && order.length === 0) throw new RusleError('NO_OVERLAP', `${what}: no zone has a cell on the grid`);
  return { total: sums.get('total') ?? new Array<bigint>(stride).fill(0n), order, warnings };
}

function rowOf(zone: ZoneId, name: string, level: string, s: bigint[]): RateRow {
  let land = 0n;
  for (let k = 0; k < 6; k++) land += s[k]!;
  const loss = land - s[0]!;
  const km2 = (q: bigint): number => Number(q) / (AREA_UNITS_PER_M2 * 1e6);
  const landKm2 = km2(land);
  const soilLossT = Number(s[6]!) / LOSS_UNITS_PER_T;
  return {
    zone, name, level,
    landAreaKm2: landKm2,
    lossAreaKm2: km2(loss),
    rate: land === 0n ? NaN : (Number(land - loss) / Number(land)) * 100,
    classAreasKm2: [km2(s[0]!), km2(s[1]!), km2(s[2]!), km2(s[3]!), km2(s[4]!), km2(s[5]!)],
    soilLossT,
    meanModulus: land === 0n ? NaN : soilLossT / landKm2,
  };
}

/** Options of {@link conservationRate}: the rate options plus an optional mask. */
export interface ConservationRateOptions extends RateOptions {
  /** Mask on A's grid: cells with a non-zero value (not nodata) are not land (water bodies). */
  mask?: Raster;
  /** Rows per block of the in-memory pass (results do not depend on it). @defaultValue 256 */
  blockRows?: number;
}

/**
 * The conservation-rate table of soil loss A per zone and level, plus a whole-grid `total` row.
 *
 * @param a - soil loss A (NaN = nodata) in `options.units`.
 * @param zones - a zone layer ({@link zonesFromRaster}, {@link zonesFromGeoJson}), an integer zone raster, or null.
 * @param options - units (required), tolerance (required), class bounds, mask.
 * @returns rows `{ zone, name, level, landAreaKm2, lossAreaKm2, rate, classAreasKm2, soilLossT, meanModulus }` and
 *   warnings.
 * @throws RusleError `GRID_MISMATCH` when zones or mask are not on A's grid; `BAD_UNITS`, `BAD_VALUE`; `NO_OVERLAP`.
 *
 * @example
 * ```ts
 * const table = conservationRate(a, zonesFromGeoJson(counties, a.grid, { zoneField: 'code' }),
 *   { units: 't/ha/yr', tolerance: 'red-soil' });
 * table.rows[0].rate; // percent, whole grid
 * ```
 */
export function conservationRate(a: Raster, zones: ZoneLayer | Raster | null, options: ConservationRateOptions): RateTable {
  if (!(a instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'conservationRate: a must be a Raster of soil loss');
  const layer = zones instanceof Raster ? zonesFromRaster(zones) : zones;
  if (layer) assertAligned(a, layer.raster, ['a', 'zones']);
  if (options?.mask) assertAligned(a, options.mask, ['a', 'options.mask']);
  const acc = new RateAccumulator(options, layer);
  const W = a.width, H = a.height;
  const rowsPer = options.blockRows ?? 256;
  if (!Number.isInteger(rowsPer) || rowsPer <= 0) throw new RusleError('BAD_ARGUMENT', `conservationRate: blockRows must be a positive integer, got ${rowsPer}`);
  const areas = a.grid.rowCellAreasM2();
  for (let y = 0; y < H; y += rowsPer) {
    const h = Math.min(rowsPer, H - y);
    acc.add({
      a: a.data.subarray(y * W, (y + h) * W), aNodata: a.nodata,
      zones: layer ? layer.raster.data.subarray(y * W, (y + h) * W) : null,
      mask: options.mask ? options.mask.data.subarray(y * W, (y + h) * W) : null,
      maskNodata: options.mask?.nodata ?? null,
      width: W, height: h, rowAreasM2: areas.subarray(y, y + h),
    });
  }
  return acc.finish();
}

/** Header language of {@link rateTableToCsv}. */
export type CsvHeaders = 'zh' | 'en' | 'both';

/** Options of {@link rateTableToCsv}. */
export interface RateCsvOptions {
  /** Header language. @defaultValue 'both' */
  headers?: CsvHeaders;
  /** Decimals for areas (km²), the rate (%), soil loss (t) and the modulus. @defaultValue `{ area: 2, rate: 2, loss: 0, modulus: 1 }` */
  decimals?: { area?: number; rate?: number; loss?: number; modulus?: number };
}

/** Defaults of {@link rateTableToCsv}. */
export const RATE_CSV_DEFAULTS = { headers: 'both' as CsvHeaders, decimals: { area: 2, rate: 2, loss: 0, modulus: 1 } };

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The table as CSV in the layout of a provincial bulletin table (水土流失面积统计表): code, name, level, land
 * area, soil-loss area, the area of each loss class light → severe, the slight area, the conservation rate, the soil
 * loss and the mean modulus. UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese headers.
 *
 * @example
 * ```ts
 * writeFileSync('rate.csv', rateTableToCsv(table, { headers: 'zh' }));
 * ```
 */
export function rateTableToCsv(table: RateTable, options: RateCsvOptions = {}): string {
  const lang = options.headers ?? RATE_CSV_DEFAULTS.headers;
  const d = { ...RATE_CSV_DEFAULTS.decimals, ...options.decimals };
  const cols: [string, string][] = [
    ['代码', 'Code'], ['名称', 'Name'], ['级别', 'Level'], ['土地面积(km²)', 'Land area (km2)'],
    ['水土流失面积(km²)', 'Soil loss area (km2)'],
    ...[2, 3, 4, 5, 6].map((k): [string, string] => [`${INTENSITY_CLASS_NAMES[k]!.zh}(km²)`, `${cap(INTENSITY_CLASS_NAMES[k]!.en)} (km2)`]),
    [`${INTENSITY_CLASS_NAMES[1]!.zh}(km²)`, 'Slight (km2)'],
    ['水土保持率(%)', 'Conservation rate (%)'], ['土壤流失量(t/a)', 'Soil loss (t/yr)'], ['平均侵蚀模数(t/(km²·a))', 'Mean modulus (t/km2/yr)'],
  ];
  const header = cols.map(([zh, en]) => (lang === 'zh' ? zh : lang === 'en' ? en : `${zh} ${en}`));
  const fx = (v: number, n: number): string => (Number.isFinite(v) ? v.toFixed(n) : '');
  const lines = [header.map(csvCell).join(',')];
  for (const r of table.rows) {
    const c = r.classAreasKm2;
    lines.push([
      String(r.zone), r.name, r.level, fx(r.landAreaKm2, d.area), fx(r.lossAreaKm2, d.area),
      fx(c[1], d.area), fx(c[2], d.area), fx(c[3], d.area), fx(c[4], d.area), fx(c[5], d.area), fx(c[0], d.area),
      fx(r.rate, d.rate), fx(r.soilLossT, d.loss), fx(r.meanModulus, d.modulus),
    ].map(csvCell).join(','));
  }
  return '\ufeff' + lines.join('\n') + '\n';
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The table rows as JSON text: an array of `{ zone, name, level, landAreaKm2, lossAreaKm2, rate, classAreasKm2,
 * soilLossT, meanModulus }` (NaN written as null).
 *
 * @example
 * ```ts
 * writeFileSync('rate.json', rateTableToJson(table));
 * ```
 */
export function rateTableToJson(table: RateTable): string {
  return JSON.stringify(table.rows, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
