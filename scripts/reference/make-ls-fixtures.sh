#!/usr/bin/env bash
# Reference outputs for the LS tests (test/ls/reference.test.ts). Run from the repository root after `npm run build`:
#   bash scripts/reference/make-ls-fixtures.sh
# Needs: node (the built library in dist/), saga_cmd (SAGA GIS 8.x, Debian package `saga`), GRASS GIS 8 (`grass`),
# gdal-bin and python3-gdal/numpy (Debian's /usr/bin/python3).
#
# 1. Formula level vs SAGA: our own slope (radians, Horn) and MFD upslope area (m², the cell included) of the Youwuzhen DEM
#    are written as GeoTIFFs; SAGA `ta_hydrology 22` computes LS from exactly those files with `-CONV 1` (area / cell
#    size), `-METHOD 1` (Desmet & Govers 1996) and `-METHOD 0` (Moore et al. 1991). Tolerance in the test: 1e-4 relative.
# 2. Pipeline level vs GRASS: `r.watershed -s length_slope` on the same DEM (filled by GRASS itself, SFD). Compared
#    in the test by median and p99 relative difference, with the explanation in docs/ls-methods.md.
set -euo pipefail
OUT=test/fixtures/ls
DEM=data/youwuzhen/ywzdem30m.tif
PY=/usr/bin/python3
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- our slope and area -------------------------------------------------------------------------------------------
node --input-type=module -e "
import { readRaster, writeRaster, lsFactor } from './dist/index.js';
const dem = await readRaster('$DEM');
const r = lsFactor(dem, { preset: 'saga-desmet-govers', intermediates: true });
await writeRaster('$OUT/slope_rad.tif', r.slopeRad);
await writeRaster('$OUT/area_m2.tif', r.upslopeAreaM2);
"

# --- SAGA ta_hydrology 22 on our inputs -------------------------------------------------------------------------------
saga_cmd ta_hydrology 22 -SLOPE "$OUT/slope_rad.tif" -AREA "$OUT/area_m2.tif" -LS "$TMP/ls_dg.sdat" -CONV 1 -METHOD 1 -EROSIVITY 1 -STABILITY 0 >/dev/null
saga_cmd ta_hydrology 22 -SLOPE "$OUT/slope_rad.tif" -AREA "$OUT/area_m2.tif" -LS "$TMP/ls_moore.sdat" -CONV 1 -METHOD 0 >/dev/null
gdal_translate -q -of GTiff -co COMPRESS=DEFLATE -co PREDICTOR=3 "$TMP/ls_dg.sdat" "$OUT/saga_ls_desmet_govers_conv1.tif"
gdal_translate -q -of GTiff -co COMPRESS=DEFLATE -co PREDICTOR=3 "$TMP/ls_moore.sdat" "$OUT/saga_ls_moore1991_conv1.tif"

# --- GRASS r.watershed length_slope ---------------------------------------------------------------------------------
grass -c "$DEM" -e "$TMP/loc" >/dev/null 2>&1
grass "$TMP/loc/PERMANENT" --exec sh -c "
  r.in.gdal -o input='$DEM' output=dem --q &&
  g.region raster=dem &&
  r.watershed -s elevation=dem threshold=1000000 length_slope=ls --q &&
  r.out.gdal input=ls output='$TMP/grass_ls.tif' format=GTiff type=Float32 createopt=COMPRESS=DEFLATE,PREDICTOR=3 -c -f --q
" >/dev/null 2>&1
cp "$TMP/grass_ls.tif" "$OUT/grass_rwatershed_length_slope.tif"

# --- InVEST SDR LS formula (scripts/reference/invest-ls.py) on inputs made by other tools -----------------------------
# InVEST expects a filled DEM; its D-infinity flow accumulation (pixels, the cell included) is taken from SAGA
# (ta_hydrology 0 -METHOD 3), the slope in percent from gdaldem (Horn), the flow angle from gdaldem aspect (Horn;
# InVEST used the D-infinity facet angle, x = |sin a| + |cos a| only depends on it modulo 90 degrees).
saga_cmd ta_preprocessor 4 -ELEV "$DEM" -FILLED "$TMP/filled.sdat" -MINSLOPE 0.01 >/dev/null
gdal_translate -q "$TMP/filled.sdat" "$TMP/filled.tif"
gdaldem slope -q -p -compute_edges "$TMP/filled.tif" "$TMP/slope_pct.tif"
gdaldem aspect -q -zero_for_flat -compute_edges "$TMP/filled.tif" "$TMP/aspect_deg.tif"
gdal_calc.py --quiet -A "$TMP/aspect_deg.tif" --outfile="$TMP/aspect_rad.tif" --calc="A*3.141592653589793/180" --type=Float64 --NoDataValue=-9999
saga_cmd ta_hydrology 0 -ELEVATION "$TMP/filled.sdat" -FLOW "$TMP/acc.sdat" -METHOD 3 -FLOW_UNIT 0 >/dev/null
gdal_translate -q "$TMP/acc.sdat" "$TMP/acc.tif"
$PY scripts/reference/invest-ls.py "$TMP/slope_pct.tif" "$TMP/acc.tif" "$TMP/aspect_rad.tif" "$OUT/invest_formula_ls.tif"
# the inputs too, for the formula-level check of the invest preset (lsFromSlopeAndArea on the same files)
gdal_translate -q -co COMPRESS=DEFLATE -co PREDICTOR=3 "$TMP/slope_pct.tif" "$OUT/invest_in_slope_pct.tif"
gdal_translate -q -ot Float32 -co COMPRESS=DEFLATE -co PREDICTOR=3 "$TMP/acc.tif" "$OUT/invest_in_dinf_cells.tif"
gdal_translate -q -ot Float32 -co COMPRESS=DEFLATE -co PREDICTOR=3 "$TMP/aspect_rad.tif" "$OUT/invest_in_aspect_rad.tif"

saga_cmd --version 2>/dev/null | head -1 > "$OUT/VERSIONS.txt"
grass --version 2>&1 | grep -m1 "GRASS GIS" >> "$OUT/VERSIONS.txt"
gdalinfo --version >> "$OUT/VERSIONS.txt"
ls -la "$OUT"
