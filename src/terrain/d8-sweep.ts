/**
 * Pass 1 of the D8 slope-length sweeps, shared by `slopeLength` (this layer) and the fused LS sweep of
 * `factors/ls/slope-length-ls.ts`: direction indices, in-degrees and downslope tangents, and the state byte both
 * sweeps keep per cell. Not part of the public API (not exported from the terrain index).
 * @module
 */

import type { FloatArray } from '../raster/raster.js';
import { D8_NODATA } from './d8codes.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW } from './neighbours.js';

/**
 * State byte of a cell in a D8 slope-length sweep: the low nibble is the direction index (0..7 = neighbour k, whose
 * receiver is valid; {@link SWEEP_NONE} = no receiver; {@link SWEEP_NODATA} = nodata), the high nibble the
 * in-degree (0..8), or all ones ({@link SWEEP_DONE}) once the cell is finalised. Shared with the fused LS sweep of
 * `factors/ls/slope-length-ls.ts`.
 */
export const SWEEP_NONE = 8;
export const SWEEP_NODATA = 9;
export const SWEEP_DONE = 0xf0;

/**
 * Pass 1 of the slope-length sweeps (row-major): each cell's state byte (direction index and in-degree, see
 * {@link SWEEP_NONE}) into `st` (zero-filled), its downslope tangent towards its receiver (Float32: drop / step,
 * 0 when not lower) into `tan`, and NaN into `tan` and `nanOut` at nodata cells. D8 codes that are not a power of
 * two, point off the grid or at nodata give no receiver (interior cells skip the grid-bounds test). Returns the
 * number of valid cells.
 */
export function prepareD8Sweep(
  fd: Uint8Array, z: FloatArray, width: number, height: number, dist: Float64Array,
  st: Uint8Array, tan: Float32Array, nanOut: Float32Array,
): number {
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * width + NEIGHBOUR_DCOL[k]!;
  let valid = 0;
  for (let r = 0; r < height; r++) {
    const interiorRow = r > 0 && r < height - 1;
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const code = fd[i]!;
      const zi = z[i]!;
      if (code === D8_NODATA || zi !== zi) {
        st[i] = (st[i]! & 0xf0) | SWEEP_NODATA;
        tan[i] = NaN;
        nanOut[i] = NaN;
        continue;
      }
      valid++;
      if (code === 0 || (code & (code - 1)) !== 0) {
        // no receiver, or not a D8 code
        st[i] = (st[i]! & 0xf0) | SWEEP_NONE;
        continue;
      }
      const k = 31 - Math.clz32(code);
      if (!interiorRow || c === 0 || c === width - 1) {
        const cc = c + NEIGHBOUR_DCOL[k]!;
        const rr = r + NEIGHBOUR_DROW[k]!;
        if (cc < 0 || rr < 0 || cc >= width || rr >= height) {
          st[i] = (st[i]! & 0xf0) | SWEEP_NONE;
          continue;
        }
      }
      const j = i + off[k]!;
      const zj = z[j]!;
      if (zj !== zj || fd[j] === D8_NODATA) {
        st[i] = (st[i]! & 0xf0) | SWEEP_NONE;
        continue;
      }
      st[i] = (st[i]! & 0xf0) | k;
      st[j] = st[j]! + 16;
      tan[i] = zi > zj ? (zi - zj) / dist[r * 8 + k]! : 0;
    }
  }
  return valid;
}

/**
 * The main donor of each outlet (a valid cell without receiver) in a slope-length sweep: the donor with the
 * largest λ (eligible or not; the first one on ties), whose step and tangent the outlet continues. Outlets are few
 * (grid edges, cells beside nodata), so they are kept in a map and three small arrays instead of three per-cell
 * arrays, which on a clipped basin would touch a page of each in nearly every row.
 */
export class OutletDonors {
  private readonly slotOf = new Map<number, number>();
  private lens: Float32Array<ArrayBuffer> = new Float32Array(256);
  private tans: Float32Array<ArrayBuffer> = new Float32Array(256);
  private steps: Float32Array<ArrayBuffer> = new Float32Array(256);
  private count = 0;

  /** Offers donor (λ `l`, tangent `t`, step `s`) to outlet `j`; kept when its λ is the largest so far. */
  offer(j: number, l: number, t: number, s: number): void {
    let k = this.slotOf.get(j);
    if (k === undefined) {
      k = this.count++;
      if (k === this.lens.length) {
        const grow = (a: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> => {
          const b = new Float32Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.lens = grow(this.lens);
        this.tans = grow(this.tans);
        this.steps = grow(this.steps);
      }
      this.slotOf.set(j, k);
    }
    if (l > this.lens[k]!) {
      this.lens[k] = l;
      this.tans[k] = t;
      this.steps[k] = s;
    }
  }

  /** Slot of outlet `i`'s main donor, or -1 when it has no donor. */
  slot(i: number): number {
    return this.slotOf.get(i) ?? -1;
  }

  /** Tangent of the main donor in slot `k`. */
  tan(k: number): number {
    return this.tans[k]!;
  }

  /** Step (m) of the main donor in slot `k`. */
  step(k: number): number {
    return this.steps[k]!;
  }
}
