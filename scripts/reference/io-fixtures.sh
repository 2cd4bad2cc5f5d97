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
