/**
 * Streams and watershed units as GeoJSON in WGS 84 longitude/latitude (RFC 7946): stream segments as LineStrings
 * with their Strahler order and upstream area, units as (Multi)Polygons traced on cell edges with holes kept
 * (`polygonizeToLonLat`), with id, true area, outlet position and downstream id. Coordinates are reprojected from the
 * grid CRS with proj4 (`gridToLonLat`).
 * @module
 */

import type { Raster } from '../raster/raster.js';
import type { PolygonFeatureCollection } from '../raster/polygonize.js';
import type { StreamNetwork, WatershedUnit } from '../terrain/watersheds.js';
import { gridToLonLat, polygonizeToLonLat } from './reproject.js';

/** A GeoJSON FeatureCollection of stream segments. */
export interface StreamFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: number;
    properties: { id: number; order: number; upstreamAreaKm2: number; downstreamId: number; cells: number };
    geometry: { type: 'LineString'; coordinates: [number, number][] };
  }[];
}

const round = (v: number, d: number): number => Number(v.toFixed(d));

/**
 * Stream segments as lon/lat LineStrings. A one-cell segment that joins nothing gets its cell centre twice (a valid
 * LineString needs two positions).
 * @example
 * ```ts
 * writeFileSync('streams.geojson', JSON.stringify(streamsToGeoJson(streamNetwork(codes, { km2: 1 }), dem.grid)));
 * ```
 */
export function streamsToGeoJson(network: StreamNetwork, grid: Raster['grid'], decimals = 7): StreamFeatureCollection {
  const tf = gridToLonLat(grid.crs);
  return {
    type: 'FeatureCollection',
    features: network.segments.map((s) => {
      const coords = s.coordinates.map((xy) => { const p = tf(xy); return [round(p[0], decimals), round(p[1], decimals)] as [number, number]; });
      if (coords.length === 1) coords.push([coords[0]![0], coords[0]![1]]);
      return {
        type: 'Feature' as const,
        id: s.id,
        properties: { id: s.id, order: s.order, upstreamAreaKm2: s.upstreamAreaKm2, downstreamId: s.downstreamId, cells: s.cells.length },
        geometry: { type: 'LineString' as const, coordinates: coords },
      };
    }),
  };
}

/**
 * Watershed units as lon/lat polygons with `id`, `areaKm2` (true area), `outletLon`, `outletLat`, `downstreamId`,
 * `small`, `edge`, and any extra properties per id (for example a rank).
 * @example
 * ```ts
 * const { labels, units } = watershedUnits(codes);
 * writeFileSync('units.geojson', JSON.stringify(unitsToGeoJson(labels, units)));
 * ```
 */
export function unitsToGeoJson(labels: Raster, units: readonly WatershedUnit[], extra?: (id: number) => Record<string, unknown>): PolygonFeatureCollection {
  const tf = gridToLonLat(labels.grid.crs);
  const byId = new Map(units.map((u) => [u.id, u]));
  return polygonizeToLonLat(labels, {
    properties: (id) => {
      const u = byId.get(id);
      if (!u) return { id, ...(extra ? extra(id) : {}) };
      const [lon, lat] = tf([u.outletX, u.outletY]);
      return {
        id, areaKm2: u.areaKm2, upstreamAreaKm2: u.upstreamAreaKm2, outletLon: round(lon, 7), outletLat: round(lat, 7),
        downstreamId: u.downstreamId, small: u.small, edge: u.edge, ...(extra ? extra(id) : {}),
      };
    },
  });
}
