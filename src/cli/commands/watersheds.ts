/**
 * `rusle watersheds`: watersheds above outlets, or the whole grid cut into units of a target size; label raster,
 * lon/lat polygons and the per-watershed table with its priority ranking.
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import type { Command } from '../command.js';
import { requireValidCells } from '../checks.js';
import { choiceFlag, numberFlag, stringFlag } from '../flags.js';
import { toleranceFlag, unitsFlag } from './grade.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { RusleError } from '../../raster/errors.js';
import type { Raster } from '../../raster/raster.js';
import { lonLatToGrid } from '../../assess/reproject.js';
import { geoJsonFeatures, type GeoJsonLike } from '../../assess/zones.js';
import { unitsToGeoJson } from '../../assess/watershed-geojson.js';
import { watershedTable, watershedTableToCsv, watershedTableToJson, type WatershedRankKey } from '../../assess/watershed-table.js';
import {
  watershedCodes, watershedUnits, watershedsFromOutlets, WATERSHED_UNITS_DEFAULTS, type WatershedUnit,
} from '../../terrain/watersheds.js';

/** Outlet points of a GeoJSON file (Point or MultiPoint features, lon/lat), with their names. */
export function outletPoints(geojson: GeoJsonLike, toGrid: (xy: readonly number[]) => [number, number], file: string): { points: [number, number][]; names: string[] } {
  const points: [number, number][] = [];
  const names: string[] = [];
  const feats = geoJsonFeatures(geojson);
  feats.forEach((f, k) => {
    const g = f.geometry ?? (f.type === 'Point' ? f : null);
    const base = f.properties?.['name'] ?? f.properties?.['id'] ?? f.id ?? `#${k + 1}`;
    if (!g || (g.type !== 'Point' && g.type !== 'MultiPoint')) throw new RusleError('BAD_VALUE', `${file}: feature ${String(base)} is not a Point`);
    const list = g.type === 'Point' ? [g.coordinates] : (g.coordinates as unknown[]);
    list.forEach((c, j) => {
      if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') throw new RusleError('BAD_VALUE', `${file}: feature ${String(base)} has no [lon, lat] coordinates`);
      points.push(toGrid(c as number[]));
      names.push(list.length > 1 ? `${String(base)}.${j + 1}` : String(base));
    });
  });
  if (points.length === 0) throw new RusleError('BAD_VALUE', `${file}: no outlet points`);
  return { points, names };
}

export const watershedsCommand: Command = {
  name: 'watersheds',
  summary: 'watersheds above outlets or units of a target size (10–50 km²): labels, lon/lat polygons, ranked table',
  help: `Usage: rusle watersheds <dem.tif> -o units.tif [--outlets points.geojson] [--min-area KM2 --max-area KM2]
       [--geojson units.geojson] [--table units.csv --soil-loss A.tif --units t/ha/yr]

Fills the DEM, resolves flats, routes by D8. Without --outlets the whole grid is cut into units between --min-area
and --max-area km² at stream confluences: every valid cell lies in exactly one unit, each unit knows the unit it
drains into, and units under the minimum (often cut off by the grid edge) are flagged. With --outlets (GeoJSON
points in lon/lat), each point is snapped to the cell of largest upslope area within --snap-radius metres; the
snapped positions and distances are printed. Output: Int32 GeoTIFF of unit ids (0 outside).

Flags:
  -o, --output FILE        label GeoTIFF (required)
  --outlets FILE           outlet points, GeoJSON lon/lat (Point features; name or id property names them)
  --snap-radius M          snapping radius, metres (default 150)
  --min-area KM2           smallest unit, km² (default ${WATERSHED_UNITS_DEFAULTS.minAreaKm2})
  --max-area KM2           largest unit, km² (default ${WATERSHED_UNITS_DEFAULTS.maxAreaKm2})
  --geojson FILE           units as polygons in lon/lat (id, area, outlet, downstream id, rank with --table)
  --table FILE             per-unit table, .csv or .json (needs --soil-loss and --units)
  --soil-loss FILE         soil loss A on the DEM's grid
  --units U                units of A: t/ha/yr or t/km2/yr
  --tolerance T | --region R  tolerable loss, t/km2/yr or a region preset (default red-soil, 500)
  --export FILE            sediment export (from rusle sdr, unit of A): export columns and routing
  --sdr FILE               SDR raster (from rusle sdr): mean SDR column
  --rank-by KEY            loss-share (default: class-weighted soil-loss area share, weights 1–5 light…severe;
                           our rule, not a standard) | export | export-modulus | rate-gap
  --target-rate PCT        target conservation rate for --rank-by rate-gap

Example:
  rusle watersheds dem.tif -o units.tif --min-area 10 --max-area 50 --geojson units.geojson \\
    --table units.csv --soil-loss A.tif --units t/ha/yr --region red-soil`,
  options: {
    output: { type: 'string', short: 'o' },
    outlets: { type: 'string' },
    'snap-radius': { type: 'string' },
    'min-area': { type: 'string' },
    'max-area': { type: 'string' },
    geojson: { type: 'string' },
    table: { type: 'string' },
    'soil-loss': { type: 'string' },
    units: { type: 'string' },
    tolerance: { type: 'string' },
    region: { type: 'string' },
    export: { type: 'string' },
    sdr: { type: 'string' },
    'rank-by': { type: 'string' },
    'target-rate': { type: 'string' },
  },
  async run(args, ctx) {
    const v = args.values;
    const input = args.positionals[0];
    const output = stringFlag(v, 'output');
    if (!input || output === undefined) throw new RusleError('BAD_ARGUMENT', 'usage: rusle watersheds <dem.tif> -o units.tif [--outlets points.geojson] [--min-area KM2 --max-area KM2]');
    const tablePath = stringFlag(v, 'table');
    const aPath = stringFlag(v, 'soil-loss');
    if (tablePath !== undefined && aPath === undefined) throw new RusleError('BAD_ARGUMENT', '--table needs --soil-loss A.tif and --units');
    const units = tablePath !== undefined ? unitsFlag(v) : undefined;
    const rankBy = choiceFlag(v, 'rank-by', ['loss-share', 'export', 'export-modulus', 'rate-gap'] as const, 'loss-share') as WatershedRankKey;
    const targetRate = numberFlag(v, 'target-rate', { min: 0, max: 100, unit: 'percent' });
    const dem = await readRaster(resolve(ctx.cwd, input));
    requireValidCells(dem, input);
    const codes = watershedCodes(dem);
    const outletsPath = stringFlag(v, 'outlets');
    let labels: Raster<Int32Array>;
    let unitList: WatershedUnit[];
    let json: Record<string, unknown>;
    if (outletsPath !== undefined) {
      let gj: GeoJsonLike;
      try {
        gj = JSON.parse(readFileSync(resolve(ctx.cwd, outletsPath), 'utf8')) as GeoJsonLike;
      } catch (e) {
        throw new RusleError('BAD_ARGUMENT', `--outlets: cannot read ${outletsPath} as GeoJSON: ${(e as Error).message}`);
      }
      const { points, names } = outletPoints(gj, lonLatToGrid(dem.grid.crs), outletsPath);
      const snapRadiusM = numberFlag(v, 'snap-radius', { min: 0, unit: 'metres' });
      const res = watershedsFromOutlets(codes, points, { names, ...(snapRadiusM !== undefined ? { snapRadiusM } : {}) });
      labels = res.labels;
      const area = new Float64Array(points.length + 1);
      const areas = dem.grid.rowCellAreasM2();
      for (let i = 0; i < labels.data.length; i++) if (labels.data[i]) area[labels.data[i]!] += areas[Math.floor(i / dem.width)]! / 1e6;
      unitList = res.outlets.map((o) => {
        // the outlet's receiver decides the downstream watershed (nested outlets)
        const i = o.row * dem.width + o.col;
        return { id: o.id, outletCol: o.col, outletRow: o.row, outletX: o.x, outletY: o.y, areaKm2: area[o.id]!, cells: 0, upstreamAreaKm2: o.upstreamAreaKm2, downstreamId: downstreamOf(codes, labels, i), small: false, edge: false };
      });
      for (const o of res.outlets) ctx.out(`outlet ${names[o.id - 1]}: snapped ${o.distanceM.toFixed(1)} m to column ${o.col}, row ${o.row} (upslope ${o.upstreamAreaKm2.toFixed(3)} km²)`);
      json = { outlets: res.outlets.map((o) => ({ ...o, name: names[o.id - 1] })) };
    } else {
      const minAreaKm2 = numberFlag(v, 'min-area', { above: 0, unit: 'km²' });
      const maxAreaKm2 = numberFlag(v, 'max-area', { above: 0, unit: 'km²' });
      const res = watershedUnits(codes, { ...(minAreaKm2 !== undefined ? { minAreaKm2 } : {}), ...(maxAreaKm2 !== undefined ? { maxAreaKm2 } : {}) });
      labels = res.labels;
      unitList = res.units;
      const small = unitList.filter((u) => u.small);
      ctx.out(`${unitList.length} units, ${small.length} below the minimum area (${small.filter((u) => u.edge).length} of them at the grid edge or beside nodata)`);
      json = { units: unitList.length, small: small.map((u) => ({ id: u.id, areaKm2: u.areaKm2, edge: u.edge })) };
    }
    await writeRaster(resolve(ctx.cwd, output), labels);
    let ranks: Map<number, number> | null = null;
    if (tablePath !== undefined) {
      const soilLoss = await readRaster(resolve(ctx.cwd, aPath!));
      const ePath = stringFlag(v, 'export');
      const sPath = stringFlag(v, 'sdr');
      const table = watershedTable(labels, {
        soilLoss, units: units!, tolerance: v['tolerance'] === undefined && v['region'] === undefined ? 'red-soil' : toleranceFlag(v),
        ...(ePath !== undefined ? { sedimentExport: await readRaster(resolve(ctx.cwd, ePath)) } : {}),
        ...(sPath !== undefined ? { sdr: await readRaster(resolve(ctx.cwd, sPath)) } : {}),
        unitInfo: unitList, rankBy, ...(targetRate !== undefined ? { targetRate } : {}),
      });
      const ext = extname(tablePath).toLowerCase();
      if (ext !== '.csv' && ext !== '.json') throw new RusleError('BAD_ARGUMENT', `--table must end in .csv or .json, got ${tablePath}`);
      await writeFileAtomic(resolve(ctx.cwd, tablePath), ext === '.json' ? watershedTableToJson(table) : watershedTableToCsv(table));
      ranks = new Map(table.rows.map((r) => [r.id, r.rank]));
      for (const w of table.warnings) ctx.err(`warning: ${w}`);
      json['table'] = tablePath;
      json['top'] = table.rows.filter((r) => r.rank > 0).sort((a, b) => a.rank - b.rank).slice(0, 5).map((r) => ({ id: r.id, rank: r.rank, score: r.score }));
    }
    const geojson = stringFlag(v, 'geojson');
    if (geojson !== undefined) {
      const fc = unitsToGeoJson(labels, unitList, ranks ? (id) => ({ rank: ranks!.get(id) ?? null }) : undefined);
      await writeFileAtomic(resolve(ctx.cwd, geojson), JSON.stringify(fc) + '\n');
    }
    ctx.out(`labels → ${output}${geojson ? `, polygons → ${geojson}` : ''}${tablePath ? `, table → ${tablePath}` : ''}`);
    return { json: { output, geojson: geojson ?? null, ...json } };
  },
};

/** The label of the cell an outlet drains into (0 when it leaves the grid or the labelled area). */
function downstreamOf(codes: Raster<Uint8Array>, labels: Raster<Int32Array>, i: number): number {
  const code = codes.data[i]!;
  const k = [1, 2, 4, 8, 16, 32, 64, 128].indexOf(code);
  if (k < 0) return 0;
  const dc = [1, 1, 0, -1, -1, -1, 0, 1][k]!;
  const dr = [0, 1, 1, 1, 0, -1, -1, -1][k]!;
  const w = codes.width;
  const r = Math.floor(i / w) + dr;
  const c = (i % w) + dc;
  if (r < 0 || r >= codes.height || c < 0 || c >= w) return 0;
  return labels.data[r * w + c]!;
}
