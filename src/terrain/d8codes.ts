/**
 * D8 flow-direction codes (the ESRI/ArcGIS convention, also used by GRASS `r.terraflow` and TauDEM's `-sd8`
 * alternatives): one byte per cell, a power of two naming the receiving neighbour.
 *
 * ```
 *  32  64  128
 *  16   ·    1
 *   8   4    2
 * ```
 *
 * `D8_NONE` (0) marks a cell without a receiver (an outlet draining off the grid or into nodata, or an unresolved
 * pit); `D8_NODATA` (255) marks a nodata cell.
 * @module
 */

/** No receiver: outlet or pit. */
export const D8_NONE = 0;
/** Nodata cell. */
export const D8_NODATA = 255;
/** Codes of the eight neighbours, in order E, SE, S, SW, W, NW, N, NE. */
export const D8_CODES: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128];
/** Column offsets of the eight neighbours, same order as {@link D8_CODES}. */
export const D8_DX: readonly number[] = [1, 1, 0, -1, -1, -1, 0, 1];
/** Row offsets of the eight neighbours (rows grow southward), same order as {@link D8_CODES}. */
export const D8_DY: readonly number[] = [0, 1, 1, 1, 0, -1, -1, -1];

/** Neighbour index 0–7 of a D8 code, or -1 for `D8_NONE`, `D8_NODATA` and invalid codes. */
export function d8Index(code: number): number {
  switch (code) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    case 32: return 5;
    case 64: return 6;
    case 128: return 7;
    default: return -1;
  }
}
