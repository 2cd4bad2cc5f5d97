/**
 * A self-contained HTML report of a run: maps embedded as `data:` URIs, the conservation-rate table per zone, a bar
 * chart of the area per SL 190-2007 class (inline SVG), the inputs with checksums, the options, the formula
 * citations and the provenance. No network access, no external files: the page opens from disk or an e-mail.
 *
 * A small inline script marks every image `data-decoded="yes"|"no"` once the page has loaded and writes a summary
 * into `#image-status` (`data-total`, `data-decoded`, `data-failed`), so a headless browser (`--dump-dom`) can check
 * that every map decoded (scripts/check-report.mjs).
 * @module
 */

import { SL190_CLASS_COLORS, SL190_CLASS_NAMES, type Rgb } from '../../render/index.js';

/** A map to show. */
export interface ReportMap {
  /** Short id (used as the element id). */
  readonly id: string;
  /** Title. */
  readonly title: string;
  /** One or two sentences on what it shows and its scale. */
  readonly caption: string;
  /** PNG bytes. */
  readonly png: Uint8Array;
  /** File name of the PNG next to the report (shown as a link). */
  readonly file?: string;
}

/** One row of the conservation-rate table (the assess layer's JSON row layout). */
export interface ReportRateRow {
  /** Zone id. */
  readonly zone: number | string;
  /** Zone name. */
  readonly name: string;
  /** Level in the zone hierarchy (county, city, province, or a number). */
  readonly level?: number | string;
  /** Land area, km². */
  readonly landAreaKm2: number;
  /** Soil-loss area (light and above), km². */
  readonly lossAreaKm2: number;
  /** Conservation rate, %. */
  readonly rate: number;
  /** Area per class, slight to severe, km². */
  readonly classAreasKm2: readonly number[];
  /** Total soil loss, t/yr. */
  readonly soilLossT: number;
  /** Mean erosion modulus, t·km⁻²·yr⁻¹. */
  readonly meanModulus: number;
}

/** One input of the run. */
export interface ReportInputItem {
  /** Which input (DEM, R, K, …). */
  readonly name: string;
  /** What it is: a path, a constant, a table. */
  readonly source: string;
  /** sha256 of the file, when a file. */
  readonly sha256?: string;
  /** Notes (where a constant comes from). */
  readonly note?: string;
}

/** A citation shown in the report. */
export interface ReportCitation {
  /** Formula or method id. */
  readonly id: string;
  /** Title. */
  readonly title: string;
  /** Full citation. */
  readonly citation: string;
  /** DOI. */
  readonly doi?: string;
}

/** Everything the report shows. */
export interface ReportData {
  /** Page title. */
  readonly title: string;
  /** A line under the title. */
  readonly subtitle?: string;
  /** Key figures (label → formatted value). */
  readonly summary: readonly { readonly label: string; readonly value: string }[];
  /** Maps, in order. */
  readonly maps: readonly ReportMap[];
  /** The rate table per zone. */
  readonly rateTable?: readonly ReportRateRow[];
  /** Area per class over the whole area (km², slight to severe) for the bar chart. */
  readonly classAreasKm2?: readonly number[];
  /** Tolerance used for grading, t·km⁻²·yr⁻¹. */
  readonly toleranceTKm2?: number;
  /** Inputs. */
  readonly inputs: readonly ReportInputItem[];
  /** Options, shown as JSON. */
  readonly options: unknown;
  /** Citations of every formula and method used. */
  readonly citations: readonly ReportCitation[];
  /** Provenance (version, time, command, …), shown as JSON. */
  readonly provenance: unknown;
  /** Notes and warnings from the run. */
  readonly notes?: readonly string[];
  /** Output files (relative names) to list. */
  readonly files?: readonly string[];
  /** A before/after comparison of two years (the monitoring report). */
  readonly comparison?: ReportComparison;
}

/** The before/after section of a monitoring report. */
export interface ReportComparison {
  /** Labels of the two years. */
  readonly labels: readonly [string, string];
  /** The two class maps side by side, then further maps (patches by risk). */
  readonly maps: readonly ReportMap[];
  /** Key figures per year: label, value before, value after, change. */
  readonly figures: readonly { readonly label: string; readonly before: string; readonly after: string; readonly change: string }[];
  /** Zones whose rate fell, ranked. */
  readonly worsened: readonly { readonly rank: number; readonly zone: string; readonly name: string; readonly rate1: number; readonly rate2: number; readonly rateChange: number; readonly lossAreaChangeKm2: number }[];
  /** The warning list of the disturbance patches. */
  readonly warnings: readonly { readonly rank: number; readonly patch: string; readonly type: string; readonly areaHa: number; readonly disturbedModulus: number; readonly addedSoilLossT: number; readonly risk: string }[];
  /** Class-transition matrix of the whole area, km² (row = year 1 class, column = year 2 class). */
  readonly matrixKm2?: readonly (readonly number[])[];
}

function comparisonHtml(c: ReportComparison): string {
  const fig = (m: ReportMap): string => `<figure id="map-${escapeHtml(m.id)}"><img alt="${escapeHtml(m.title)}" src="data:image/png;base64,${Buffer.from(m.png).toString('base64')}">`
    + `<figcaption><b>${escapeHtml(m.title)}</b>. ${escapeHtml(m.caption)}${m.file ? ` <a href="${escapeHtml(m.file)}">${escapeHtml(m.file)}</a>` : ''}</figcaption></figure>`;
  const figures = `<table id="comparison-figures"><thead><tr><th></th><th>${escapeHtml(c.labels[0])}</th><th>${escapeHtml(c.labels[1])}</th><th>change</th></tr></thead><tbody>${c.figures.map((f) =>
    `<tr><td style="text-align:left">${escapeHtml(f.label)}</td><td>${escapeHtml(f.before)}</td><td>${escapeHtml(f.after)}</td><td>${escapeHtml(f.change)}</td></tr>`).join('')}</tbody></table>`;
  const matrix = c.matrixKm2 ? `<h3>Class transitions (km², rows ${escapeHtml(c.labels[0])}, columns ${escapeHtml(c.labels[1])})</h3><table id="transition-matrix"><thead><tr><th></th>${SL190_CLASS_NAMES.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr></thead><tbody>${c.matrixKm2.map((row, i) =>
    `<tr><td style="text-align:left">${escapeHtml(SL190_CLASS_NAMES[i] ?? String(i + 1))}</td>${row.map((v) => `<td>${num(v, 4)}</td>`).join('')}</tr>`).join('')}</tbody></table>` : '';
  const worse = c.worsened.length > 0 ? `<h3>Zones whose conservation rate fell</h3><table id="worsened-zones"><thead><tr><th>rank</th><th>zone</th><th>name</th><th>rate ${escapeHtml(c.labels[0])} %</th><th>rate ${escapeHtml(c.labels[1])} %</th><th>change, points</th><th>soil-loss area change km²</th></tr></thead><tbody>${c.worsened.map((w) =>
    `<tr><td>${w.rank}</td><td>${escapeHtml(w.zone)}</td><td style="text-align:left">${escapeHtml(w.name)}</td><td>${num(w.rate1)}</td><td>${num(w.rate2)}</td><td>${num(w.rateChange)}</td><td>${num(w.lossAreaChangeKm2, 4)}</td></tr>`).join('')}</tbody></table>` : '<p>No zone got worse.</p>';
  const warn = `<h3>Warning list: disturbance patches found between the dates</h3>${c.warnings.length > 0 ? `<table id="warning-list"><thead><tr><th>rank</th><th>patch</th><th>type</th><th>area ha</th><th>disturbed modulus t/km²/yr</th><th>added soil loss t/yr</th><th>risk</th></tr></thead><tbody>${c.warnings.map((w) =>
    `<tr><td>${w.rank}</td><td>${escapeHtml(w.patch)}</td><td>${escapeHtml(w.type)}</td><td>${num(w.areaHa)}</td><td>${num(w.disturbedModulus, 0)}</td><td>${num(w.addedSoilLossT, 1)}</td><td class="risk-${escapeHtml(w.risk)}">${escapeHtml(w.risk)}</td></tr>`).join('')}</tbody></table>` : '<p>No patch was found.</p>'}`;
  return `<h2 id="before-after">Before and after: ${escapeHtml(c.labels[0])} → ${escapeHtml(c.labels[1])}</h2>
${figures}
<div class="maps">
${c.maps.map(fig).join('\n')}
</div>
${matrix}
${worse}
${warn}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function rgb(c: Rgb): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function num(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Math.min(digits, Math.abs(v) >= 1000 ? 0 : digits) });
}

/** The bar chart of area per class, as an SVG element (inline). */
export function classAreaChartSvg(areasKm2: readonly number[], toleranceTKm2?: number): string {
  const W = 640, H = 280, left = 110, right = 20, top = 20, bottom = 50;
  const total = areasKm2.reduce((s, v) => s + v, 0);
  const max = Math.max(...areasKm2, 1e-12);
  const bw = (W - left - right) / areasKm2.length;
  const bars = areasKm2.map((a, i) => {
    const h = ((H - top - bottom) * a) / max;
    const x = left + i * bw + bw * 0.15;
    const y = H - bottom - h;
    const pct = total > 0 ? (100 * a) / total : 0;
    const name = SL190_CLASS_NAMES[i] ?? `class ${i + 1}`;
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${rgb(SL190_CLASS_COLORS[i + 1] ?? [128, 128, 128])}" stroke="#333" stroke-width="0.5"><title>${escapeHtml(name)}: ${num(a, 3)} km² (${num(pct, 1)} %)</title></rect>`
      + `<text x="${(x + bw * 0.35).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${num(pct, 1)} %</text>`
      + `<text x="${(x + bw * 0.35).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle" font-size="12">${escapeHtml(name)}</text>`;
  }).join('');
  const axis = `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="#333"/>`
    + `<line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="#333"/>`
    + `<text x="${left - 8}" y="${top + 4}" text-anchor="end" font-size="11">${num(max, 2)} km²</text>`
    + `<text x="${left - 8}" y="${H - bottom}" text-anchor="end" font-size="11">0</text>`
    + `<text x="${(left + W - right) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">SL 190-2007 intensity class${toleranceTKm2 !== undefined ? ` (tolerance ${toleranceTKm2} t·km⁻²·yr⁻¹)` : ''}</text>`;
  return `<svg id="class-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Area per intensity class">${axis}${bars}</svg>`;
}

function rateTableHtml(rows: readonly ReportRateRow[]): string {
  const head = ['zone', 'name', 'level', 'land km²', ...SL190_CLASS_NAMES.map((n) => `${n} km²`), 'loss area km²', 'rate %', 'soil loss t/yr', 'mean modulus t·km⁻²·yr⁻¹'];
  const body = rows.map((r) => `<tr><td>${escapeHtml(String(r.zone))}</td><td>${escapeHtml(r.name)}</td><td>${escapeHtml(String(r.level ?? ''))}</td>`
    + `<td>${num(r.landAreaKm2, 3)}</td>${r.classAreasKm2.map((a) => `<td>${num(a, 3)}</td>`).join('')}`
    + `<td>${num(r.lossAreaKm2, 3)}</td><td><b>${num(r.rate, 2)}</b></td><td>${num(r.soilLossT, 0)}</td><td>${num(r.meanModulus, 1)}</td></tr>`).join('\n');
  return `<table id="rate-table"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px;line-height:1.45}
h1{margin-bottom:0}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
.sub{color:#555;margin-top:4px}
.summary{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px;background:#fafafa}
.card .v{font-size:1.3em;font-weight:600}.card .l{color:#555;font-size:.85em}
.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px;background:#fff}
figure img{max-width:100%;height:auto;display:block;margin:auto;background:repeating-conic-gradient(#eee 0% 25%,#fff 0% 50%) 50%/16px 16px}
figcaption{font-size:.9em;color:#444;margin-top:6px}
table{border-collapse:collapse;font-size:.85em;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f0f0f0}td:nth-child(2),td:nth-child(1){text-align:left}
pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:.8em;max-height:420px}
.notes li{color:#7a4b00}
code{background:#f3f3f3;padding:0 3px}
`;

const SCRIPT = `
window.addEventListener('load', function () {
  var imgs = document.querySelectorAll('img');
  var ok = 0, failed = 0;
  imgs.forEach(function (img) {
    var good = img.complete && img.naturalWidth > 0 && img.naturalHeight > 0;
    img.setAttribute('data-decoded', good ? 'yes' : 'no');
    img.setAttribute('data-natural-size', img.naturalWidth + 'x' + img.naturalHeight);
    if (good) ok++; else failed++;
  });
  var s = document.getElementById('image-status');
  s.setAttribute('data-total', String(imgs.length));
  s.setAttribute('data-decoded', String(ok));
  s.setAttribute('data-failed', String(failed));
  s.textContent = ok + ' of ' + imgs.length + ' maps decoded' + (failed ? ', ' + failed + ' failed' : '');
});
`;

/**
 * Renders the report as one HTML document (UTF-8).
 *
 * @example
 * ```ts
 * await writeFileAtomic('out/report.html', reportHtml({ title: 'Run', summary: [], maps: [], inputs: [], options: {}, citations: [], provenance: {} }));
 * ```
 */
export function reportHtml(data: ReportData): string {
  const comparison = data.comparison ? comparisonHtml(data.comparison) : '';
  const maps = data.maps.map((m) => `<figure id="map-${escapeHtml(m.id)}"><img alt="${escapeHtml(m.title)}" src="data:image/png;base64,${Buffer.from(m.png).toString('base64')}">`
    + `<figcaption><b>${escapeHtml(m.title)}</b>. ${escapeHtml(m.caption)}${m.file ? ` <a href="${escapeHtml(m.file)}">${escapeHtml(m.file)}</a>` : ''}</figcaption></figure>`).join('\n');
  const summary = data.summary.map((s) => `<div class="card"><div class="v">${escapeHtml(s.value)}</div><div class="l">${escapeHtml(s.label)}</div></div>`).join('');
  const inputs = `<table id="inputs"><thead><tr><th>input</th><th>source</th><th>sha256</th><th>note</th></tr></thead><tbody>${data.inputs.map((i) =>
    `<tr><td>${escapeHtml(i.name)}</td><td style="text-align:left"><code>${escapeHtml(i.source)}</code></td><td style="text-align:left"><code>${escapeHtml(i.sha256 ? i.sha256.slice(0, 16) + '…' : '')}</code></td><td style="text-align:left">${escapeHtml(i.note ?? '')}</td></tr>`).join('')}</tbody></table>`;
  const cites = `<ol id="citations">${data.citations.map((c) => `<li><code>${escapeHtml(c.id)}</code> — ${escapeHtml(c.title)}. ${escapeHtml(c.citation)}${c.doi ? ` <a href="https://doi.org/${escapeHtml(c.doi)}">doi:${escapeHtml(c.doi)}</a>` : ''}</li>`).join('')}</ol>`;
  const notes = data.notes && data.notes.length > 0 ? `<h2>Notes</h2><ul class="notes">${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  const chart = data.classAreasKm2 ? `<h2>Area per intensity class</h2>${classAreaChartSvg(data.classAreasKm2, data.toleranceTKm2)}` : '';
  const table = data.rateTable && data.rateTable.length > 0 ? `<h2>Soil and water conservation rate per zone</h2>
<p>Conservation rate = (land area − area at light intensity or above) / land area (SL 190-2007 classes; areas are true cell areas).</p>
${rateTableHtml(data.rateTable)}` : '';
  const files = data.files && data.files.length > 0 ? `<h2>Files written</h2><ul>${data.files.map((f) => `<li><a href="${escapeHtml(f)}">${escapeHtml(f)}</a></li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(data.title)}</h1>
${data.subtitle ? `<p class="sub">${escapeHtml(data.subtitle)}</p>` : ''}
<div class="summary">${summary}</div>
<p id="image-status" data-total="${data.maps.length + (data.comparison?.maps.length ?? 0)}" data-decoded="" data-failed="">${data.maps.length + (data.comparison?.maps.length ?? 0)} maps (status set when the page has loaded)</p>
${notes}
${comparison}
<h2>Maps</h2>
<div class="maps">
${maps}
</div>
${chart}
${table}
<h2>Inputs</h2>
${inputs}
<h2>Options</h2>
<pre id="options">${escapeHtml(JSON.stringify(data.options, null, 2))}</pre>
<h2>Methods and citations</h2>
${cites}
<h2>Provenance</h2>
<pre id="provenance">${escapeHtml(JSON.stringify(data.provenance, null, 2))}</pre>
${files}
<script>${SCRIPT}</script>
</body></html>
`;
}
