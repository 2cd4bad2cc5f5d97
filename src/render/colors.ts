/**
 * Colours for maps: named continuous ramps and the SL 190-2007 intensity class colours.
 *
 * Ramps `viridis` (van der Walt & Smith, matplotlib, CC0) and `ylorrd` (ColorBrewer YlOrRd 9, Cynthia Brewer,
 * Apache-2.0) are given by their published stops; `terrain`, `greens` and `browns` are ours. The SL 190-2007 class colours ({@link SL190_CLASS_COLORS}) are ours: they follow the green →
 * yellow → orange → red → dark-red progression that Chinese soil-erosion intensity maps customarily use, but SL
 * 190-2007 itself prescribes no colours and we found no published standard palette to cite.
 * @module
 */

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** Named colour ramps for continuous maps. */
export type RampName = 'viridis' | 'ylorrd' | 'terrain' | 'greens' | 'browns';

const RAMPS: Record<RampName, readonly string[]> = {
  viridis: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'],
  ylorrd: ['#ffffcc', '#ffeda0', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#bd0026', '#800026'],
  terrain: ['#2b6a3a', '#5f9b4a', '#a8c66c', '#e8dc98', '#c9a46b', '#9c7048', '#ffffff'],
  greens: ['#f7fcf5', '#c7e9c0', '#74c476', '#238b45', '#00441b'],
  browns: ['#fff7ec', '#fdd49e', '#fc8d59', '#d7301f', '#7f0000'],
};

/**
 * SL 190-2007 intensity class colours (codes 1–6: slight, light, moderate, intense, very intense, severe). Ours
 * (see the module header): green, yellow-green, yellow, orange, red, dark red-brown.
 */
export const SL190_CLASS_COLORS: Readonly<Record<number, Rgb>> = {
  1: [56, 168, 0],
  2: [209, 230, 100],
  3: [255, 215, 0],
  4: [255, 140, 0],
  5: [230, 0, 0],
  6: [115, 38, 0],
};

/** English names of the SL 190-2007 classes 1–6. */
export const SL190_CLASS_NAMES: readonly string[] = ['slight', 'light', 'moderate', 'intense', 'very intense', 'severe'];

function hexToRgb(h: string): Rgb {
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

/** Colour of `t ∈ [0, 1]` on a ramp (linear interpolation between stops). */
export function rampColor(ramp: RampName, t: number): Rgb {
  const stops = RAMPS[ramp];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(stops[i]!);
  const b = hexToRgb(stops[i + 1]!);
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}
