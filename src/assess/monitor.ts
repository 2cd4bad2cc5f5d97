/**
 * The annual monitoring comparison of two years: the class-change matrix and the conservation-rate change per zone
 * ({@link classChange}), the zones that got worse ranked by their rate drop, and how much of the soil-loss increase
 * lies inside the disturbance patches found between the two dates ({@link detectDisturbance}).
 *
 * **Soil-loss increase.** Over cells valid in both years, the increase is Σ max(0, A2 − A1) · cell area (t/yr,
 * true areas); the share inside patches is the part of that sum on patch cells. Decreases elsewhere do not offset
 * it: the question is where the new loss came from, not the net balance (which is also reported).
 *
 * **Worsened zones**: rows of the change table with a negative rate change, ranked by the change (most negative
 * first), then by the growth of the soil-loss area, then by zone order.
 *
 * Complexity O(n) besides {@link classChange}.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import type { Raster } from '../raster/raster.js';
import { classChange, type ChangeResult, type ChangeRow } from './change.js';
import { modulusFactor, type SoilLossUnits, type ToleranceRegion } from './grading.js';
import type { ZoneLayer } from './zones.js';

/** Options of {@link annualMonitoring}. */
export interface MonitoringOptions {
  /** Units of both A rasters. */
  units: SoilLossUnits;
  /** Tolerable soil loss (t·km⁻²·yr⁻¹ or region). */
  tolerance: number | ToleranceRegion;
  /** Patch labels (0 = none) on the A grid, e.g. `detectDisturbance(…).labels`. */
  patches?: Raster;
}

/** Soil-loss increase between the years and its share inside the patches. */
export interface LossIncrease {
  /** Σ max(0, A2 − A1) over cells valid in both years, t/yr. */
  increaseT: number;
  /** The part of `increaseT` on patch cells, t/yr. */
  inPatchesT: number;
  /** inPatchesT / increaseT (NaN when there is no increase). */
  shareInPatches: number;
  /** Σ (A2 − A1), t/yr (net change). */
  netChangeT: number;
  /** Patch cells valid in both years. */
  patchCells: number;
}

/** Result of {@link annualMonitoring}. */
export interface MonitoringResult {
  /** Class-change matrix and rate change per zone and level. */
  readonly change: ChangeResult;
  /** Zones whose rate fell, most first (rank from 1). */
  readonly worsened: (ChangeRow & { rank: number })[];
  /** The soil-loss increase and its share in the patches (when `patches` is given). */
  readonly increase: LossIncrease;
}

/**
 * Soil-loss increase between two years (t/yr) and the part of it inside patches.
 * @example
 * ```ts
 * lossIncreaseInPatches(a2022, a2023, found.labels, 't/ha/yr').shareInPatches; // 0.62
 * ```
 */
export function lossIncreaseInPatches(a1: Raster, a2: Raster, patches: Raster | undefined, units: SoilLossUnits): LossIncrease {
  assertAligned(a1, a2, ['a1', 'a2']);
  if (patches) assertAligned(a1, patches, ['a1', 'patches']);
  const f = modulusFactor(units, 'lossIncreaseInPatches: units'); // → t/km²/yr
  const areas = a1.grid.rowCellAreasM2();
  const W = a1.width;
  const n1 = a1.nodata === null ? NaN : a1.nodata, n2 = a2.nodata === null ? NaN : a2.nodata;
  let inc = 0, incIn = 0, net = 0, cells = 0;
  for (let r = 0; r < a1.height; r++) {
    const k = (areas[r]! / 1e6) * f; // t/yr per unit of A on this row
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const v1 = a1.data[i]!, v2 = a2.data[i]!;
      if (!(v1 >= 0) || !(v2 >= 0) || v1 === n1 || v2 === n2) continue;
      const d = (v2 - v1) * k;
      net += d;
      const inside = patches !== undefined && patches.data[i]! > 0 && !patches.isNodataAt(i);
      if (inside) cells++;
      if (d > 0) { inc += d; if (inside) incIn += d; }
    }
  }
  return { increaseT: inc, inPatchesT: incIn, shareInPatches: inc > 0 ? incIn / inc : NaN, netChangeT: net, patchCells: cells };
}

/**
 * The annual monitoring comparison: change matrix and rate change per zone, worsened zones ranked, and the share of
 * the soil-loss increase inside the disturbance patches.
 *
 * @param a1 - soil loss of year 1 (NaN nodata).
 * @param a2 - soil loss of year 2, same grid.
 * @param zones - zones or null.
 * @param options - units, tolerance, patch labels.
 * @throws RusleError as {@link classChange}; `GRID_MISMATCH` for patches on another grid.
 *
 * @example
 * ```ts
 * const m = annualMonitoring(a2022, a2023, counties, { units: 't/ha/yr', tolerance: 'red-soil', patches: found.labels });
 * m.worsened[0]?.name; m.increase.shareInPatches;
 * ```
 */
export function annualMonitoring(a1: Raster, a2: Raster, zones: ZoneLayer | Raster | null, options: MonitoringOptions): MonitoringResult {
  if (!options) throw new RusleError('BAD_ARGUMENT', 'annualMonitoring: options { units, tolerance } are required');
  const change = classChange(a1, a2, zones, { units: options.units, tolerance: options.tolerance });
  const worsened = change.rows
    .map((r, k) => ({ r, k }))
    .filter(({ r }) => r.rateChange < 0)
    .sort((x, y) => x.r.rateChange - y.r.rateChange || y.r.lossAreaChangeKm2 - x.r.lossAreaChangeKm2 || x.k - y.k)
    .map(({ r }, i) => ({ ...r, rank: i + 1 }));
  const increase = lossIncreaseInPatches(a1, a2, options.patches, options.units);
  return { change, worsened, increase };
}
