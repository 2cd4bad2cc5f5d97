#!/usr/bin/env bash
# Makes the small GDAL-written GeoTIFF fixtures of test/io (fuzzing of the LZW/ZSTD/PackBits decoders).
# Needs gdal-bin (gdal_translate). Re-run only on request; outputs are committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/io/fixtures
mkdir -p "$out"
src=data/youwuzhen/ywzdem30m.tif
common=(-q -srcwin 10 10 40 30)
gdal_translate "${common[@]}" -co COMPRESS=LZW -co PREDICTOR=3 "$src" "$out/ywz-lzw-pred3.tif"
gdal_translate "${common[@]}" -co COMPRESS=ZSTD -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 "$src" "$out/ywz-zstd-tiled.tif"
gdal_translate "${common[@]}" -ot Int16 -co COMPRESS=PACKBITS -co BLOCKYSIZE=4 "$src" "$out/ywz-packbits-i16.tif"
gdal_translate "${common[@]}" -co COMPRESS=LERC -co MAX_Z_ERROR=0 -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 "$src" "$out/ywz-lerc-tiled.tif"
rm -f "$out"/*.aux.xml
ls -l "$out"

# Inputs that are accepted today but would give wrong answers (test/silent): heights in US survey feet under a
# compound CRS (NAD83 / UTM 10N + NAVD88 height (ftUS)), the same heights in metres, a CRS in feet with no vertical
# unit, a 3-band RGB picture, and a 2-band float file.
wsrc=data/willamette/dem_30m.tif
wcrop=(-q -srcwin 200 300 48 40)
gdal_translate "${wcrop[@]}" "$wsrc" "$out/wil-m.tif"
gdal_translate "${wcrop[@]}" -ot Float32 -scale 0 1000 0 3280.8333 -a_srs "EPSG:26910+6360" "$wsrc" "$out/wil-ftus-navd88.tif"
gdal_translate "${wcrop[@]}" -a_srs EPSG:2992 "$wsrc" "$out/wil-crs-feet.tif"
gdal_translate "${wcrop[@]}" -ot Byte -scale -b 1 -b 1 -b 1 -co PHOTOMETRIC=RGB "$wsrc" "$out/wil-rgb.tif"
gdal_translate "${wcrop[@]}" -b 1 -b 1 "$wsrc" "$out/wil-2band.tif"
rm -f "$out"/*.aux.xml
