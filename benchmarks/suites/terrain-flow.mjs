// Hydrology chain benchmarks (issue 3): fill + flats + D8 + accumulation, and fill + flats + MFD + accumulation,
// against GRASS r.watershed on the same DEM in the same run, with peak memory per cell per step.
//
// Our chain runs in a child process (benchmarks/province.mjs --json, with --expose-gc) so that each measurement has
// a fresh heap and its own peak RSS; the child times each step (fillDepressions, resolveFlats, routing, accumulate)
// on the DEM already in memory. GRASS runs in a throwaway location made with `grass -c <dem> <tmp>/loc -e`; the DEM
// is imported once (r.in.gdal, not timed) and `r.watershed -s` (single flow direction, which routes through
// depressions itself) and `r.watershed` (MFD, its default convergence 5) are timed. Ratio = GRASS seconds / our chain
// seconds (> 1: we are faster). Timings are noisy on a shared machine; ratios come from the same run.
//
// CI: a 2 Mcell seeded fractal DEM (GRASS figures only where GRASS is installed). Full: data/willamette/dem_30m.tif and
// seeded fractal DEMs of 10 and 50 Mcells — run under `flock /tmp/rusle-bigrun.lock` (about 3 GiB at 50 Mcells).
// The province-size run (185 Mcells) is `node --expose-gc benchmarks/province.mjs`, run on its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fractalDem, writeEhdr } from '../lib/fractal-dem.mjs';
import { figure, hasCommand } from '../lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROVINCE = fileURLToPath(new URL('../province.mjs', import.meta.url));

function chain(args, routing) {
  const out = execFileSync(process.execPath, ['--expose-gc', PROVINCE, ...args, '--routing', routing, '--json'], {
    cwd: ROOT, maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

function grassTimes(demPath, tmp, { mfd, runs }) {
  const loc = join(tmp, 'loc');
  execFileSync('grass', ['-c', demPath, loc, '-e'], { stdio: 'pipe' });
  const mapset = join(loc, 'PERMANENT');
  execFileSync('grass', [mapset, '--exec', 'r.in.gdal', '-o', `input=${demPath}`, 'output=dem', '--q'], { stdio: 'pipe' });
  execFileSync('grass', [mapset, '--exec', 'g.region', 'raster=dem'], { stdio: 'pipe' });
  const time = (flags) => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      execFileSync('grass', [mapset, '--exec', 'r.watershed', ...flags, 'elevation=dem', 'accumulation=acc', '--o', '--q'], { stdio: 'pipe' });
      best = Math.min(best, (performance.now() - s) / 1000);
    }
    return best;
  };
  // Startup of `grass --exec` itself (no work), subtracted so the ratio compares the algorithms.
  let startup = Infinity;
  for (let i = 0; i < 2; i++) {
    const s = performance.now();
    execFileSync('grass', [mapset, '--exec', 'g.region', '-p'], { stdio: 'pipe' });
    startup = Math.min(startup, (performance.now() - s) / 1000);
  }
  const sfd = time(['-s']) - startup;
  const mfdSeconds = mfd ? time([]) - startup : null;
  return { sfd, mfd: mfdSeconds, startup };
}

function stepFigures(id, label, r) {
  const figs = [];
  for (const s of r.steps) {
    // mfdRouting only validates (the accumulator recomputes MFD weights): no throughput figure for it
    if (s.step !== 'mfd') figs.push(figure(`${id}-${r.routing}-${s.step}-mcells`, `${label}: ${s.step} (${r.routing} chain)`, s.mcellsPerSecond, 'Mcells/s'));
    figs.push(figure(`${id}-${r.routing}-${s.step}-bytes-per-cell`, `${label}: peak memory during ${s.step} (${r.routing} chain)`, s.peakBytesPerCell, 'B/cell', { higherIsBetter: false }));
  }
  figs.push(figure(`${id}-${r.routing}-chain-mcells`, `${label}: fill + flats + ${r.routing} + accumulation`, r.chainMcellsPerSecond, 'Mcells/s'));
  figs.push(figure(`${id}-${r.routing}-chain-peak-bytes-per-cell`, `${label}: peak memory of the ${r.routing} chain (target ≤ ${r.routing === 'd8' ? 24 : 40})`, r.peakBytesPerCell, 'B/cell', { higherIsBetter: false }));
  return figs;
}

export default {
  name: 'terrain-flow',
  async run({ ci, log }) {
    const cases = ci
      ? [{ id: 'fractal-2M', label: 'fractal 1414² (2 Mcells)', width: 1414, height: 1414, seed: 11 }]
      : [
          { id: 'willamette', label: 'Willamette DEM (1.8 Mcells)', file: join(ROOT, 'data/willamette/dem_30m.tif') },
          { id: 'fractal-10M', label: 'fractal 3163² (10 Mcells)', width: 3163, height: 3163, seed: 12 },
          { id: 'fractal-50M', label: 'fractal 7071² (50 Mcells)', width: 7071, height: 7071, seed: 13 },
        ];
    const withGrass = hasCommand('grass');
    if (!withGrass) log('GRASS not found: r.watershed ratios skipped');
    const figures = [];
    for (const c of cases) {
      const tmp = mkdtempSync(join(tmpdir(), 'rusle-flow-bench-'));
      try {
        const args = c.file ? ['--dem', c.file] : ['--width', String(c.width), '--height', String(c.height), '--seed', String(c.seed)];
        const d8 = chain(args, 'd8');
        log(`${c.label}: D8 chain ${d8.chainSeconds.toFixed(2)} s, peak ${d8.peakBytesPerCell.toFixed(1)} B/cell`);
        const mfd = chain(args, 'mfd');
        log(`${c.label}: MFD chain ${mfd.chainSeconds.toFixed(2)} s, peak ${mfd.peakBytesPerCell.toFixed(1)} B/cell`);
        figures.push(...stepFigures(c.id, c.label, d8), ...stepFigures(c.id, c.label, mfd));
        if (withGrass) {
          let demPath = c.file;
          if (!demPath) {
            const flt = writeEhdr(join(tmp, 'dem'), fractalDem({ width: c.width, height: c.height, seed: c.seed }));
            demPath = join(tmp, 'dem.tif');
            execFileSync('gdal_translate', ['-q', '-a_srs', 'EPSG:32650', flt, demPath], { stdio: 'pipe' });
          }
          const g = grassTimes(demPath, tmp, { mfd: true, runs: d8.cells > 20e6 ? 1 : 2 });
          log(`${c.label}: r.watershed -s ${g.sfd.toFixed(2)} s, MFD ${g.mfd.toFixed(2)} s (grass startup ${g.startup.toFixed(2)} s subtracted)`);
          figures.push(
            figure(`${c.id}-grass-sfd-seconds`, `${c.label}: GRASS r.watershed -s`, g.sfd, 's', { higherIsBetter: false }),
            figure(`${c.id}-d8-chain-vs-grass-sfd`, `${c.label}: our D8 chain vs r.watershed -s (× faster; target ≥ 10)`, g.sfd / d8.chainSeconds, '×', { tracked: ci, floor: 0.5 }),
            figure(`${c.id}-grass-mfd-seconds`, `${c.label}: GRASS r.watershed (MFD)`, g.mfd, 's', { higherIsBetter: false }),
            figure(`${c.id}-mfd-chain-vs-grass-mfd`, `${c.label}: our MFD chain vs r.watershed MFD (× faster; target ≥ 10)`, g.mfd / mfd.chainSeconds, '×', { tracked: ci, floor: 0.5 }),
          );
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    return figures;
  },
};
