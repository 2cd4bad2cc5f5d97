#!/bin/bash
# Fixtures of test/model/sdr-reference.test.ts: InVEST SDR re-typed in numpy (scripts/reference/invest-sdr.py) on
# a 256 × 256 window of Willamette (data/willamette, InVEST's sample DEM, window -srcwin 300 700 256 256) and on
# the whole Youwuzhen DEM. C and P come from the land cover, resampled to the DEM grid by mode (InVEST aligns the
# land cover with 'mode'): Willamette's usle_c and usle_p from InVEST's biophysical_table.csv; Youwuzhen's P from
# landcover_initial_parameters.csv (USLE_P) and C from the table below (stated here, not from a source). R and K are
# constants (R = 1000 MJ·mm·ha⁻¹·h⁻¹·yr⁻¹, K = 0.03 t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹). Thresholds: 1000 cells (InVEST's
# sample value) on Willamette, 100 cells on Youwuzhen. Needs gdal (command line) and python3-numpy only.
# Regenerate only on request: bash scripts/reference/make-sdr-fixtures.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/test/fixtures/sdr"
TMP=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT; echo "tmp $TMP" >&2
mkdir -p "$OUT"
R=1000
K=0.03

to_f64() { gdal_translate -q -ot Float64 -of ENVI "$1" "$2"; }
# a land-cover code raster (Float64 ENVI) to a factor raster through a file of "code value" lines; NaN elsewhere
reclass() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys, numpy
src, dst, tab = sys.argv[1], sys.argv[2], sys.argv[3]
a = numpy.fromfile(src, dtype='<f8')
table = {}
for line in open(tab):
    if line.strip():
        k, v = line.split()
        table[float(k)] = float(v)
out = numpy.full(a.shape, numpy.nan)
for k, v in table.items():
    out[a == k] = v
out.astype('<f8').tofile(dst)
PY
}
from_f64() { # raw.f64 template.tif out.tif
  cp "$1" "$TMP/x.bin"
  gdal_translate -q -of ENVI "$2" "$TMP/tmpl.bin"
  sed -e 's/data type = .*/data type = 5/' "$TMP/tmpl.hdr" > "$TMP/x.hdr"
  grep -q "byte order" "$TMP/x.hdr" || echo "byte order = 0" >> "$TMP/x.hdr"
  gdal_translate -q -ot Float32 -a_nodata nan -co COMPRESS=DEFLATE -co PREDICTOR=3 -of GTiff "$TMP/x.bin" "$3"
  rm -f "$TMP/x.bin" "$TMP/x.hdr" "$TMP/tmpl.bin" "$TMP/tmpl.hdr"
}

run() { # name dem.tif lulc.tif threshold  (C table and P table on fd 3 and 4)
  local name=$1 dem=$2 lulc=$3 thr=$4
  local d="$TMP/$name"
  mkdir -p "$d"
  cp "$dem" "$d/dem.tif"
  local w h
  read -r w h < <(gdalinfo "$dem" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1 \2/p')
  local te
  te=$(gdalinfo -json "$dem" | python3 -c "import json,sys;j=json.load(sys.stdin);c=j['cornerCoordinates'];print(c['lowerLeft'][0],c['lowerLeft'][1],c['upperRight'][0],c['upperRight'][1])")
  gdalwarp -q -r mode -te $te -ts "$w" "$h" -ot Float64 -dstnodata nan "$lulc" "$d/lulc.tif"
  to_f64 "$d/dem.tif" "$d/dem.f64"
  to_f64 "$d/lulc.tif" "$d/lulc.f64"
  python3 - "$d/dem.f64" <<'PY'
import sys, numpy
p = sys.argv[1]
a = numpy.fromfile(p, dtype='<f8')
a[(a < -1e30) | (a == -32768)] = numpy.nan
a.tofile(p)
PY
  cat <&3 > "$d/c.txt"
  cat <&4 > "$d/p.txt"
  reclass "$d/lulc.f64" "$d/c.f64" "$d/c.txt"
  reclass "$d/lulc.f64" "$d/p.f64" "$d/p.txt"
  local cs
  cs=$(gdalinfo -json "$dem" | python3 -c "import json,sys;print(abs(json.load(sys.stdin)['geoTransform'][1]))")
  python3 "$ROOT/scripts/reference/invest-sdr.py" "$w" "$h" "$cs" "$thr" "$d/dem.f64" "$d/c.f64" "$d/p.f64" "$R" "$K" "$d/out"
  gdal_translate -q -co COMPRESS=DEFLATE "$dem" "$OUT/${name}_dem.tif"
  from_f64 "$d/c.f64" "$dem" "$OUT/${name}_c.tif"
  from_f64 "$d/p.f64" "$dem" "$OUT/${name}_p.tif"
  for q in ls sdr ic d_dn sed_export sed_deposition stream what_drains_to_stream flow_accumulation; do
    from_f64 "$d/out/$q.f64" "$dem" "$OUT/${name}_invest_${q}.tif"
  done
}

[ -n "${ONLY_YWZ:-}" ] || gdal_translate -q -srcwin 300 700 256 256 "$ROOT/data/willamette/dem_30m.tif" "$TMP/willamette256.tif"
[ -n "${ONLY_YWZ:-}" ] || run willamette256 "$TMP/willamette256.tif" "$ROOT/data/willamette/landuse_90.tif" 1000 \
  3< <(awk -F, 'NR>1{print $2, $6}' "$ROOT/data/willamette/biophysical_table.csv") \
  4< <(awk -F, 'NR>1{print $2, $7}' "$ROOT/data/willamette/biophysical_table.csv")
run youwuzhen "$ROOT/data/youwuzhen/ywzdem30m.tif" "$ROOT/data/youwuzhen/ywzlanduse30m_upd.tif" 100 \
  3< <(printf '4 0.006\n6 0.01\n8 0.03\n18 0.1\n33 0.25\n104 0\n106 0.05\n') \
  4< <(grep -v '^#' "$ROOT/data/youwuzhen/landcover_initial_parameters.csv" | awk -F, 'NR>1{print $1, $12}')
{
  echo "InVEST SDR reference (scripts/reference/invest-sdr.py, re-typed from natcap/invest 3.20 sdr.py /"
  echo "sediment_deposition.h and natcap/pygeoprocessing 2.4 routing.pyx), MFD, l_max 122, SDR_max 0.8, IC0 0.5, k 2."
  echo "R = $R, K = $K; thresholds 1000 (willamette256) and 100 (youwuzhen) cells."
  echo "python3 $(python3 -c 'import sys;print(sys.version.split()[0])'), numpy $(python3 -c 'import numpy;print(numpy.__version__)'), $(gdalinfo --version)"
} > "$OUT/VERSIONS.txt"
