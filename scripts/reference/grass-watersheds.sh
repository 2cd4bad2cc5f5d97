#!/bin/bash
# Delineation against GRASS GIS on the same DEM: for outlets in the middle of our 12 largest stream segments (away
# from confluences, where snapping would pick the other branch), the basin above each outlet from `watershedsFromOutlets` and from GRASS `r.water.outlet` on `r.watershed -s`
# (single flow direction) drainage, one outlet at a time, each tool snapping the point to its own largest
# accumulation within SNAP metres (default 90: three cells at 30 m); and the whole-grid labelling of
# `r.watershed basin=` against our basins above the same stream threshold. Prints, per DEM, the share of cells in
# the same basin (cells in both / cells in either, per outlet, and pooled).
# Needs: node with the built library (npm run build), GRASS GIS 8 (`grass`), GDAL.
# Usage: bash scripts/reference/grass-watersheds.sh [dem.tif min_km2 max_km2 ...]   (default: Youwuzhen and Willamette;
# min and max are kept for the argument layout)
set -euo pipefail
SNAP=${SNAP:-90}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ $# -eq 0 ]; then set -- "$ROOT/data/youwuzhen/ywzdem30m.tif" 0.5 2 "$ROOT/data/willamette/dem_30m.tif" 10 50; fi
while [ $# -ge 3 ]; do
  DEM=$1; MIN=$2; MAX=$3; shift 3
  name=$(basename "$DEM" .tif)
  # our units and their outlets (x y in the grid CRS), the 12 largest upstream areas
  node --input-type=module - "$DEM" "$MIN" "$MAX" "$TMP/$name" <<'JS'
import { readRaster, streamNetwork, watershedCodes, writeRaster } from './dist/index.js';
import { writeFileSync } from 'node:fs';
const [dem, min, max, out] = process.argv.slice(2);
const r = await readRaster(dem);
for (const boundary of ['inward', 'outlet']) {
  const codes = watershedCodes(r, { boundary });
  await writeRaster(`${out}_codes_${boundary}.tif`, codes);
  if (boundary === 'outlet') {
    // outlets away from confluences (where snapping would jump to the other branch): the middle cell of the 12
    // stream segments (threshold 1000 cells) of at least 20 cells with the largest upstream areas
    const net = streamNetwork(codes, { cells: 1000 });
    const top = net.segments.filter((s) => s.cells.length >= 20).sort((a, b) => b.upstreamAreaKm2 - a.upstreamAreaKm2).slice(0, 12);
    const w = codes.width;
    writeFileSync(`${out}_outlets.txt`, top.map((s) => { const i = s.cells[s.cells.length >> 1]; const [x, y] = codes.grid.pixelToCrs((i % w) + 0.5, Math.floor(i / w) + 0.5); return `${x} ${y} ${s.upstreamAreaKm2}`; }).join('\n') + '\n');
  }
}
JS
  grass -c "$DEM" -e "$TMP/loc_$name" >/dev/null 2>&1
  grass "$TMP/loc_$name/PERMANENT" --exec bash -c "
    r.in.gdal input='$DEM' output=dem -o --q --o
    g.region raster=dem --q
    r.watershed -s elevation=dem drainage=dir accumulation=acc threshold=1000 basin=basin --q --o
    r.out.gdal input=basin output='$TMP/${name}_grass_basin.tif' format=GTiff type=Int32 -c -f --q
    r.mapcalc 'absacc = abs(acc)' --q --o
    r.out.gdal input=absacc output='$TMP/${name}_grass_acc.tif' format=GTiff type=Float64 -c -f --q
  " >/dev/null 2>&1
  # each tool snaps the outlet to its own largest accumulation within SNAP metres (as a user does before delineating)
  node --input-type=module - "$TMP/$name" "$SNAP" <<'JS'
import { readRaster } from './dist/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
const [base, snap] = process.argv.slice(2);
const acc = await readRaster(`${base}_grass_acc.tif`);
const g = acc.grid, w = g.width, h = g.height, cs = g.cellSizeMeters(0).dx, rad = Math.ceil(Number(snap) / cs);
const lines = readFileSync(`${base}_outlets.txt`, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
const out = lines.map(([x, y]) => {
  const [fc, fr] = g.crsToPixel(x, y); const c0 = Math.floor(fc), r0 = Math.floor(fr);
  let best = -1, bi = -1;
  for (let r = Math.max(0, r0 - rad); r <= Math.min(h - 1, r0 + rad); r++) for (let c = Math.max(0, c0 - rad); c <= Math.min(w - 1, c0 + rad); c++) {
    if (Math.hypot(c - c0, r - r0) * cs > Number(snap)) continue;
    const v = acc.data[r * w + c]; if (v === v && v > best) { best = v; bi = r * w + c; }
  }
  const [sx, sy] = g.pixelToCrs((bi % w) + 0.5, Math.floor(bi / w) + 0.5);
  return `${sx} ${sy}`;
});
writeFileSync(`${base}_outlets_grass.txt`, out.join('\n') + '\n');
JS
  grass "$TMP/loc_$name/PERMANENT" --exec bash -c "
    k=0
    while read -r x y; do
      k=\$((k+1))
      r.water.outlet input=dir output=b\$k coordinates=\$x,\$y --q --o
      r.out.gdal input=b\$k output='$TMP/${name}_grass_outlet_'\$k'.tif' format=GTiff type=Byte -c -f --q
    done < '$TMP/${name}_outlets_grass.txt'
  " >/dev/null 2>&1
  node --input-type=module - "$DEM" "$TMP/$name" "$SNAP" <<'JS'
import { readRaster, watershedsFromOutlets, streamNetwork, d8Receivers, d8TopologicalOrder } from './dist/index.js';
import { readFileSync, existsSync } from 'node:fs';
const [dem, base, snap] = process.argv.slice(2);
const outlets = readFileSync(`${base}_outlets.txt`, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
const result = { dem, outlets: outlets.length };
for (const boundary of ['inward', 'outlet']) {
  const codes = await readRaster(`${base}_codes_${boundary}.tif`);
  let both = 0, either = 0;
  const per = [];
  for (let k = 0; k < outlets.length; k++) {
    const f = `${base}_grass_outlet_${k + 1}.tif`;
    if (!existsSync(f)) continue;
    const g = (await readRaster(f)).data;
    const ours = watershedsFromOutlets(codes, [[outlets[k][0], outlets[k][1]]], { snapRadiusM: Number(snap) }).labels.data;
    let b = 0, e = 0;
    for (let i = 0; i < ours.length; i++) {
      const a1 = ours[i] === 1, a2 = g[i] === 1;
      if (a1 && a2) b++;
      if (a1 || a2) e++;
    }
    both += b; either += e;
    per.push(+(b / e).toFixed(4));
  }
  result[`rWaterOutlet_${boundary}`] = { pooled: +(both / either).toFixed(4), perOutlet: per, min: Math.min(...per) };
  // r.watershed basin= (threshold 1000 cells): for each GRASS basin, the share of its cells that fall in the
  // basin of ours above the same stream segment — ours: cells labelled by the downstream-most cell of their segment
  const gb = (await readRaster(`${base}_grass_basin.tif`)).data;
  const net = streamNetwork(codes, { cells: 1000 });
  const rec = d8Receivers(codes);
  const order = d8TopologicalOrder(codes, rec);
  const seg = new Int32Array(rec.length);
  for (const s of net.segments) for (const c of s.cells) seg[c] = s.id;
  for (let t = order.length - 1; t >= 0; t--) { const i = order[t]; if (seg[i] === 0 && rec[i] >= 0) seg[i] = seg[rec[i]]; }
  // best match per GRASS basin (majority of our segment labels inside it)
  const counts = new Map();
  let valid = 0;
  for (let i = 0; i < gb.length; i++) {
    if (!(gb[i] > 0) || seg[i] === 0) continue;
    valid++;
    const key = gb[i] * 1e6 + seg[i];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const best = new Map();
  for (const [key, n] of counts) { const g = Math.floor(key / 1e6); if (n > (best.get(g) ?? 0)) best.set(g, n); }
  let agree = 0;
  for (const n of best.values()) agree += n;
  result[`rWatershedBasin_${boundary}`] = { shareInMatchedBasin: +(agree / valid).toFixed(4), grassBasins: best.size, ourSegments: net.segments.length };
}
console.log(JSON.stringify(result));
JS
done
