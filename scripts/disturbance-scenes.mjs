// Detection figures of detectDisturbance on seeded synthetic NDVI scenes with planted clearings of known cells, and
// its time on a province-size pair (--big).
//
// Scenes (1000 × 1000 cells of 30 m unless --size): a smooth vegetated background (NDVI 0.45–0.85) with independent
// pixel noise per date (σ = 0.04); planted clearings, random blobs of 4–600 cells, whose interior goes to bare soil
// (NDVI 0.03–0.18 after) and whose edge cells are mixed pixels (a random 20–80 % of the cell cleared, NDVI mixed
// linearly). Variants: `clean`; `cloud` (about 6 % of the second date under cloud, masked); `harvest` (cropland
// fields harvested between the dates: NDVI 0.55–0.7 → 0.12–0.2, the spectral confusion NDVI differencing cannot
// resolve); `geographic` (the clean scene on a 1″ grid at 26° N, true areas).
//
// Truth: a planted patch is the set of cells whose cleared fraction is ≥ 50 % (what a cell-by-cell truth map would
// mark). A detected patch matches the planted patch it shares most cells with (ties → smaller id), if any.
// Recall by patch = planted patches matched / planted; precision = detected patches that match / detected; area
// error = (detected − true area) / true area over matched pairs (median and mean of |error|).
//
// Run: npm run build && node scripts/disturbance-scenes.mjs [--size N] [--seed S]
//      flock /tmp/rusle-bigrun.lock node scripts/disturbance-scenes.mjs --big   (13 600 × 13 600 = 185 Mcells)
//      node scripts/disturbance-scenes.mjs --big --write DIR   (writes the pair as DIR/before.tif, DIR/after.tif)
import { Grid, Raster, detectDisturbance, geographicCrs, projectedCrs, writeRaster } from '../dist/index.js';

const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : def; };
const SIZE = opt('--size', 1000);
const SEED = opt('--seed', 17);

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (rand) => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

/** A random blob of about `target` cells (a random walk that grows a 4-connected set), clipped to the grid. */
function blob(rand, W, H, c0, r0, target) {
  const set = new Set([r0 * W + c0]);
  const list = [r0 * W + c0];
  while (set.size < target) {
    const i = list[Math.floor(rand() * list.length)];
    const c = i % W, r = Math.floor(i / W);
    const d = Math.floor(rand() * 4);
    const cc = c + [1, -1, 0, 0][d], rr = r + [0, 0, 1, -1][d];
    if (cc < 0 || rr < 0 || cc >= W || rr >= H) continue;
    const j = rr * W + cc;
    if (!set.has(j)) { set.add(j); list.push(j); }
  }
  return set;
}

function scene(W, H, seed, variant, nPatches) {
  const rand = rng(seed);
  const n = W * H;
  const before = new Float32Array(n), after = new Float32Array(n);
  // Smooth background: a sum of a few sinusoids, then pixel noise per date.
  const ph = [rand() * 6, rand() * 6, rand() * 6, rand() * 6];
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    const base = 0.65 + 0.1 * Math.sin(c / 37 + ph[0]) * Math.cos(r / 53 + ph[1]) + 0.08 * Math.sin((c + r) / 91 + ph[2]);
    const i = r * W + c;
    before[i] = base + 0.04 * gauss(rand);
    after[i] = base + 0.04 * gauss(rand);
  }
  const owner = new Int32Array(n); // planted patch id of cells cleared ≥ 50 %
  const planted = [];
  const taken = new Uint8Array(n);
  for (let p = 1; p <= nPatches; p++) {
    const target = 4 + Math.floor(Math.pow(rand(), 2) * 596);
    const c0 = 5 + Math.floor(rand() * (W - 10)), r0 = 5 + Math.floor(rand() * (H - 10));
    const cells = blob(rand, W, H, c0, r0, target);
    // Keep patches apart (a 2-cell gap), as separate sites are.
    let clash = false;
    for (const i of cells) { const c = i % W, r = Math.floor(i / W); for (let dr = -2; dr <= 2 && !clash; dr++) for (let dc = -2; dc <= 2; dc++) { const rr = r + dr, cc = c + dc; if (rr >= 0 && cc >= 0 && rr < H && cc < W && taken[rr * W + cc]) { clash = true; break; } } if (clash) break; }
    if (clash) continue;
    const bare = 0.03 + 0.15 * rand();
    let truthCells = 0;
    for (const i of cells) {
      taken[i] = 1;
      const c = i % W, r = Math.floor(i / W);
      const edge = [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dc, dr]) => !cells.has((r + dr) * W + (c + dc)));
      const frac = edge ? 0.2 + 0.6 * rand() : 1;
      after[i] = frac * (bare + 0.02 * gauss(rand)) + (1 - frac) * after[i];
      if (frac >= 0.5) { owner[i] = planted.length + 1; truthCells++; }
    }
    if (truthCells > 0) planted.push({ id: planted.length + 1, cells: truthCells });
    else for (const i of cells) if (owner[i] === planted.length + 1) owner[i] = 0;
  }
  if (variant === 'cloud') {
    for (let k = 0; k < 25; k++) {
      const c0 = Math.floor(rand() * W), r0 = Math.floor(rand() * H), rad = W * (0.02 + 0.03 * rand());
      for (let r = Math.max(0, Math.floor(r0 - rad)); r < Math.min(H, r0 + rad); r++) for (let c = Math.max(0, Math.floor(c0 - rad)); c < Math.min(W, c0 + rad); c++) {
        if ((r - r0) ** 2 + (c - c0) ** 2 <= rad * rad) after[r * W + c] = NaN;
      }
    }
  }
  let decoys = 0;
  if (variant === 'harvest') {
    for (let k = 0; k < Math.round(nPatches / 4); k++) {
      const w = 8 + Math.floor(rand() * 20), h = 6 + Math.floor(rand() * 15);
      const c0 = Math.floor(rand() * (W - w)), r0 = Math.floor(rand() * (H - h));
      let free = true;
      for (let r = r0 - 2; r < r0 + h + 2 && free; r++) for (let c = c0 - 2; c < c0 + w + 2; c++) if (r >= 0 && c >= 0 && r < H && c < W && taken[r * W + c]) { free = false; break; }
      if (!free) continue;
      decoys++;
      const b = 0.55 + 0.15 * rand(), a = 0.12 + 0.08 * rand();
      for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) { taken[r * W + c] = 1; before[r * W + c] = b + 0.03 * gauss(rand); after[r * W + c] = a + 0.02 * gauss(rand); }
    }
  }
  for (let i = 0; i < n; i++) { before[i] = Math.max(-1, Math.min(1, before[i])); if (after[i] === after[i]) after[i] = Math.max(-1, Math.min(1, after[i])); }
  return { before, after, owner, planted, decoys };
}

function score(res, owner, planted, grid) {
  const k = res.patches.length;
  const W = grid.width;
  const areas = grid.rowCellAreasM2();
  // Overlaps detected × planted.
  const overlap = new Map();
  const trueArea = new Float64Array(planted.length + 1);
  for (let i = 0; i < owner.length; i++) {
    const t = owner[i];
    if (t > 0) trueArea[t] += areas[Math.floor(i / W)];
    const d = res.labels.data[i];
    if (d > 0 && t > 0) { const key = d * 1e7 + t; overlap.set(key, (overlap.get(key) ?? 0) + 1); }
  }
  const best = new Map(); // detected → [planted, cells]
  for (const [key, cnt] of overlap) {
    const d = Math.floor(key / 1e7), t = key % 1e7;
    const b = best.get(d);
    if (!b || cnt > b[1] || (cnt === b[1] && t < b[0])) best.set(d, [t, cnt]);
  }
  const matchedPlanted = new Map(); // planted → detected area sum
  for (const [d, [t]] of best) matchedPlanted.set(t, (matchedPlanted.get(t) ?? 0) + res.patches[d - 1].areaM2);
  const errs = [...matchedPlanted].map(([t, a]) => (a - trueArea[t]) / trueArea[t]);
  const abs = errs.map(Math.abs).sort((x, y) => x - y);
  const small = planted.filter((p) => p.cells < 10);
  return {
    planted: planted.length, detected: k,
    recall: matchedPlanted.size / planted.length,
    precision: k > 0 ? best.size / k : NaN,
    recallBelow10Cells: small.length ? small.filter((p) => matchedPlanted.has(p.id)).length / small.length : NaN,
    medianAbsAreaError: abs[Math.floor(abs.length / 2)],
    meanAreaError: errs.reduce((s, e) => s + e, 0) / errs.length,
    maskedShare: res.maskedShare,
  };
}

if (argv.includes('--big')) {
  const W = 13600, H = 13600;
  const grid = new Grid(W, H, [300000, 30, 0, 3300000, 0, -30], projectedCrs({ epsg: 32650 }));
  let t0 = Date.now();
  const s = scene(W, H, SEED, 'cloud', 20000);
  console.log(`generated ${(W * H / 1e6).toFixed(1)} Mcells, ${s.planted.length} planted patches in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const wi = argv.indexOf('--write');
  if (wi >= 0) {
    // The pair as Deflate GeoTIFFs, for timing `rusle disturbance` on files.
    const dir = argv[wi + 1];
    t0 = Date.now();
    await writeRaster(`${dir}/before.tif`, new Raster(grid, s.before), { compression: 'deflate' });
    await writeRaster(`${dir}/after.tif`, new Raster(grid, s.after), { compression: 'deflate' });
    console.log(`wrote ${dir}/before.tif and after.tif in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.exit(0);
  }
  for (const skipPolygons of [true, false]) {
    t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const res = detectDisturbance(new Raster(grid, s.before), new Raster(grid, s.after), { skipPolygons });
    const sec = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(`detectDisturbance ${skipPolygons ? 'without' : 'with'} polygons: ${sec.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (${(W * H / 1e6 / sec).toFixed(1)} Mcells/s wall), ${res.patches.length} patches, ${res.geojson.features.length} features, rss ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
    if (!skipPolygons) console.log(JSON.stringify(score(res, s.owner, s.planted, grid)));
  }
} else {
  const utm = new Grid(SIZE, SIZE, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
  const geo = new Grid(SIZE, SIZE, [116, 1 / 3600, 0, 26, 0, -1 / 3600], geographicCrs());
  const rows = [];
  for (const variant of ['clean', 'cloud', 'harvest', 'geographic']) {
    const grid = variant === 'geographic' ? geo : utm;
    const s = scene(SIZE, SIZE, SEED + (variant === 'geographic' ? 0 : ['clean', 'cloud', 'harvest'].indexOf(variant)), variant === 'geographic' ? 'clean' : variant, Math.round(SIZE * SIZE / 4000));
    for (const cleaning of ['min 4 cells', 'opening + min 4', 'min 4, maxAfter 0.35']) {
      const t0 = Date.now();
      const res = detectDisturbance(new Raster(grid, s.before), new Raster(grid, s.after), { opening: cleaning.startsWith('opening'), ...(cleaning.includes('0.35') ? { maxAfter: 0.35 } : {}) });
      const sc = score(res, s.owner, s.planted, grid);
      rows.push({ variant, cleaning, ...sc, decoys: s.decoys, seconds: (Date.now() - t0) / 1000 });
    }
  }
  const f = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  console.log(`| scene | settings | planted | detected | recall | precision | recall < 10 cells | median abs. area error | mean area error | masked |`);
  console.log(`|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.variant}${r.decoys ? ` (${r.decoys} harvested fields)` : ''} | ${r.cleaning} | ${r.planted} | ${r.detected} | ${f(r.recall)} | ${f(r.precision)} | ${f(r.recallBelow10Cells)} | ${f(100 * r.medianAbsAreaError, 1)} % | ${f(100 * r.meanAreaError, 1)} % | ${f(100 * r.maskedShare, 1)} % |`);
}
