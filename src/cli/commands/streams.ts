/**
 * `rusle streams`: a stream network from a flow-accumulation threshold, with Strahler order, as a raster and as
 * lon/lat GeoJSON lines.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireValidCells } from '../checks.js';
import { choiceFlag, numberFlag, stringFlag } from '../flags.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { RusleError } from '../../raster/errors.js';
import { streamNetwork, watershedCodes, type StreamThreshold } from '../../terrain/watersheds.js';
import { streamsToGeoJson } from '../../assess/watershed-geojson.js';

/** The stream threshold of `--threshold-km2` / `--threshold-cells` (default 1 km²). */
export function thresholdFlags(v: Record<string, unknown>): StreamThreshold {
  const km2 = numberFlag(v as never, 'threshold-km2', { above: 0, unit: 'km²' });
  const cells = numberFlag(v as never, 'threshold-cells', { above: 0, unit: 'cells' });
  if (km2 !== undefined && cells !== undefined) throw new RusleError('BAD_ARGUMENT', 'give --threshold-km2 or --threshold-cells, not both');
  return cells !== undefined ? { cells } : { km2: km2 ?? 1 };
}

export const streamsCommand: Command = {
  name: 'streams',
  summary: 'stream network from a flow-accumulation threshold: Strahler order raster and lon/lat GeoJSON lines',
  help: `Usage: rusle streams <dem.tif> -o streams.tif [--threshold-km2 X | --threshold-cells N] [--geojson streams.geojson]

Fills the DEM (Priority-Flood), resolves flats, routes by D8 and marks as stream every cell whose upslope area
(the cell included, true areas) reaches the threshold. Output: a Byte GeoTIFF of Strahler order (0 no stream,
255 nodata) on the DEM's grid; with --geojson, one LineString per segment (between heads, confluences and outlets)
in WGS 84 longitude/latitude with its order, upstream area (km²) and downstream segment id.

Flags:
  -o, --output FILE        Strahler order GeoTIFF (required)
  --threshold-km2 X        upslope area of a stream cell, km² (default 1)
  --threshold-cells N      the same in cells (instead of --threshold-km2)
  --geojson FILE           stream segments as GeoJSON lines (lon/lat)
  --boundary inward|outlet edge cells drain inward (default) or are outlets (as GRASS r.watershed)

A threshold that gives no stream is refused with the largest accumulation found.

Example:
  rusle streams data/youwuzhen/ywzdem30m.tif -o streams.tif --threshold-km2 0.5 --geojson streams.geojson`,
  options: {
    output: { type: 'string', short: 'o' },
    'threshold-km2': { type: 'string' },
    'threshold-cells': { type: 'string' },
    geojson: { type: 'string' },
    boundary: { type: 'string' },
  },
  async run(args, ctx) {
    const v = args.values;
    const input = args.positionals[0];
    const output = stringFlag(v, 'output');
    if (!input || output === undefined) throw new RusleError('BAD_ARGUMENT', 'usage: rusle streams <dem.tif> -o streams.tif [--threshold-km2 X] [--geojson streams.geojson]');
    const threshold = thresholdFlags(v);
    const boundary = choiceFlag(v, 'boundary', ['inward', 'outlet'] as const, 'inward');
    const dem = await readRaster(resolve(ctx.cwd, input));
    requireValidCells(dem, input);
    const net = streamNetwork(watershedCodes(dem, { boundary }), threshold);
    await writeRaster(resolve(ctx.cwd, output), net.order);
    const geojson = stringFlag(v, 'geojson');
    if (geojson !== undefined) await writeFileAtomic(resolve(ctx.cwd, geojson), JSON.stringify(streamsToGeoJson(net, dem.grid)) + '\n');
    const maxOrder = net.segments.reduce((m, s) => Math.max(m, s.order), 0);
    ctx.out(`${net.segments.length} stream segments, highest Strahler order ${maxOrder} → ${output}${geojson ? `, ${geojson}` : ''}`);
    return { json: { output, geojson: geojson ?? null, segments: net.segments.length, maxOrder, threshold } };
  },
};
