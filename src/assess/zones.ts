/**
 * Zones for assessment tables: a zone raster (any integer type) or GeoJSON polygons rasterised onto the grid, zone
 * ids and names (UTF-8, Chinese included) from feature properties, and a hierarchy (county → city → province) from a
 * code table or from China's 6-digit administrative division codes (GB/T 2260: province = first two digits + "0000",
 * city/prefecture = first four digits + "00"), so that one pass over the cells gives every level.
 *
 * GeoJSON coordinates are longitude/latitude on WGS 84 (RFC 7946, §4) and are reprojected to the grid's CRS with
 * proj4js (see `reproject.ts`). Vertices are reprojected and edges stay straight in the grid CRS, which is exact
 * enough for boundaries whose vertices are closer than a few kilometres.
 *
 * A zone layer maps each cell to a **code** (the raster value, or a feature number for GeoJSON) and each code to a
 * leaf zone; several codes may map to the same zone (a county drawn as two features). Zones that do not overlap the
 * grid are listed in `warnings`; when none overlaps, `NO_OVERLAP` is thrown.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Grid } from '../raster/grid.js';
import { Raster } from '../raster/raster.js';
import { rasterizePolygons, type PolygonRings } from './rasterize.js';
import { lonLatToGrid } from './reproject.js';
import { ringSelfIntersection } from './ring-check.js';

/** Zone id: a number (admin code) or a string, as given. */
export type ZoneId = string | number;

/** A zone of a hierarchy: id, name, level name, parent id (null at the top). */
export interface ZoneNode {
  /** Zone id (number or string, as given). */
  readonly id: ZoneId;
  /** Display name (UTF-8). */
  readonly name: string;
  /** Level name, e.g. `county`, `city`, `province`, or `zone` for a flat set. */
  readonly level: string;
  /** Parent zone id, or null. */
  readonly parent: ZoneId | null;
}

/** Zones on a grid: a code raster, the code → zone map, every node of the hierarchy, warnings. */
export interface ZoneLayer {
  /** Integer raster of zone codes on the assessment grid (nodata or 0 when `zeroIsNone`: no zone). */
  readonly raster: Raster;
  /** Leaf zone of each code present in `raster`. Codes not in the map become zones of their own (id = code). */
  readonly leafOfCode: ReadonlyMap<number, ZoneNode>;
  /** Every zone (leaves and ancestors) known in advance. */
  readonly nodes: readonly ZoneNode[];
  /** Treat code 0 as "no zone". @defaultValue false for zone rasters, true for rasterised GeoJSON */
  readonly zeroIsNone: boolean;
  /** Messages about zones that do not overlap the grid, overlapping features, etc. */
  readonly warnings: readonly string[];
}

/** A hierarchy: `admin-codes` (China's 6-digit codes) or an explicit table of nodes. */
export type ZoneHierarchy =
  | 'admin-codes'
  | { nodes: readonly { id: ZoneId; name?: string; level?: string; parent?: ZoneId | null }[] };

/** Options of {@link zonesFromRaster}. */
export interface ZonesFromRasterOptions {
  /** Names by zone id. */
  names?: Readonly<Record<string, string>>;
  /** Hierarchy of the zones. @defaultValue none (flat, level `zone`) */
  hierarchy?: ZoneHierarchy;
  /** Code 0 means "no zone". @defaultValue false */
  zeroIsNone?: boolean;
}

/**
 * Key of a zone id in maps (numbers and strings never collide).
 * @example
 * ```ts
 * zoneKey(360781); // 'n:360781'
 * ```
 */
export function zoneKey(id: ZoneId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

/**
 * Level and parent of a 6-digit administrative code (GB/T 2260); `BAD_VALUE` for anything else.
 * @example
 * ```ts
 * adminLevel(360781); // { level: 'county', parent: 360700 }
 * ```
 */
export function adminLevel(code: number): { level: 'province' | 'city' | 'county'; parent: number | null } {
  if (!Number.isInteger(code) || code < 100000 || code > 999999) {
    throw new RusleError('BAD_VALUE', `administrative codes must be 6-digit integers (GB/T 2260), got ${code}`);
  }
  if (code % 10000 === 0) return { level: 'province', parent: null };
  if (code % 100 === 0) return { level: 'city', parent: Math.floor(code / 10000) * 10000 };
  return { level: 'county', parent: Math.floor(code / 100) * 100 };
}

/**
 * Builds the nodes of a hierarchy for the given leaf ids: with `admin-codes`, the ancestors by code (names from
 * `names`, else the code); with a table, the table's nodes (leaves not in the table are added as top-level zones).
 * @internal
 */
export function buildHierarchy(
  leaves: readonly { id: ZoneId; name: string }[],
  hierarchy: ZoneHierarchy | undefined,
  names: Readonly<Record<string, string>> = {},
): { nodes: ZoneNode[]; leafNode: Map<string, ZoneNode> } {
  const nodes = new Map<string, ZoneNode>();
  const leafNode = new Map<string, ZoneNode>();
  if (hierarchy === undefined) {
    for (const l of leaves) {
      const n: ZoneNode = { id: l.id, name: l.name, level: 'zone', parent: null };
      if (!nodes.has(zoneKey(l.id))) nodes.set(zoneKey(l.id), n);
      leafNode.set(zoneKey(l.id), nodes.get(zoneKey(l.id))!);
    }
    return { nodes: [...nodes.values()], leafNode };
  }
  if (hierarchy === 'admin-codes') {
    const add = (code: number, name: string | undefined): ZoneNode => {
      const k = zoneKey(code);
      const have = nodes.get(k);
      if (have) return have;
      const { level, parent } = adminLevel(code);
      if (parent !== null) add(parent, names[String(parent)]);
      const n: ZoneNode = { id: code, name: name ?? names[String(code)] ?? String(code), level, parent };
      nodes.set(k, n);
      return n;
    };
    for (const l of leaves) {
      const code = typeof l.id === 'number' ? l.id : Number(l.id);
      leafNode.set(zoneKey(l.id), add(code, l.name));
    }
    return { nodes: [...nodes.values()], leafNode };
  }
  if (!hierarchy || !Array.isArray(hierarchy.nodes)) throw new RusleError('BAD_ARGUMENT', "hierarchy must be 'admin-codes' or { nodes: [...] }");
  const named = new Set<string>();
  for (const t of hierarchy.nodes) {
    if (t.name !== undefined || names[String(t.id)] !== undefined) named.add(zoneKey(t.id));
    nodes.set(zoneKey(t.id), { id: t.id, name: t.name ?? names[String(t.id)] ?? String(t.id), level: t.level ?? 'zone', parent: t.parent ?? null });
  }
  for (const n of nodes.values()) {
    if (n.parent !== null && !nodes.has(zoneKey(n.parent))) {
      throw new RusleError('BAD_TABLE', `hierarchy: zone ${n.id} names parent ${n.parent}, which is not in the table`);
    }
  }
  for (const l of leaves) {
    let n = nodes.get(zoneKey(l.id));
    if (!n) {
      n = { id: l.id, name: l.name, level: 'zone', parent: null };
      nodes.set(zoneKey(l.id), n);
    } else if (!named.has(zoneKey(l.id)) && l.name !== String(l.id)) {
      // the table gives the place in the hierarchy, the source (GeoJSON property) gives the name
      n = { ...n, name: l.name };
      nodes.set(zoneKey(l.id), n);
    }
    leafNode.set(zoneKey(l.id), n);
  }
  return { nodes: [...nodes.values()], leafNode };
}

function isIntegerRaster(r: Raster): boolean {
  return !(r.data instanceof Float32Array || r.data instanceof Float64Array);
}

/**
 * A zone layer from an integer zone raster: each distinct value is a zone (id = the value).
 *
 * @param zones - integer raster on the assessment grid; its nodata (and 0 with `zeroIsNone`) means no zone.
 * @param options - names, hierarchy, `zeroIsNone`.
 * @throws RusleError `BAD_ARGUMENT` for a float raster.
 *
 * @example
 * ```ts
 * const layer = zonesFromRaster(countyRaster, { hierarchy: 'admin-codes', names: { '360000': '江西省' } });
 * ```
 */
export function zonesFromRaster(zones: Raster, options: ZonesFromRasterOptions = {}): ZoneLayer {
  if (!(zones instanceof Raster) || !isIntegerRaster(zones)) {
    throw new RusleError('BAD_ARGUMENT', 'zonesFromRaster: zones must be an integer raster (Byte, Int16, UInt16, Int32, UInt32)');
  }
  const names = options.names ?? {};
  const ids = new Set<number>();
  const d = zones.data;
  const nd = zones.nodata;
  const zero = options.zeroIsNone === true;
  let last = NaN;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v === last) continue;
    last = v;
    if (v === nd || (zero && v === 0)) continue;
    ids.add(v);
  }
  const leaves = [...ids].sort((a, b) => a - b).map((id) => ({ id, name: names[String(id)] ?? String(id) }));
  const { nodes, leafNode } = buildHierarchy(leaves, options.hierarchy, names);
  const leafOfCode = new Map<number, ZoneNode>();
  for (const l of leaves) leafOfCode.set(l.id, leafNode.get(zoneKey(l.id))!);
  return { raster: zones, leafOfCode, nodes, zeroIsNone: zero, warnings: [] };
}

/** A GeoJSON geometry, feature or feature collection (RFC 7946), loosely typed. */
export interface GeoJsonLike {
  /** `FeatureCollection`, `Feature`, `Polygon` or `MultiPolygon`. */
  type: string;
  /** Features of a collection. */
  features?: GeoJsonLike[];
  /** Geometry of a feature. */
  geometry?: GeoJsonLike | null;
  /** Properties of a feature. */
  properties?: Record<string, unknown> | null;
  /** Coordinates of a geometry. */
  coordinates?: unknown;
  /** Feature id. */
  id?: string | number;
}

/** Options of {@link zonesFromGeoJson}. */
export interface ZonesFromGeoJsonOptions {
  /** Property holding the zone id. @defaultValue the feature's `id`, else its 1-based order */
  zoneField?: string;
  /** Property holding the zone name. @defaultValue the id */
  nameField?: string;
  /** Take every cell a polygon touches (not only cells whose centre is inside). @defaultValue false */
  allTouched?: boolean;
  /** proj4 definition of the coordinates. @defaultValue WGS 84 longitude/latitude (RFC 7946) */
  sourceCrs?: string;
  /** Hierarchy of the zones. */
  hierarchy?: ZoneHierarchy;
  /** Names of ancestor zones by id (for `admin-codes`). */
  names?: Readonly<Record<string, string>>;
  /**
   * Refuse a self-intersecting ring (`BAD_GEOMETRY`) instead of listing it in `warnings`.
   * @defaultValue false
   */
  strictGeometry?: boolean;
}

function polygonsOf(g: GeoJsonLike | null | undefined, where: string): PolygonRings[] {
  if (!g) return [];
  const bad = (): never => { throw new RusleError('BAD_VALUE', `${where}: malformed ${g.type} coordinates`); };
  if (g.type === 'Polygon') {
    if (!Array.isArray(g.coordinates)) bad();
    return [g.coordinates as PolygonRings];
  }
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates)) bad();
    return g.coordinates as PolygonRings[];
  }
  if (g.type === 'GeometryCollection') {
    return ((g as unknown as { geometries: GeoJsonLike[] }).geometries ?? []).flatMap((x) => polygonsOf(x, where));
  }
  throw new RusleError('BAD_VALUE', `${where}: zones must be Polygon or MultiPolygon geometries, got ${g.type}`);
}

/** Features of a GeoJSON object as a list. @internal */
export function geoJsonFeatures(geojson: GeoJsonLike): GeoJsonLike[] {
  if (!geojson || typeof geojson !== 'object') throw new RusleError('BAD_VALUE', 'GeoJSON: expected an object');
  if (geojson.type === 'FeatureCollection') return geojson.features ?? [];
  if (geojson.type === 'Feature') return [geojson];
  if (geojson.type === 'Polygon' || geojson.type === 'MultiPolygon') return [{ type: 'Feature', geometry: geojson, properties: {} }];
  throw new RusleError('BAD_VALUE', `GeoJSON: expected a FeatureCollection, Feature, Polygon or MultiPolygon, got ${String(geojson.type)}`);
}

/** Reprojects a feature's polygons to the grid CRS. @internal */
export function projectPolygons(polys: PolygonRings[], toGrid: (xy: readonly number[]) => [number, number]): PolygonRings[] {
  return polys.map((rings) => rings.map((ring) => ring.map((p) => toGrid(p))));
}

/**
 * A zone layer from GeoJSON polygons rasterised onto `grid` (cell-centre rule by default).
 *
 * @param geojson - a FeatureCollection (or Feature / Polygon / MultiPolygon) in longitude/latitude.
 * @param grid - the assessment grid (north-up).
 * @param options - id and name properties, all-touched, source CRS, hierarchy.
 * @returns the layer; `warnings` lists zones that do not overlap the grid, overlapping features and
 *   self-intersecting rings (by feature id, polygon and ring).
 * @throws RusleError `NO_OVERLAP` when no zone overlaps the grid; `BAD_VALUE` for malformed GeoJSON or a collection
 *   without features; `BAD_GEOMETRY` for a self-intersecting ring with `strictGeometry`.
 *
 * @example
 * ```ts
 * const layer = zonesFromGeoJson(counties, grid, { zoneField: 'code', nameField: 'name', hierarchy: 'admin-codes' });
 * ```
 */
export function zonesFromGeoJson(geojson: GeoJsonLike, grid: Grid, options: ZonesFromGeoJsonOptions = {}): ZoneLayer {
  const feats = geoJsonFeatures(geojson);
  if (feats.length === 0) {
    throw new RusleError('BAD_VALUE', 'GeoJSON zones: the FeatureCollection has no features, so there is no zone to assess (check the file: an export that selected nothing?)', { features: 0 });
  }
  const toGrid = lonLatToGrid(grid.crs, options.sourceCrs);
  const geometryWarnings: string[] = [];
  const polys: PolygonRings[][] = [];
  const leaves: { id: ZoneId; name: string }[] = [];
  const seen = new Map<string, number>();
  const codeOfFeature: number[] = [];
  feats.forEach((f, i) => {
    const props = f.properties ?? {};
    let id: ZoneId;
    if (options.zoneField !== undefined) {
      const v = props[options.zoneField];
      if (typeof v !== 'number' && typeof v !== 'string') {
        throw new RusleError('BAD_VALUE', `GeoJSON feature ${i}: property '${options.zoneField}' (zoneField) is missing or not a number/string`);
      }
      id = v;
    } else {
      id = f.id ?? i + 1;
    }
    const nameRaw = options.nameField !== undefined ? props[options.nameField] : undefined;
    const name = nameRaw === undefined || nameRaw === null ? String(id) : String(nameRaw);
    const k = zoneKey(id);
    if (!seen.has(k)) {
      seen.set(k, leaves.length + 1);
      leaves.push({ id, name });
    }
    codeOfFeature.push(seen.get(k)!);
    const own = polygonsOf(f.geometry, `GeoJSON feature ${i}`);
    own.forEach((rings, pi) => rings.forEach((ring, ri) => {
      const c = Array.isArray(ring) ? ringSelfIntersection(ring) : null;
      if (!c) return;
      const which = `GeoJSON feature ${i} (id ${String(f.id ?? id)}), ${own.length > 1 ? `polygon ${pi}, ` : ''}ring ${ri} (${ri === 0 ? 'outer' : 'hole'})`;
      const msg = `${which} crosses itself near (${c.at[0]}, ${c.at[1]}) between edges ${c.edgeA} and ${c.edgeB}: a self-intersecting ("bowtie") ring has no well-defined inside; cells are assigned by the even-odd rule`;
      if (options.strictGeometry) throw new RusleError('BAD_GEOMETRY', msg, { feature: i, id: f.id ?? id, polygon: pi, ring: ri });
      geometryWarnings.push(msg);
    }));
    polys.push(projectPolygons(own, toGrid));
  });
  const burnt = rasterizePolygons(grid, polys, codeOfFeature, { allTouched: options.allTouched === true });
  const cellsPerCode = new Float64Array(leaves.length + 1);
  codeOfFeature.forEach((c, i) => { cellsPerCode[c] = cellsPerCode[c]! + burnt.cellsPerFeature[i]!; });
  const warnings: string[] = [...geometryWarnings];
  let overlapping = 0;
  leaves.forEach((l, j) => {
    if (cellsPerCode[j + 1] === 0) warnings.push(`zone ${l.id} (${l.name}) does not overlap the grid (no cell ${options.allTouched ? 'touched' : 'centre inside'})`);
    else overlapping++;
  });
  if (burnt.conflicts > 0) warnings.push(`${burnt.conflicts} cells are claimed by more than one feature; each was given to the first feature`);
  if (leaves.length > 0 && overlapping === 0) {
    throw new RusleError('NO_OVERLAP', `none of the ${leaves.length} GeoJSON zones overlaps the ${grid.width} × ${grid.height} grid (check that the coordinates are longitude/latitude, RFC 7946)`);
  }
  const { nodes, leafNode } = buildHierarchy(leaves, options.hierarchy, options.names);
  const leafOfCode = new Map<number, ZoneNode>();
  leaves.forEach((l, j) => leafOfCode.set(j + 1, leafNode.get(zoneKey(l.id))!));
  return { raster: new Raster(grid, burnt.data, 0), leafOfCode, nodes, zeroIsNone: true, warnings };
}

/**
 * Parses a zone code table (CSV text, UTF-8, optional BOM) with columns `code` (or `id`), `name`, and optional
 * `parent` and `level`: names for {@link ZonesFromRasterOptions.names} and, when a `parent` column is present, an
 * explicit hierarchy. Numeric codes become numbers.
 *
 * @throws RusleError `BAD_TABLE` when the `code`/`id` column is missing.
 * @example
 * ```ts
 * const { names, hierarchy } = parseZoneTable('code,name,parent\n360000,江西省,\n360700,赣州市,360000\n');
 * ```
 */
export function parseZoneTable(text: string): { names: Record<string, string>; hierarchy?: ZoneHierarchy } {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (l: string): string[] => {
    const out: string[] = [];
    let cur = '', q = false;
    for (let i = 0; i < l.length; i++) {
      const ch = l[i]!;
      if (q) { if (ch === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch; }
      else if (ch === '"') q = true; else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
    }
    out.push(cur);
    return out.map((s) => s.trim());
  };
  const head = split(lines[0] ?? '').map((h) => h.toLowerCase());
  const ci = head.findIndex((h) => h === 'code' || h === 'id');
  const ni = head.indexOf('name');
  const pi = head.indexOf('parent');
  const li = head.indexOf('level');
  if (ci < 0) throw new RusleError('BAD_TABLE', `zone table: no 'code' (or 'id') column in the header '${lines[0] ?? ''}'`);
  const asId = (s: string): ZoneId => (/^-?\d+$/.test(s) ? Number(s) : s);
  const names: Record<string, string> = {};
  const nodes: { id: ZoneId; name?: string; level?: string; parent?: ZoneId | null }[] = [];
  for (const l of lines.slice(1)) {
    const f = split(l);
    const code = f[ci] ?? '';
    if (code === '') continue;
    const name = ni >= 0 ? f[ni] ?? '' : '';
    if (name) names[String(asId(code))] = name;
    const parent = pi >= 0 && f[pi] ? asId(f[pi]!) : null;
    nodes.push({ id: asId(code), ...(name ? { name } : {}), ...(li >= 0 && f[li] ? { level: f[li]! } : {}), parent });
  }
  return pi >= 0 ? { names, hierarchy: { nodes } } : { names };
}
