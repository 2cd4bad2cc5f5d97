#!/usr/bin/env bash
# Reference rasters for the terrain tests (issue #3), made with GDAL, SAGA and GRASS from the DEMs in data/.
# The outputs are committed under test/fixtures/terrain/; the tests read them with readRaster and need none of these
# tools. Regenerate only on purpose (a tool version or a fixture definition changed):
#
#   sudo apt-get install -y gdal-bin saga grass-core     # Debian/Ubuntu; versions used: GDAL 3.6, SAGA 8.5.0, GRASS 8.2.1
#   bash scripts/reference/make-terrain-fixtures.sh
#
# Each helper's part is a delimited section; sections are independent and can be run alone:
#   bash scripts/reference/make-terrain-fixtures.sh accumulation
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/test/fixtures/terrain"
mkdir -p "$OUT"
SECTIONS="${*:-all}"
want() { [[ "$SECTIONS" == all || " $SECTIONS " == *" $1 "* ]]; }
# Compressed float32 GeoTIFF (Deflate + floating-point predictor, tiled) so that fixtures stay small.
compress() { gdal_translate -q -of GTiff -co COMPRESS=DEFLATE -co PREDICTOR=3 -co TILED=YES -co BLOCKXSIZE=128 -co BLOCKYSIZE=128 "$1" "$2"; }

# ---------------------------------------------------------------------------------------------------------------------
# BEGIN accumulation section (terrain-B: routing and accumulation; tests in test/terrain/accumulate-reference.test.ts)
#
# For each DEM (youwuzhen whole, 127 × 98; a 300 × 300 crop of bigtujunga at columns 400–699, rows 150–449):
#  1. <name>_filled.tif: SAGA Wang & Liu fill with a minimum slope of 0.01° (ta_preprocessor 4 -MINSLOPE 0.01), so the
#     DEM has neither depressions nor flats: every tool then routes the same surface and no tool's flat or pit
#     handling is involved. This is "the same filled and flat-resolved DEM" of the issue.
#  2. <name>_saga_d8_cells.tif:   SAGA ta_hydrology 0 -METHOD 0 -FLOW_UNIT 0 (D8, number of cells, cell included)
#     <name>_saga_mfd11_cells.tif: SAGA ta_hydrology 0 -METHOD 4 -CONVERGENCE 1.1 -FLOW_UNIT 0 (Freeman MFD)
#     (SAGA's -METHOD 3 "Deterministic Infinity" is not Tarboton's facet algorithm — it splits along the
#     Zevenbergen & Thorne aspect and falls back to D8 — so it is no reference for our D∞ and is not made.)
#  3. <name>_grass_d8_cells.tif: GRASS r.watershed -s (single flow direction) accumulation on the filled DEM, in a
#     throwaway location made from the file (negative values mark cells that may get flow from outside the grid);
#     <name>_grass_d8_dir.tif: its drainage directions (1 = NE, 2 = N, … 8 = E, counter-clockwise; negative = off-grid).
# ---------------------------------------------------------------------------------------------------------------------
if want accumulation; then
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  gdal_translate -q "$ROOT/data/youwuzhen/ywzdem30m.tif" "$TMP/youwuzhen.tif"
  gdal_translate -q -srcwin 400 150 300 300 "$ROOT/data/bigtujunga/srtm_bigtujunga30m_utm11.tif" "$TMP/bigtujunga300.tif"
  for name in youwuzhen bigtujunga300; do
    saga_cmd -f=q ta_preprocessor 4 -ELEV "$TMP/$name.tif" -FILLED "$TMP/${name}_filled.tif" -MINSLOPE 0.01 >/dev/null
    compress "$TMP/${name}_filled.tif" "$OUT/${name}_filled.tif"
    saga_cmd -f=q ta_hydrology 0 -ELEVATION "$OUT/${name}_filled.tif" -FLOW "$TMP/${name}_saga_d8.tif" -METHOD 0 -FLOW_UNIT 0 >/dev/null
    saga_cmd -f=q ta_hydrology 0 -ELEVATION "$OUT/${name}_filled.tif" -FLOW "$TMP/${name}_saga_mfd.tif" -METHOD 4 -CONVERGENCE 1.1 -FLOW_UNIT 0 >/dev/null
    compress "$TMP/${name}_saga_d8.tif" "$OUT/${name}_saga_d8_cells.tif"
    compress "$TMP/${name}_saga_mfd.tif" "$OUT/${name}_saga_mfd11_cells.tif"
    grass -c "$OUT/${name}_filled.tif" "$TMP/gloc_$name" -e >/dev/null 2>&1
    grass "$TMP/gloc_$name/PERMANENT" --exec bash -c "
      r.in.gdal -o input='$OUT/${name}_filled.tif' output=dem --q &&
      g.region raster=dem &&
      r.watershed -s elevation=dem accumulation=acc drainage=dir --q &&
      r.out.gdal -f input=acc output='$TMP/${name}_grass_d8.tif' type=Float32 --q &&
      r.out.gdal -f input=dir output='$TMP/${name}_grass_dir.tif' type=Int16 --q" >/dev/null 2>&1
    compress "$TMP/${name}_grass_d8.tif" "$OUT/${name}_grass_d8_cells.tif"
    gdal_translate -q -co COMPRESS=DEFLATE -co TILED=YES "$TMP/${name}_grass_dir.tif" "$OUT/${name}_grass_d8_dir.tif"
  done
  rm -f "$OUT"/*.aux.xml
  {
    echo "saga: $(saga_cmd --version 2>&1 | grep -m1 Version)"
    echo "grass: $(grass --version 2>&1 | head -1)"
    echo "gdal: $(gdalinfo --version)"
  } > "$OUT/accumulation-tools.txt"
fi
# END accumulation section
# ---------------------------------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------------------------------
# BEGIN slope-fill section (terrain-A: slope, aspect, depression filling; tests in test/terrain/slope-reference.test.ts
# and test/terrain/fill-reference.test.ts)
#
# DEMs: youwuzhen whole (127 × 98, Float32, Beijing 1954 GK); willamette crop 256 × 256 at columns 300–555, rows
# 700–955 (Int16, 9 % nodata along the basin boundary); bigtujunga crop 256 × 256 at columns 400–655, rows 150–405
# (Int16, steep). For filling also the whole willamette DEM (1081 × 1669) and the geographic pysheds DEM (367 × 359).
#  1. <name>_gdal_slope_horn.tif:       gdaldem slope (Horn, degrees; edge cells and cells beside nodata are nodata)
#     <name>_gdal_slope_horn_edges.tif: gdaldem slope -compute_edges
#     <name>_gdal_slope_zt.tif:         gdaldem slope -alg ZevenbergenThorne
#     <name>_gdal_aspect_horn.tif:      gdaldem aspect (azimuth; flat cells -9999)
#  2. <name>_saga_wl_fill.tif: SAGA Fill Sinks (Wang & Liu), ta_preprocessor 4 -MINSLOPE 0 (spill elevation, flats
#     kept). Integer DEMs fill to integer values, so their fills are stored losslessly as Int16 (small files).
# (The geographic pysheds DEM gets no slope fixture: gdaldem has no true-distance mode for degrees — `-s 111120`
#  treats a degree of longitude as 111 120 m at every latitude — so our geographic slope is pinned by analytic
#  tilted-plane tests on the ellipsoid instead.)
# ---------------------------------------------------------------------------------------------------------------------
if want slope-fill; then
  TMPA="$(mktemp -d)"
  gdal_translate -q "$ROOT/data/youwuzhen/ywzdem30m.tif" "$TMPA/youwuzhen.tif"
  gdal_translate -q -srcwin 300 700 256 256 "$ROOT/data/willamette/dem_30m.tif" "$TMPA/willamette256.tif"
  gdal_translate -q -srcwin 400 150 256 256 "$ROOT/data/bigtujunga/srtm_bigtujunga30m_utm11.tif" "$TMPA/bigtujunga256.tif"
  gdal_translate -q "$ROOT/data/willamette/dem_30m.tif" "$TMPA/willamette.tif"
  gdal_translate -q "$ROOT/data/pysheds/dem.tif" "$TMPA/pysheds.tif"
  for name in youwuzhen willamette256 bigtujunga256; do
    gdaldem slope -q "$TMPA/$name.tif" "$TMPA/${name}_s1.tif"
    gdaldem slope -q -compute_edges "$TMPA/$name.tif" "$TMPA/${name}_s2.tif"
    gdaldem slope -q -alg ZevenbergenThorne "$TMPA/$name.tif" "$TMPA/${name}_s3.tif"
    gdaldem aspect -q "$TMPA/$name.tif" "$TMPA/${name}_a1.tif"
    compress "$TMPA/${name}_s1.tif" "$OUT/${name}_gdal_slope_horn.tif"
    compress "$TMPA/${name}_s2.tif" "$OUT/${name}_gdal_slope_horn_edges.tif"
    compress "$TMPA/${name}_s3.tif" "$OUT/${name}_gdal_slope_zt.tif"
    compress "$TMPA/${name}_a1.tif" "$OUT/${name}_gdal_aspect_horn.tif"
  done
  for name in youwuzhen willamette256 bigtujunga256 willamette pysheds; do
    saga_cmd -f=q ta_preprocessor 4 -ELEV "$TMPA/$name.tif" -FILLED "$TMPA/${name}_wl.tif" -MINSLOPE 0 >/dev/null
    if [[ "$name" == youwuzhen ]]; then
      compress "$TMPA/${name}_wl.tif" "$OUT/${name}_saga_wl_fill.tif"
    else
      # integer input: the fill is integer-valued; store as Int16 with SAGA's nodata mapped to -32768
      gdal_translate -q -ot Int16 -a_nodata -32768 -co COMPRESS=DEFLATE -co PREDICTOR=2 -co TILED=YES \
        "$TMPA/${name}_wl.tif" "$OUT/${name}_saga_wl_fill.tif"
    fi
  done
  rm -f "$OUT"/*.aux.xml
  {
    echo "saga: $(saga_cmd --version 2>&1 | grep -m1 Version)"
    echo "gdal: $(gdalinfo --version)"
  } > "$OUT/slope-fill-tools.txt"
  rm -rf "$TMPA"
fi
# END slope-fill section
# ---------------------------------------------------------------------------------------------------------------------
