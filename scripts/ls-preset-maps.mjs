// Makes the figure and the statistics table of docs/ls-methods.md: the LS map of one DEM under each preset, on one
// log colour scale, with the PNG quick-look writer of the report. Run after `npm run build`:
//   node scripts/ls-preset-maps.mjs [dem.tif]      (default: data/youwuzhen/ywzdem30m.tif)
// Writes docs/img/ls-<preset>.png and prints a markdown table of statistics per preset.
import { writeFileSync } from 'node:fs';
import { readRaster, lsFactor, LS_PRESETS } from '../dist/index.js';
import { continuousMapPng } from '../dist/index.js';

const demPath = process.argv[2] ?? 'data/youwuzhen/ywzdem30m.tif';
const dem = await readRaster(demPath);
const rows = ['| preset | min | p10 | median | mean | p90 | p99 | max |', '|---|---|---|---|---|---|---|---|'];
for (const preset of Object.keys(LS_PRESETS)) {
  const { ls } = lsFactor(dem, { preset });
  const v = Float64Array.from(ls.data).filter((x) => x === x).sort();
  const q = (p) => v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))];
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  rows.push(`| \`${preset}\` | ${[v[0], q(0.1), q(0.5), mean, q(0.9), q(0.99), v[v.length - 1]].map((x) => x.toFixed(2)).join(' | ')} |`);
  const { png } = continuousMapPng(ls, { title: `LS, preset ${preset}`, stretch: 'log', ramp: 'ylorrd', min: 0.05, max: 50, maxSize: 400, minSize: 320 });
  writeFileSync(`docs/img/ls-${preset}.png`, png);
}
console.log(`LS statistics, ${demPath} (${dem.width} × ${dem.height}):\n`);
console.log(rows.join('\n'));
