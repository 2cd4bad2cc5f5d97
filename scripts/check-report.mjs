#!/usr/bin/env node
// Checks an HTML report of `rusle run` / `rusle demo` in headless Chromium (Debian package `chromium`):
//   1. --dump-dom after the page's load handler ran: every <img> must have decoded (data-decoded="yes", the
//      page's inline script sets it from naturalWidth), #image-status must count them, and the page must hold the
//      sections a reader needs (maps, rate table or class chart, inputs, citations, provenance);
//   2. --screenshot: a PNG of the rendered page (default: report.png in a new temporary folder; CI passes a path to
//      keep it as an artefact).
// Usage: node scripts/check-report.mjs <report.html> [--screenshot out.png] [--min-images N]
// Exit status: 0 ok, 1 check failed, 2 bad usage, 3 chromium missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const report = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a) && args[args.indexOf(a) - 1] !== '--screenshot');
const shotIdx = args.indexOf('--screenshot');
const minIdx = args.indexOf('--min-images');
const minImages = minIdx >= 0 ? Number(args[minIdx + 1]) : 1;
if (!report) {
  console.error('usage: node scripts/check-report.mjs <report.html> [--screenshot out.png] [--min-images N]');
  process.exit(2);
}
const reportPath = resolve(report);
const shot = resolve(shotIdx >= 0 ? args[shotIdx + 1] : join(mkdtempSync(join(tmpdir(), 'rusle-report-shot-')), 'report.png'));
if (!existsSync(reportPath)) { console.error(`check-report: ${reportPath} does not exist`); process.exit(2); }

export function findChromium() {
  for (const c of [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (!c) continue;
    try { execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'pipe' }); return c; } catch { /* next */ }
  }
  return null;
}

const chromium = findChromium();
if (!chromium) { console.error('check-report: chromium not found (Debian: apt-get install chromium)'); process.exit(3); }

const profile = mkdtempSync(join(tmpdir(), 'rusle-chromium-'));
const base = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--hide-scrollbars', `--user-data-dir=${profile}`, '--virtual-time-budget=5000'];
const url = pathToFileURL(reportPath).href;
const failures = [];
try {
  const dom = execFileSync(chromium, [...base, '--dump-dom', url], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  const imgs = [...dom.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
  const decoded = imgs.filter((t) => /data-decoded="yes"/.test(t)).length;
  const status = /id="image-status"[^>]*data-total="(\d+)"[^>]*data-decoded="(\d+)"[^>]*data-failed="(\d+)"/.exec(dom);
  if (imgs.length < minImages) failures.push(`expected at least ${minImages} images, found ${imgs.length}`);
  if (decoded !== imgs.length) failures.push(`${imgs.length - decoded} of ${imgs.length} images did not decode`);
  if (!status) failures.push('#image-status was not filled in by the load handler (did the page script run?)');
  else if (status[3] !== '0') failures.push(`#image-status reports ${status[3]} failed images`);
  for (const id of ['inputs', 'citations', 'provenance', 'options']) {
    if (!dom.includes(`id="${id}"`)) failures.push(`section #${id} missing`);
  }
  if (!dom.includes('id="rate-table"') && !dom.includes('id="class-chart"')) failures.push('neither #rate-table nor #class-chart present');
  console.log(`check-report: ${imgs.length} images, ${decoded} decoded${status ? `; status ${status[2]}/${status[1]}` : ''}`);
  execFileSync(chromium, [...base, `--screenshot=${shot}`, '--window-size=1280,2000', url], { stdio: 'pipe', timeout: 120_000 });
  if (!existsSync(shot) || statSync(shot).size < 1000) failures.push(`screenshot ${shot} was not written`);
  else console.log(`check-report: screenshot ${shot} (${statSync(shot).size} bytes)`);
} catch (e) {
  failures.push(`chromium failed: ${e.stderr?.toString().split('\n').slice(-5).join(' ') ?? e.message}`);
} finally {
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const f of failures) console.error(`check-report: FAIL ${f}`);
  process.exit(1);
}
console.log('check-report: ok');
