// Seeded fractal DEM generator for the benchmark suites (terrain, LS, engine), with nodata.
//
// fractalDem({ width, height, seed }) → { width, height, cellSizeM, transform, data: Float32Array (NaN = nodata),
//   validCount, seed, options }
//
// The surface is fBm value noise: `octaves` layers of bilinearly interpolated hashed lattice noise, the coarsest of
// period `basePeriod` cells, each next one half the period and `gain` (= 2^-H) the amplitude. Real DEMs have
// depressions and flats, so this one does too: the noise has many local pits, and `quantizeM` rounds elevations
// (0.5 m by default, as in DEMs stored in decimetres or metres), which creates flats. A gentle north-south tilt
// (15 % of the relief) makes large basins drain. Nodata: everything outside an irregular (noise-distorted) ellipse touching the
// grid's edges, plus `lakes` round holes inside — so nodata is both outside and inside the valid area, as in a basin
// clipped to its boundary.
//
// Same options → bit-identical data on any machine (integer hashing, float32 arithmetic kept explicit by
// Math.fround only where results are stored). Time: ~octaves × 2 ns per cell; memory: the output (4 B/cell) plus
// one lattice (≤ 1/4 cell per cell) at a time.
//
// Helpers: toRaster(lib, dem) builds a rusle Raster from the built library; writeSagaGrid(path, dem) writes the
// SAGA native .sgrd/.sdat pair (so saga_cmd timings do not include a GeoTIFF import); writeEhdr(path, dem) writes an
// ESRI .flt/.hdr pair that GDAL reads (gdaldem, gdal_translate).
import { writeFileSync, openSync, writeSync, closeSync } from 'node:fs';

/** Defaults of fractalDem. */
export const FRACTAL_DEFAULTS = Object.freeze({
  seed: 1,
  cellSizeM: 30,
  octaves: 9,
  basePeriod: 512,
  gain: 0.5,
  reliefM: 1200,
  quantizeM: 0.5,
  nodataOutside: true,
  lakes: 3,
  originX: 500000,
  originY: 3000000,
  epsg: 32650,
});

function hash32(x, y, s) {
  // A 32-bit integer hash (lowbias32-style mixing) of lattice coordinates and a seed → [0, 1).
  let h = (Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(s, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A small seeded PRNG (mulberry32) for the few scalar draws (lake centres). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addOctave(acc, width, height, period, amplitude, seed) {
  const lw = Math.floor((width - 1) / period) + 2;
  const lh = Math.floor((height - 1) / period) + 2;
  const lat = new Float32Array(lw * lh);
  for (let j = 0; j < lh; j++) for (let i = 0; i < lw; i++) lat[j * lw + i] = hash32(i, j, seed) * 2 - 1;
  const inv = 1 / period;
  const wx = new Float64Array(width);
  const ix = new Int32Array(width);
  for (let c = 0; c < width; c++) {
    const f = c * inv;
    const i = Math.floor(f);
    ix[c] = i;
    const t = f - i;
    wx[c] = t * t * (3 - 2 * t); // smoothstep weights: no visible lattice creases
  }
  for (let r = 0; r < height; r++) {
    const f = r * inv;
    const j = Math.floor(f);
    let t = f - j;
    t = t * t * (3 - 2 * t);
    const o0 = j * lw;
    const o1 = o0 + lw;
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const i = ix[c];
      const u = wx[c];
      const a = lat[o0 + i] + (lat[o0 + i + 1] - lat[o0 + i]) * u;
      const b = lat[o1 + i] + (lat[o1 + i + 1] - lat[o1 + i]) * u;
      acc[base + c] += (a + (b - a) * t) * amplitude;
    }
  }
}

/**
 * A seeded fractal DEM with nodata. Options (all optional except width/height): seed, cellSizeM, octaves,
 * basePeriod (cells), gain (amplitude ratio per octave), reliefM, quantizeM (0 = no rounding), nodataOutside
 * (irregular ellipse mask), lakes (number of round nodata holes), originX, originY, epsg.
 */
export function fractalDem(options) {
  const o = { ...FRACTAL_DEFAULTS, ...options };
  const { width, height, seed } = o;
  if (!(Number.isInteger(width) && width > 2 && Number.isInteger(height) && height > 2)) {
    throw new Error(`fractalDem: width and height must be integers > 2, got ${width} × ${height}`);
  }
  const n = width * height;
  const acc = new Float32Array(n);
  let amp = 1;
  let period = Math.min(o.basePeriod, Math.max(width, height));
  let norm = 0;
  for (let k = 0; k < o.octaves && period >= 1; k++) {
    addOctave(acc, width, height, period, amp, (seed * 1013 + k * 7919) | 0);
    norm += amp;
    amp *= o.gain;
    period = period / 2;
  }
  // Elevation in metres: noise in [-norm, norm] → [0, reliefM], plus a regional tilt so large basins drain.
  const scale = o.reliefM / (2 * norm);
  const q = o.quantizeM;
  const data = acc;
  for (let r = 0; r < height; r++) {
    const tilt = 0.15 * o.reliefM * (r / height);
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      let z = (data[i] + norm) * scale + tilt + 100;
      if (q > 0) z = Math.round(z / q) * q;
      data[i] = z;
    }
  }
  // Nodata: outside an ellipse distorted by low-frequency noise, and round lakes inside.
  if (o.nodataOutside) {
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    const per = Math.max(8, Math.floor(Math.min(width, height) / 4));
    const warp = new Float32Array(n);
    addOctave(warp, width, height, per, 0.12, (seed * 31 + 17) | 0);
    for (let r = 0; r < height; r++) {
      const ey = (r - cy) / (height / 2);
      for (let c = 0; c < width; c++) {
        const ex = (c - cx) / (width / 2);
        const i = r * width + c;
        if (ex * ex + ey * ey > 1.05 + warp[i]) data[i] = NaN;
      }
    }
  }
  const rnd = mulberry32(seed ^ 0x5eed);
  for (let l = 0; l < o.lakes; l++) {
    const lx = width * (0.3 + 0.4 * rnd());
    const ly = height * (0.3 + 0.4 * rnd());
    const rad = Math.max(1, Math.min(width, height) * (0.01 + 0.02 * rnd()));
    const r0 = Math.max(0, Math.floor(ly - rad));
    const r1 = Math.min(height - 1, Math.ceil(ly + rad));
    const c0 = Math.max(0, Math.floor(lx - rad));
    const c1 = Math.min(width - 1, Math.ceil(lx + rad));
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) {
      if ((r - ly) ** 2 + (c - lx) ** 2 <= rad * rad) data[r * width + c] = NaN;
    }
  }
  let valid = 0;
  for (let i = 0; i < n; i++) if (data[i] === data[i]) valid++;
  const transform = [o.originX, o.cellSizeM, 0, o.originY + height * o.cellSizeM, 0, -o.cellSizeM];
  return { width, height, cellSizeM: o.cellSizeM, transform, data, validCount: valid, seed, epsg: o.epsg, options: o };
}

/** A rusle Raster (projected CRS in metres, EPSG from the options) from a fractalDem result; `lib` is the built library. */
export function toRaster(lib, dem) {
  const grid = new lib.Grid(dem.width, dem.height, dem.transform, lib.projectedCrs({ epsg: dem.epsg }));
  return new lib.Raster(grid, dem.data);
}

function writeRawF32(path, data, nodataValue) {
  const fd = openSync(path, 'w');
  try {
    const chunk = 1 << 20;
    const buf = new Float32Array(chunk);
    for (let s = 0; s < data.length; s += chunk) {
      const e = Math.min(data.length, s + chunk);
      for (let i = s; i < e; i++) {
        const v = data[i];
        buf[i - s] = v === v ? v : nodataValue;
      }
      writeSync(fd, new Uint8Array(buf.buffer, 0, (e - s) * 4));
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes a SAGA grid (`<base>.sgrd` header + `<base>.sdat` float32, nodata -99999). Returns the .sgrd path. */
export function writeSagaGrid(base, dem, nodataValue = -99999) {
  const { width, height, cellSizeM, transform } = dem;
  writeRawF32(`${base}.sdat`, dem.data, nodataValue);
  // SAGA's POSITION_X/Y is the centre of the lower-left cell; rows are stored bottom-up unless TOPTOBOTTOM = TRUE.
  const xll = transform[0] + cellSizeM / 2;
  const yll = transform[3] - height * cellSizeM + cellSizeM / 2;
  const hdr = [
    'NAME\t= dem', 'DESCRIPTION\t=', 'UNIT\t=', 'DATAFORMAT\t= FLOAT', 'DATAFILE_OFFSET\t= 0',
    `BYTEORDER_BIG\t= FALSE`, 'TOPTOBOTTOM\t= TRUE', `POSITION_XMIN\t= ${xll.toFixed(10)}`,
    `POSITION_YMIN\t= ${yll.toFixed(10)}`, `CELLCOUNT_X\t= ${width}`, `CELLCOUNT_Y\t= ${height}`,
    `CELLSIZE\t= ${cellSizeM.toFixed(10)}`, 'Z_FACTOR\t= 1.000000', `NODATA_VALUE\t= ${nodataValue.toFixed(6)}`, '',
  ].join('\n');
  writeFileSync(`${base}.sgrd`, hdr);
  return `${base}.sgrd`;
}

/** Writes an ESRI EHdr float grid (`<base>.flt` + `<base>.hdr`, little-endian, nodata -99999). Returns the .flt path. */
export function writeEhdr(base, dem, nodataValue = -99999) {
  const { width, height, cellSizeM, transform } = dem;
  writeRawF32(`${base}.flt`, dem.data, nodataValue);
  const hdr = [
    `ncols ${width}`, `nrows ${height}`, `xllcorner ${transform[0]}`, `yllcorner ${transform[3] - height * cellSizeM}`,
    `cellsize ${cellSizeM}`, `NODATA_value ${nodataValue}`, 'byteorder LSBFIRST', '',
  ].join('\n');
  writeFileSync(`${base}.hdr`, hdr);
  return `${base}.flt`;
}
