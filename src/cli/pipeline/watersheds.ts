/**
 * The `sdr` and `watersheds` sections of `rusle run`: sediment delivery on the run's DEM and soil loss, watershed
 * units (or watersheds above outlets), their ranked table, polygons and maps. In-memory runs only.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { RusleError } from '../../raster/errors.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import type { BlockSource } from '../../model/blocks.js';
import { sedimentDelivery, type SedimentDeliveryResult } from '../../model/sdr.js';
import { watershedCodes, watershedUnits, watershedsFromOutlets, type WatershedUnit } from '../../terrain/watersheds.js';
import { watershedTable, watershedTableToCsv, watershedTableToJson, type WatershedTable } from '../../assess/watershed-table.js';
import { unitsToGeoJson } from '../../assess/watershed-geojson.js';
import { lonLatToGrid } from '../../assess/reproject.js';
import type { GeoJsonLike } from '../../assess/zones.js';
import { continuousMapPng, watershedMapPng } from '../../render/index.js';
import { outletPoints } from '../commands/watersheds.js';
import type { PipelineConfig } from './config.js';

/** A map of these sections: id, title, caption, PNG bytes, file name. */
export interface SectionMap { id: string; title: string; caption: string; png: Uint8Array; file: string }

/** What the sections produced. */
export interface WatershedSectionsResult {
  readonly maps: SectionMap[];
  readonly table?: WatershedTable;
  readonly summary: Record<string, number>;
}

/**
 * Runs the `sdr` and `watersheds` sections.
 * @param write - writes a file into the output folder (and lists it).
 */
export async function runWatershedSections(
  cfg: PipelineConfig, dem: Raster, A: Raster<FloatArray>, C: BlockSource, P: BlockSource,
  units: 't/ha/yr' | 't/km2/yr', tolerance: number, write: (name: string, data: Raster | string) => Promise<void>,
  notes: string[], maxMapSize: number,
): Promise<WatershedSectionsResult> {
  const maps: SectionMap[] = [];
  const summary: Record<string, number> = {};
  let sdr: SedimentDeliveryResult | undefined;
  const asFactor = (x: BlockSource, name: string): Raster | number => {
    if (typeof x === 'number' || x instanceof Raster) return x;
    throw new RusleError('BAD_CONFIG', `sdr: factor ${name} must be in memory (a raster or a constant)`);
  };
  if (cfg.sdr) {
    const s = cfg.sdr;
    sdr = sedimentDelivery(dem, {
      soilLoss: A, c: asFactor(C, cfg.model === 'csle' ? 'B' : 'C'),
      ...(s.weightWithP ? { p: asFactor(P, cfg.model === 'csle' ? 'E' : 'P') } : {}),
      ...(s.thresholdCells !== undefined ? { thresholdCells: s.thresholdCells } : {}),
      ...(s.sdrMax !== undefined ? { sdrMax: s.sdrMax } : {}),
      ...(s.ic0 !== undefined ? { ic0: s.ic0 } : {}),
      ...(s.k !== undefined ? { k: s.k } : {}),
    });
    await write('sdr.tif', sdr.sdr);
    await write('sediment-export.tif', sdr.export);
    await write('sediment-deposition.tif', sdr.deposition);
    const areas = dem.grid.rowCellAreasM2();
    const factor = units === 't/ha/yr' ? 100 : 1;
    let total = 0;
    for (let i = 0; i < sdr.export.data.length; i++) {
      const e = sdr.export.data[i]!;
      if (e === e) total += e * factor * areas[Math.floor(i / dem.width)]! / 1e6;
    }
    summary['sedimentExportTonnesPerYear'] = total;
    const png = continuousMapPng(sdr.export, { title: `Sediment export (${units})`, stretch: 'log', ramp: 'ylorrd', maxSize: maxMapSize });
    maps.push({ id: 'sediment-export', title: `Sediment export E = A · SDR (${units})`, caption: `InVEST SDR 3.14–3.20 equations on pygeoprocessing MFD, stream threshold ${s.thresholdCells ?? 1000} cells; log10 colour scale; stream cells and cells that drain to no stream are transparent.`, png: png.png, file: 'sediment-export.png' });
    notes.push(`sdr: sediment export ${total.toFixed(1)} t/yr reaches the streams (InVEST SDR equations; W = ${s.weightWithP ? 'C·P' : 'C'})`);
  }
  let table: WatershedTable | undefined;
  if (cfg.watersheds) {
    const w = cfg.watersheds;
    // delineate on the assessed area: the DEM where A has a value
    const z = new Float32Array(dem.width * dem.height);
    for (let i = 0; i < z.length; i++) z[i] = A.data[i] === A.data[i] && !dem.isNodataAt(i) ? (dem.data[i] as number) : NaN;
    const codes = watershedCodes(new Raster(dem.grid, z));
    let labels: Raster<Int32Array>;
    let list: WatershedUnit[];
    if (w.outlets !== undefined) {
      let gj: GeoJsonLike;
      try {
        gj = JSON.parse(await readFile(w.outlets, 'utf8')) as GeoJsonLike;
      } catch (e) {
        throw new RusleError('BAD_CONFIG', `watersheds.outlets: ${w.outlets} is not valid JSON: ${(e as Error).message}`);
      }
      const { points, names } = outletPoints(gj, lonLatToGrid(dem.grid.crs), w.outlets);
      const res = watershedsFromOutlets(codes, points, { names, ...(w.snapRadiusM !== undefined ? { snapRadiusM: w.snapRadiusM } : {}) });
      labels = res.labels;
      const areas = dem.grid.rowCellAreasM2();
      const area = new Float64Array(points.length + 1);
      for (let i = 0; i < labels.data.length; i++) if (labels.data[i]) area[labels.data[i]!] += areas[Math.floor(i / dem.width)]! / 1e6;
      list = res.outlets.map((o) => ({ id: o.id, outletCol: o.col, outletRow: o.row, outletX: o.x, outletY: o.y, areaKm2: area[o.id]!, cells: 0, upstreamAreaKm2: o.upstreamAreaKm2, downstreamId: 0, small: false, edge: false }));
      for (const o of res.outlets) notes.push(`watersheds: outlet ${names[o.id - 1]} snapped ${o.distanceM.toFixed(1)} m to column ${o.col}, row ${o.row}`);
    } else {
      const res = watershedUnits(codes, { ...(w.minAreaKm2 !== undefined ? { minAreaKm2: w.minAreaKm2 } : {}), ...(w.maxAreaKm2 !== undefined ? { maxAreaKm2: w.maxAreaKm2 } : {}) });
      labels = res.labels;
      list = res.units;
    }
    table = watershedTable(labels, {
      soilLoss: A, units, tolerance, unitInfo: list, rankBy: w.rankBy,
      ...(w.targetRate !== undefined ? { targetRate: w.targetRate } : {}),
      ...(sdr ? { sedimentExport: sdr.export, sdr: sdr.sdr } : {}),
    });
    notes.push(...table.warnings.map((x) => `watersheds: ${x}`));
    await write('watersheds.tif', labels);
    await write('watersheds.csv', watershedTableToCsv(table));
    await write('watersheds.json', watershedTableToJson(table));
    const rank = new Map(table.rows.map((r) => [r.id, r.rank]));
    const score = new Map(table.rows.map((r) => [r.id, r.score]));
    await write('watersheds.geojson', JSON.stringify(unitsToGeoJson(labels, list, (id) => ({ rank: rank.get(id) || null, score: score.get(id) ?? null }))) + '\n');
    summary['watershedUnits'] = list.length;
    const png = watershedMapPng(labels, { title: `Units by priority`, valueOf: (id) => score.get(id) ?? NaN, rankOf: (id) => rank.get(id) ?? 0, maxSize: maxMapSize });
    maps.push({ id: 'watersheds', title: 'Watershed units and treatment priority', caption: `Units filled by their priority score (${table.rankBy}; our rule, see docs/watersheds.md), outlines in grey, ranks written on the units (top 30).`, png, file: 'watersheds.png' });
  }
  return { maps, ...(table ? { table } : {}), summary };
}
