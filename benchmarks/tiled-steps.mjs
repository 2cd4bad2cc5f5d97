// The tiled D8 routing, accumulation and LS steps against their in-memory forms on one seeded fractal DEM: wall time
// of each (best of --rounds, interleaved), the overhead ratio tiled / in memory, the share of cells the per-tile step
// leaves to later visits, the number of visit rounds, and a bit-for-bit check of every output.
//
//   npm run build && flock /tmp/rusle-bigrun.lock node benchmarks/tiled-steps.mjs [--size 2048] [--tile 512]
//        [--seed 7] [--rounds 3] [--json]
//
// The tiled forms run here through their in-memory drivers (one thread, every tile state in memory), so the ratio is
// the algorithm's own overhead (per-tile passes, sorting donors by top, the exchange), without file I/O or workers.
// Imports the BUILT library.
import { parseArgs } from 'node:util';
import { fractalDem, toRaster } from './lib/fractal-dem.mjs';

const lib = await import('../dist/index.js');
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '2048' },
    tile: { type: 'string', default: '512' },
    seed: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.size);
const T = Number(values.tile);
const rounds = Number(values.rounds);
const dem = toRaster(lib, fractalDem({ width: N, height: N, seed: Number(values.seed) }));
const filled = lib.fillDepressions(dem);
const flats = lib.resolveFlats(filled);
const filledEps = lib.fillDepressions(dem, { epsilon: true });
const codesEps = lib.d8Directions(filledEps);

function same(a, b) {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const steps = {
  d8: {
    memory: () => lib.d8Directions(filled, { flats }).data,
    tiled: () => lib.d8DirectionsTiled(filled, { flats, tileWidth: T, tileHeight: T }).data,
  },
  'accumulate-m2': {
    memory: () => lib.accumulate({ kind: 'd8', codes: codesEps }, { output: 'm2' }).data,
    tiled: () => lib.accumulateTiled({ kind: 'd8', codes: codesEps }, { output: 'm2', tileWidth: T, tileHeight: T }).data,
  },
};
for (const preset of ['csle', 'rusle-aml', 'grass-r.watershed']) {
  steps[`ls-${preset}`] = {
    memory: () => lib.lsFactor(filledEps, { preset, fill: false, flowDirection: codesEps }).ls.data,
    tiled: () => lib.lsFactorTiled(filledEps, { preset, flowDirection: codesEps, tileWidth: T, tileHeight: T }).ls.data,
  };
}

// cells left to later visits by the per-tile step, and visit rounds
let unresolved = 0;
let valid = 0;
for (const t of lib.tiles(codesEps.grid, { tileWidth: T, tileHeight: T, halo: 1 })) {
  const pc = new Uint8Array(t.padded.width * t.padded.height);
  for (let r = 0; r < t.padded.height; r++) {
    const s = (t.padded.y + r) * N + t.padded.x;
    pc.set(codesEps.data.subarray(s, s + t.padded.width), r * t.padded.width);
  }
  const { state } = lib.d8AccumulationTileVisit({ grid: codesEps.grid, core: t.core, padded: t.padded, codes: pc, weights: 1, output: 'm2' }, null);
  unresolved += state.remaining;
}
for (let i = 0; i < N * N; i++) if (codesEps.data[i] !== 255) valid++;

const result = { size: N, tile: T, seed: Number(values.seed), node: process.version, steps: {}, unresolvedShare: unresolved / valid };
for (const [name, s] of Object.entries(steps)) {
  let bestM = Infinity;
  let bestT = Infinity;
  let ok = true;
  for (let k = 0; k < rounds; k++) {
    let t0 = performance.now();
    const a = s.memory();
    bestM = Math.min(bestM, performance.now() - t0);
    t0 = performance.now();
    const b = s.tiled();
    bestT = Math.min(bestT, performance.now() - t0);
    if (k === 0) ok = same(a, b);
  }
  result.steps[name] = { memoryMs: Math.round(bestM), tiledMs: Math.round(bestT), ratio: Number((bestT / bestM).toFixed(2)), bitIdentical: ok };
}
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`${N} × ${N} fractal DEM, ${T} × ${T} tiles; per-tile step leaves ${(100 * result.unresolvedShare).toFixed(1)} % of the valid cells to later visits`);
  for (const [name, r] of Object.entries(result.steps)) console.log(`${name.padEnd(22)} in memory ${String(r.memoryMs).padStart(6)} ms   tiled ${String(r.tiledMs).padStart(6)} ms   ×${r.ratio}   ${r.bitIdentical ? 'bit-identical' : 'DIFFERENT'}`);
}
