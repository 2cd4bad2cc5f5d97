/**
 * Polygonising a label raster: one (Multi)Polygon per label, traced on cell edges, holes kept, coordinates through
 * the grid's geotransform (rotation included).
 *
 * **Input.** An integer raster of labels (any typed array; float values must be integers). Nodata, NaN and the
 * `background` value (0 by default) are background; every other value is a label.
 *
 * **Method.** Boundary following on the lattice of cell corners (the crack-following contour tracing of Rosenfeld &
 * Kak 1982, "Digital Picture Processing", vol. 2, §11.2; the same edges GDAL's `GDALPolygonize` emits). Each cell
 * side that separates a label from anything else is a directed edge with the label's cell on its right as seen on
 * the screen (row down); following edges with the rule "turn right, else straight, else left" closes every ring.
 * Runs of collinear edges become one segment, so vertices are the corners of the boundary only.
 *
 * **Connectivity rule.** Geometry is 4-connected: the cells of one label that share a side form one Polygon (its
 * shell and holes); cells that touch only at a corner (a "saddle" vertex, where two cells of the label sit on one
 * diagonal and two other cells on the other) are kept apart, because the right turn is taken first there. An
 * 8-connected patch whose cells meet at corners therefore becomes a MultiPolygon whose parts touch at those corner
 * points, and a hole whose cells meet the outside (or another hole) only at a corner becomes a hole ring touching the
 * shell (or the other hole) at that point. A ring that passes through a saddle twice is split there, so every ring is
 * simple. The result is valid under OGC Simple Features (ISO 19125-1 §6.1.11): rings are simple, a polygon's
 * interior (its 4-connected cells) is connected, holes and shells touch at isolated points only, and the parts of a
 * MultiPolygon have disjoint interiors.
 *
 * **Guarantees.** A cell centre lies inside a label's polygons (shell minus holes, even-odd) exactly when the cell
 * holds that label; the polygons' planar areas add up to the label's cell count times the cell area (in the grid's
 * CRS). Shells are counter-clockwise and holes clockwise in the output coordinates (RFC 7946 §3.1.6), whatever the
 * sign of the transform. Labels come out in ascending order; parts by their first cell in row-major order; holes by
 * their first edge in row-major order. Same input, same output.
 *
 * **Complexity.** One pass over the raster for the labels' bounding boxes, then, per label, O(w·h) time and memory
 * for its bounding box of w × h cells (4-connected components and the visited edges). Cheap for many small labels
 * (disturbance patches, watersheds); a label spread over the whole grid costs a pass over the grid.
 *
 * **API (stable).** {@link polygonize} → {@link LabelPolygons}[] in grid-CRS (or pixel) coordinates;
 * {@link labelPolygonsToGeoJson} → a GeoJSON FeatureCollection, with an optional coordinate transform (for
 * longitude/latitude use `gridToLonLat(grid.crs)` from `src/assess/reproject.ts`, or `polygonizeToLonLat` there,
 * which does both steps).
 *
 * @module
 */

import { RusleError } from './errors.js';
import type { Window } from './grid.js';
import { isFloatArray, type Raster } from './raster.js';

/** A ring: closed list of [x, y] positions (the first position repeated at the end). */
export type Ring = [number, number][];

/** One label's geometry: its polygons, each `[shell, ...holes]`. */
export interface LabelPolygons {
  /** The label value. */
  readonly label: number;
  /** Polygons (one per 4-connected part), each rings `[shell, ...holes]`; closed rings. */
  readonly polygons: Ring[][];
  /** Number of cells holding the label. */
  readonly cellCount: number;
  /** Bounding window of the label's cells (column, row offsets and size). */
  readonly window: Window;
}

/** Options of {@link polygonize}. */
export interface PolygonizeOptions {
  /** A value that is background besides nodata and NaN (`null`: none). @defaultValue 0 */
  background?: number | null;
  /** Coordinates: `crs` (through the geotransform) or `pixel` (column, row of cell corners). @defaultValue 'crs' */
  coordinates?: 'crs' | 'pixel';
  /** Only these labels (in ascending order in the output). @defaultValue every label */
  labels?: readonly number[];
}

/** Defaults of {@link polygonize}. */
export const POLYGONIZE_DEFAULTS = { background: 0, coordinates: 'crs' } as const;

// Travel direction of side s of a cell (0 top → east, 1 right → south, 2 bottom → west, 3 left → north), in
// (column, row) steps, and its outward normal.
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;
const NX = [0, 1, 0, -1] as const;
const NY = [-1, 0, 1, 0] as const;
// Start corner of side s relative to the cell's top-left corner.
const SX = [0, 1, 1, 0] as const;
const SY = [0, 0, 1, 1] as const;

/**
 * Polygons of every label of an integer raster, traced on cell edges (see the module notes for the connectivity
 * rule and the guarantees).
 *
 * @param labels - label raster; nodata, NaN and `options.background` are background.
 * @param options - background value, coordinates, a subset of labels.
 * @returns one entry per label present, in ascending label order.
 * @throws RusleError `BAD_VALUE` when a float raster holds a non-integer label; `BAD_ARGUMENT` for bad options.
 *
 * @example
 * ```ts
 * const parts = polygonize(patchLabels);           // grid-CRS coordinates
 * parts[0].polygons[0][0];                         // shell of the first part of the first label
 * ```
 */
export function polygonize(labels: Raster, options: PolygonizeOptions = {}): LabelPolygons[] {
  const background = options.background === undefined ? POLYGONIZE_DEFAULTS.background : options.background;
  if (background !== null && !Number.isFinite(background)) {
    throw new RusleError('BAD_ARGUMENT', `polygonize: options.background must be a finite number or null, got ${String(background)}`);
  }
  const coords = options.coordinates ?? POLYGONIZE_DEFAULTS.coordinates;
  if (coords !== 'crs' && coords !== 'pixel') throw new RusleError('BAD_ARGUMENT', `polygonize: options.coordinates must be 'crs' or 'pixel', got ${String(coords)}`);
  const W = labels.width;
  const H = labels.height;
  const d = labels.data;
  const nd = labels.nodata;
  const bg = background === null ? NaN : background;
  const ndv = nd === null ? NaN : nd;
  const float = isFloatArray(d);
  const wanted = options.labels ? new Set(options.labels) : undefined;
  // Pass 1: bounding boxes and counts per label (a lookup only when the value changes along a row).
  const index = new Map<number, number>();
  const boxes: number[] = []; // minX, minY, maxX, maxY, count per label
  const order: number[] = [];
  for (let r = 0; r < H; r++) {
    let prev = NaN;
    let k = -1;
    let runStart = 0;
    const base = r * W;
    const close = (end: number): void => {
      if (k < 0) return;
      const b = k * 5;
      if (runStart < boxes[b]!) boxes[b] = runStart;
      if (r < boxes[b + 1]!) boxes[b + 1] = r;
      if (end - 1 > boxes[b + 2]!) boxes[b + 2] = end - 1;
      if (r > boxes[b + 3]!) boxes[b + 3] = r;
      boxes[b + 4] = boxes[b + 4]! + (end - runStart);
    };
    for (let c = 0; c < W; c++) {
      const v = d[base + c]!;
      if (v === prev || (v !== v && prev !== prev)) continue;
      close(c);
      prev = v;
      runStart = c;
      if (v !== v || v === ndv || v === bg || (wanted !== undefined && !wanted.has(v))) { k = -1; continue; }
      if (float && !Number.isInteger(v)) throw new RusleError('BAD_VALUE', `polygonize: labels must be integers, got ${v} at column ${c}, row ${r}`);
      let j = index.get(v);
      if (j === undefined) {
        j = order.length;
        index.set(v, j);
        order.push(v);
        boxes.push(Infinity, Infinity, -Infinity, -Infinity, 0);
      }
      k = j;
    }
    close(W);
  }
  const byLabel = order.map((v, j) => j).sort((a, b) => order[a]! - order[b]!);
  const t = labels.grid.transform;
  const toXY = coords === 'pixel'
    ? (x: number, y: number): [number, number] => [x, y]
    : (x: number, y: number): [number, number] => [t[0] + x * t[1] + y * t[2], t[3] + x * t[4] + y * t[5]];
  const out: LabelPolygons[] = [];
  for (const j of byLabel) {
    const b = j * 5;
    const win: Window = { x: boxes[b]!, y: boxes[b + 1]!, width: boxes[b + 2]! - boxes[b]! + 1, height: boxes[b + 3]! - boxes[b + 1]! + 1 };
    const polygons = traceLabel(d, W, order[j]!, win).map((poly) => poly.map((ring) => orient(ring.map(([x, y]) => toXY(x, y)), poly[0] === ring)));
    out.push({ label: order[j]!, polygons, cellCount: boxes[b + 4]!, window: win });
  }
  return out;
}

/** Rings of one label inside its window, in pixel corner coordinates, grouped by 4-connected part. */
function traceLabel(d: ArrayLike<number>, W: number, L: number, win: Window): [number, number][][][] {
  const w = win.width;
  const h = win.height;
  const x0 = win.x;
  const y0 = win.y;
  const n = w * h;
  // Local mask of the label, with a frame of one cell so that neighbours never leave the array.
  const fw = w + 2;
  const mask = new Uint8Array(fw * (h + 2));
  for (let r = 0; r < h; r++) {
    const src = (y0 + r) * W + x0;
    const dst = (r + 1) * fw + 1;
    for (let c = 0; c < w; c++) if (d[src + c] === L) mask[dst + c] = 1;
  }
  // 4-connected parts in row-major order of their first cell.
  const comp = new Int32Array(fw * (h + 2)).fill(-1);
  const stack = new Int32Array(n);
  let parts = 0;
  for (let r = 1; r <= h; r++) {
    for (let c = 1; c <= w; c++) {
      const i0 = r * fw + c;
      if (mask[i0] === 0 || comp[i0] !== -1) continue;
      let sp = 0;
      stack[sp++] = i0;
      comp[i0] = parts;
      while (sp > 0) {
        const i = stack[--sp]!;
        if (mask[i - 1] === 1 && comp[i - 1] === -1) { comp[i - 1] = parts; stack[sp++] = i - 1; }
        if (mask[i + 1] === 1 && comp[i + 1] === -1) { comp[i + 1] = parts; stack[sp++] = i + 1; }
        if (mask[i - fw] === 1 && comp[i - fw] === -1) { comp[i - fw] = parts; stack[sp++] = i - fw; }
        if (mask[i + fw] === 1 && comp[i + fw] === -1) { comp[i + fw] = parts; stack[sp++] = i + fw; }
      }
      parts++;
    }
  }
  const shells: ([number, number][] | undefined)[] = new Array(parts).fill(undefined);
  const holes: [number, number][][][] = Array.from({ length: parts }, () => []);
  const visited = new Uint8Array(fw * (h + 2)); // bit s: side s already on a ring
  const step = [-fw, 1, fw, -1] as const; // outward neighbour of side s (flat offset)
  const ahead = [1, fw, -1, -fw] as const; // neighbour along the travel direction of side s
  for (let r = 1; r <= h; r++) {
    for (let c = 1; c <= w; c++) {
      const i0 = r * fw + c;
      if (mask[i0] === 0) continue;
      for (let s0 = 0; s0 < 4; s0++) {
        if (mask[i0 + step[s0]!] === 1 || (visited[i0]! & (1 << s0)) !== 0) continue;
        // Follow the ring from side s0 of cell i0; record corner vertices (where the direction changes).
        const verts: number[] = [];
        let saddle = false;
        let i = i0;
        let s = s0;
        let cc = c;
        let rr = r;
        let prevDir = -1;
        do {
          visited[i] = visited[i]! | (1 << s);
          if (s !== prevDir) verts.push(cc + SX[s]! - 1 + x0, rr + SY[s]! - 1 + y0);
          prevDir = s;
          const a = i + ahead[s]!;
          if (mask[a] === 0) {
            if (mask[a + step[s]!] === 1) saddle = true;
            s = (s + 1) & 3; // turn right around the same cell
          } else if (mask[a + step[s]!] === 1) {
            i = a + step[s]!; cc += DX[s]! + NX[s]!; rr += DY[s]! + NY[s]!; s = (s + 3) & 3; // turn left
          } else {
            i = a; cc += DX[s]!; rr += DY[s]!; // straight on
          }
        } while (i !== i0 || s !== s0);
        // The loop may have recorded the start vertex as a non-corner if the last edge runs in the same direction.
        if (prevDir === s0 && verts.length > 2) verts.splice(0, 2);
        const part = comp[i0]!;
        for (const ring of saddle ? splitPinches(verts) : [pairs(verts)]) {
          if (signedArea(ring) > 0) {
            if (shells[part] !== undefined) throw new RusleError('INTERNAL', `polygonize: label ${L} part ${part} has two shells`);
            shells[part] = ring;
          } else {
            holes[part]!.push(ring);
          }
        }
      }
    }
  }
  return shells.map((sh, p) => {
    if (sh === undefined) throw new RusleError('INTERNAL', `polygonize: label ${L} part ${p} has no shell`);
    return [sh, ...holes[p]!];
  });
}

function pairs(v: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < v.length; k += 2) out.push([v[k]!, v[k + 1]!]);
  return out;
}

/** Splits a corner sequence that passes through a vertex more than once into simple loops (open rings). */
function splitPinches(v: number[]): [number, number][][] {
  const rings: [number, number][][] = [];
  const stack: [number, number][] = [];
  const at = new Map<string, number>();
  for (let k = 0; k < v.length; k += 2) {
    const key = `${v[k]},${v[k + 1]}`;
    const p = at.get(key);
    if (p !== undefined) {
      const loop = stack.splice(p);
      for (const q of loop) at.delete(`${q[0]},${q[1]}`);
      rings.push(loop);
    }
    at.set(key, stack.length);
    stack.push([v[k]!, v[k + 1]!]);
  }
  rings.push(stack);
  return rings.filter((ring) => ring.length >= 4);
}

/** Twice the signed area of an open ring (shoelace; positive when counter-clockwise with y up). */
function signedArea(ring: readonly (readonly number[])[]): number {
  let s = 0;
  const n = ring.length;
  for (let k = 0; k < n; k++) {
    const p = ring[k]!;
    const q = ring[(k + 1) % n]!;
    s += p[0]! * q[1]! - q[0]! * p[1]!;
  }
  return s;
}

/** Closes an open ring and orients it: shells counter-clockwise, holes clockwise (RFC 7946 §3.1.6). */
function orient(ring: [number, number][], shell: boolean): Ring {
  const ccw = signedArea(ring) > 0;
  const r = ccw === shell ? ring.slice() : ring.slice().reverse();
  r.push([r[0]![0], r[0]![1]]);
  return r;
}

/** A GeoJSON Feature of {@link labelPolygonsToGeoJson}. */
export interface PolygonFeature {
  type: 'Feature';
  id: number;
  properties: Record<string, unknown>;
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}

/** A GeoJSON FeatureCollection of polygons. */
export interface PolygonFeatureCollection {
  type: 'FeatureCollection';
  features: PolygonFeature[];
}

/** Options of {@link labelPolygonsToGeoJson}. */
export interface PolygonGeoJsonOptions {
  /** Maps each [x, y] (for example grid CRS → longitude/latitude). @defaultValue identity */
  transform?: (xy: readonly number[]) => [number, number];
  /** Properties of each label's feature (the label is always added as `label`). */
  properties?: (label: number) => Record<string, unknown>;
  /** Decimal places kept in the coordinates. @defaultValue all */
  decimals?: number;
}

/**
 * The polygons of {@link polygonize} as a GeoJSON FeatureCollection: one Feature per label (Polygon when it has one
 * part, MultiPolygon otherwise), feature id = label. Rings are re-oriented after the transform so that shells stay
 * counter-clockwise.
 *
 * @example
 * ```ts
 * const fc = labelPolygonsToGeoJson(polygonize(labels), { transform: gridToLonLat(labels.grid.crs) });
 * ```
 */
export function labelPolygonsToGeoJson(parts: readonly LabelPolygons[], options: PolygonGeoJsonOptions = {}): PolygonFeatureCollection {
  const tf = options.transform;
  const dec = options.decimals;
  if (dec !== undefined && !(Number.isInteger(dec) && dec >= 0 && dec <= 15)) throw new RusleError('BAD_ARGUMENT', `labelPolygonsToGeoJson: options.decimals must be an integer 0–15, got ${dec}`);
  const round = dec === undefined ? (x: number): number => x : (x: number): number => Number(x.toFixed(dec));
  const mapRing = (ring: Ring, shell: boolean): Ring => {
    const open = ring.slice(0, -1).map((p): [number, number] => {
      const q = tf ? tf(p) : p;
      return [round(q[0]), round(q[1])];
    });
    return orient(open, shell);
  };
  return {
    type: 'FeatureCollection',
    features: parts.map((lp) => {
      const polys = lp.polygons.map((poly) => poly.map((ring, k) => mapRing(ring, k === 0)));
      return {
        type: 'Feature' as const,
        id: lp.label,
        properties: { label: lp.label, ...(options.properties ? options.properties(lp.label) : {}) },
        geometry: polys.length === 1 ? { type: 'Polygon' as const, coordinates: polys[0]! } : { type: 'MultiPolygon' as const, coordinates: polys },
      };
    }),
  };
}

/**
 * Planar area of polygons (shells minus holes) in the square of their coordinate unit.
 * @example
 * ```ts
 * polygonsArea(polygonize(labels)[0].polygons); // m² on a projected grid in metres
 * ```
 */
export function polygonsArea(polygons: readonly (readonly Ring[])[]): number {
  let s = 0;
  for (const poly of polygons) for (const ring of poly) s += signedArea(ring.slice(0, -1)) / 2;
  return s;
}
