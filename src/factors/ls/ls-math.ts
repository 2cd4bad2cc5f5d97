/**
 * The WebAssembly SIMD exp/log loops of the LS kernels (`ls-math.c`, embedded as base64 in `ls-math-wasm.ts`):
 * fdlibm's exp and log on two float64 lanes, bit-identical to V8's Math.exp and Math.log (which are fdlibm), so
 * the kernels that hand their transcendental loops to it return the same bits as when they evaluate them in
 * JavaScript, in fewer instructions (two lanes a step; the LS suite of the benchmarks measures it).
 *
 * The module has a fixed 1 MiB memory with four float64 buffers of `cap` cells (`a`, `b`, `c` in, `o` out): callers
 * fill them chunk by chunk, so any grid size works. One instance per thread, created on first use.
 *
 * Not part of the public API.
 * @module
 */

import { LS_MATH_WASM_BASE64 } from './ls-math-wasm.js';

/** The instance's exports and views of its buffers. */
export interface LsMath {
  /** Cells per buffer (even). */
  readonly cap: number;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly o: Float64Array;
  /** Desmet & Govers L (before the cap) of `n` cells (n even): a = A_in, b = m + 1, c = ln denominator. */
  dgL(n: number, d2: number, lnD2: number): void;
  /**
   * As `dgL` with b = m and c = x (flow width, read when `withX` is 1; ≤ 1 or NaN = 1): p = m + 1 and ln den =
   * (m + 2) lnD + m (ln x + lnUnit) formed in the module.
   */
  dgLx(n: number, d2: number, lnD2: number, lnD: number, lnUnit: number, withX: number): void;
  /** r.watershed's L of `n` cells (n even): a = sin θ, b = λ / 22.13. */
  grassL(n: number, ratio: number): void;
  /** Tests: o = exp(a), c = log(b). */
  expLog(n: number): void;
}

/** The part of the WebAssembly API used here (the library's TypeScript lib set has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
}

let instance: LsMath | null = null;

/** The module, instantiated on first use. */
export function lsMath(): LsMath {
  if (instance) return instance;
  const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const inst = new WA.Instance(new WA.Module(Buffer.from(LS_MATH_WASM_BASE64, 'base64')), {});
  const e = inst.exports as Record<string, unknown> & { memory: { buffer: ArrayBuffer } };
  const cap = (e.cap as () => number)();
  const view = (name: string): Float64Array => new Float64Array(e.memory.buffer, (e[name] as () => number)(), cap);
  instance = {
    cap, a: view('bufA'), b: view('bufB'), c: view('bufC'), o: view('bufO'),
    dgL: e.dgL as LsMath['dgL'], dgLx: e.dgLx as LsMath['dgLx'], grassL: e.grassL as LsMath['grassL'], expLog: e.expLog as LsMath['expLog'],
  };
  return instance;
}
