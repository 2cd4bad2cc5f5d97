// R from a rain record: storm EI30 after AH703 (Renard et al. 1997, ch. 2).
//
// The record is SYNTHETIC but realistic: a 5-minute gauge record of two summers in the red-soil hills, each with a
// few convective storms (a short intense peak) and a long frontal rain (steady, low intensity), written here as
// hyetographs so the example needs no data file. stormErosivity separates storms by 6 h with < 1.27 mm, keeps the
// erosive ones (≥ 12.7 mm), computes E from the unit-energy relation and I30 from the record, and returns R as the
// mean of the yearly sums (MJ·mm·ha⁻¹·h⁻¹·yr⁻¹). With only a handful of storms a year, this R is far below the
// long-term R of the region (thousands); a real record has dozens of erosive storms a year.
//
// Run: npm run build && node examples/r-from-rain-record.mjs
import { breakpointRecord, stormErosivity } from '../dist/index.js';

const MIN = 60_000;
// Storms: start (UTC), then rain depth (mm) per 5-minute step.
const storms = [
  ['2021-06-12T14:00Z', [0.5, 1.2, 3.5, 8.0, 11.5, 9.0, 6.2, 3.1, 1.4, 0.8, 0.4, 0.2]],          // convective, 45.8 mm
  ['2021-07-03T02:00Z', Array.from({ length: 96 }, (_, k) => 0.25 + 0.15 * Math.sin(k / 8))],     // frontal, 8 h
  ['2021-08-20T16:30Z', [0.3, 0.9, 2.2, 4.1, 2.0, 0.9, 0.4]],                                      // short, 10.8 mm: not erosive
  ['2022-05-28T19:00Z', [1.0, 2.5, 6.0, 10.2, 7.5, 4.8, 2.0, 1.1, 0.6]],                           // convective, 35.7 mm
  ['2022-08-09T13:00Z', [0.4, 0.8, 2.5, 5.5, 12.0, 14.5, 10.0, 5.5, 2.2, 1.0, 0.5, 0.3, 0.2]],    // typhoon band, 55.4 mm
];

// Build one breakpoint record (times and cumulative depth) from the hyetographs.
const times = [];
const cumulative = [];
let total = 0;
for (const [start, depths] of storms) {
  const t0 = Date.parse(start);
  times.push(t0);
  cumulative.push(total);
  depths.forEach((d, k) => {
    total += d;
    times.push(t0 + (k + 1) * 5 * MIN);
    cumulative.push(total);
  });
}
const record = breakpointRecord(times, cumulative);

for (const energy of ['brownFoster1987', 'rusle2', 'wischmeierSmith1978']) {
  const r = stormErosivity(record, { energy });
  if (energy === 'brownFoster1987') {
    console.log('storm start            depth mm   E MJ/ha   I30 mm/h   EI30     erosive');
    for (const e of r.events) {
      console.log(`${new Date(e.startMs).toISOString().slice(0, 16)}   ${e.depthMm.toFixed(1).padStart(8)} ${e.energyMJHa.toFixed(2).padStart(9)} ${e.i30MmH.toFixed(1).padStart(10)} ${e.ei30.toFixed(0).padStart(8)}     ${e.erosive}`);
    }
    console.log('');
  }
  console.log(`R with e.${energy.padEnd(20)} = ${r.annualR.toFixed(0)} MJ·mm·ha⁻¹·h⁻¹·yr⁻¹ (years ${r.yearly.map((y) => `${y.year}: ${y.ei30.toFixed(0)}`).join(', ')})`);
}
