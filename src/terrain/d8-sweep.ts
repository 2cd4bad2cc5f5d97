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
 * two, point off the grid or at nodata give no receiver (interior cells skip the grid-bounds test). The nodata
 * margins of each row (a clipped basin's outside) are filled in bulk. Returns the numbers of valid cells and of
 * outlets (valid cells without receiver), and each row's span from its first to one past its last valid column,
 * which the sweeps scan instead of the whole row.
 */
export function prepareD8Sweep(
  fd: Uint8Array, z: FloatArray, width: number, height: number, dist: Float64Array,
  st: Uint8Array, tan: Float32Array, nanOut: Float32Array,
): { valid: number; outlets: number; spans: Int32Array } {
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * width + NEIGHBOUR_DCOL[k]!;
  let valid = 0;
  let outlets = 0;
  // spans[2r], spans[2r + 1]: first valid column of row r and one past its last (equal when the row has none)
  const spans = new Int32Array(2 * height);
  for (let r = 0; r < height; r++) {
    const interiorRow = r > 0 && r < height - 1;
    const base = r * width;
    // the nodata margins of a clipped DEM, filled in bulk
    let c0 = 0;
    while (c0 < width && (fd[base + c0] === D8_NODATA || z[base + c0] !== z[base + c0])) c0++;
    let c1 = width;
    while (c1 > c0 && (fd[base + c1 - 1] === D8_NODATA || z[base + c1 - 1] !== z[base + c1 - 1])) c1--;
    spans[2 * r] = c0;
    spans[2 * r + 1] = c1;
    if (c0 > 0) {
      st.fill(SWEEP_NODATA, base, base + c0);
      tan.fill(NaN, base, base + c0);
      nanOut.fill(NaN, base, base + c0);
    }
    if (c1 < width) {
      st.fill(SWEEP_NODATA, base + c1, base + width);
      tan.fill(NaN, base + c1, base + width);
      nanOut.fill(NaN, base + c1, base + width);
    }
    for (let c = c0; c < c1; c++) {
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
        outlets++;
        continue;
      }
      const k = 31 - Math.clz32(code);
      if (!interiorRow || c === 0 || c === width - 1) {
        const cc = c + NEIGHBOUR_DCOL[k]!;
        const rr = r + NEIGHBOUR_DROW[k]!;
        if (cc < 0 || rr < 0 || cc >= width || rr >= height) {
          st[i] = (st[i]! & 0xf0) | SWEEP_NONE;
          outlets++;
          continue;
        }
      }
      const j = i + off[k]!;
      const zj = z[j]!;
      if (zj !== zj || fd[j] === D8_NODATA) {
        st[i] = (st[i]! & 0xf0) | SWEEP_NONE;
        outlets++;
        continue;
      }
      st[i] = (st[i]! & 0xf0) | k;
      st[j] = st[j]! + 16;
      tan[i] = zi > zj ? (zi - zj) / dist[r * 8 + k]! : 0;
    }
  }
  return { valid, outlets, spans };
}

/**
 * The main donor of each outlet (a valid cell without receiver) in a slope-length sweep: the donor with the
 * largest λ (eligible or not; the first one on ties), whose step and tangent the outlet continues. Outlets are few
 * next to the grid (edges, cells beside nodata), so they live in an open-addressing table sized from their count in
 * pass 1 instead of three per-cell arrays, which on a clipped basin would touch a page of each in nearly every row.
 */
export class OutletDonors {
  private readonly keys: Int32Array;
  private readonly lens: Float32Array;
  private readonly tans: Float32Array;
  private readonly steps: Float32Array;
  private readonly mask: number;

  /** @param outlets - the number of outlets (an upper bound is fine). */
  constructor(outlets: number) {
    let size = 16;
    while (size < 2 * outlets) size *= 2;
    this.mask = size - 1;
    this.keys = new Int32Array(size).fill(-1);
    this.lens = new Float32Array(size);
    this.tans = new Float32Array(size);
    this.steps = new Float32Array(size);
  }

  /** Slot of outlet `j` (linear probing), claimed when `claim` and not yet present; -1 when absent. */
  private find(j: number, claim: boolean): number {
    let h = Math.imul(j, 0x9e3779b1) & this.mask;
    for (;;) {
      const k = this.keys[h]!;
      if (k === j) return h;
      if (k === -1) {
        if (!claim) return -1;
        this.keys[h] = j;
        return h;
      }
      h = (h + 1) & this.mask;
    }
  }

  /** Offers donor (λ `l`, tangent `t`, step `s`) to outlet `j`; kept when its λ is the largest so far. */
  offer(j: number, l: number, t: number, s: number): void {
    const h = this.find(j, true);
    if (l > this.lens[h]!) {
      this.lens[h] = l;
      this.tans[h] = t;
      this.steps[h] = s;
    }
  }

  /** Slot of outlet `i`'s main donor, or -1 when it has no donor. */
  slot(i: number): number {
    return this.find(i, false);
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
