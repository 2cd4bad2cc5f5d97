/**
 * `rusle monitor`: the annual monitoring comparison of two pipeline runs — class-change matrix, rate change per zone
 * with the worsened zones ranked, the disturbance patches found between the two dates with their risk, and the share
 * of the soil-loss increase inside them; CSV/GeoJSON files and an HTML report with a before/after section.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { readRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import { changeTableToCsv } from '../../assess/change.js';
import { detectDisturbance, disturbancePatchesToCsv, type DisturbanceOptions } from '../../assess/disturbance.js';
import { gradeIntensity } from '../../assess/grading.js';
import { annualMonitoring } from '../../assess/monitor.js';
import { disturbanceRisk, riskTableToCsv, type RiskResult } from '../../assess/risk.js';
import { zonesFromGeoJson, zonesFromRaster, type ZoneLayer } from '../../assess/zones.js';
import { configTolerance, loadPipelineConfig, type MonitoringSpec, type PipelineConfig } from '../pipeline/config.js';
import { alignTo } from '../../raster/align.js';
import { runPipeline } from '../pipeline/run.js';
import { reportHtml } from '../report/html.js';
import { patchRiskMapPng } from '../report/patch-map.js';
import { classMapPng, sl190ClassStyles } from '../../render/maps.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { hooksFor } from './run.js';
import { transitionsFlag } from './disturbance.js';
import { choiceFlag, stringFlag } from '../flags.js';

/** A factor of a finished run: its raster file in the output folder, else its constant, else 1. */
async function runFactor(cfg: PipelineConfig, name: 'C' | 'P' | 'B' | 'E' | 'T', grid: Raster['grid']): Promise<Raster | number> {
  const f = join(cfg.output.folder, `${name}.tif`);
  if (existsSync(f)) {
    const r = await readRaster(f);
    return r.grid.equals(grid) ? r : alignTo(r, grid, `${name}.tif`).raster;
  }
  const spec = cfg.inputs.factors[name];
  return spec && spec.type === 'constant' ? spec.value : 1;
}

function product(a: Raster | number, b: Raster | number): Raster | number {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const r = (typeof a === 'number' ? b : a) as Raster;
  const out = new Float32Array(r.data.length);
  for (let i = 0; i < out.length; i++) {
    const x = typeof a === 'number' ? a : a.isNodataAt(i) ? NaN : a.data[i]!;
    const y = typeof b === 'number' ? b : b.isNodataAt(i) ? NaN : b.data[i]!;
    out[i] = x * y;
  }
  return new Raster(r.grid, out);
}

async function zonesOf(cfg: PipelineConfig, grid: Raster['grid']): Promise<ZoneLayer | null> {
  const z = cfg.inputs.zones;
  if (!z) return null;
  if (z.format === 'geojson') {
    return zonesFromGeoJson(JSON.parse(readFileSync(z.path, 'utf8')), grid, {
      ...(z.idField ? { zoneField: z.idField } : {}), ...(z.nameField ? { nameField: z.nameField } : {}), allTouched: z.allTouched,
    });
  }
  const r = await readRaster(z.path);
  return zonesFromRaster(r.grid.equals(grid) ? r : alignTo(r, grid, 'zones').raster);
}

function fmt(v: number, d = 2): string {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d }) : '–';
}

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'annual monitoring: compare two pipeline runs — class changes, worsened zones, disturbance patches and their risk',
  help: `Usage: rusle monitor <year1.json> <year2.json> [-o folder] [--before B.tif --after A.tif [--mode ndvi|fvc|landcover]] [--reuse]

Runs the two pipeline configs (or, with --reuse, takes their existing A.tif), then compares them: the SL 190-2007
class-change matrix and the conservation-rate change per zone, with the zones that got worse ranked; the disturbance
patches found between the two dates of imagery (the 'monitoring' section of year2.json, or --before/--after) with
their risk (bare soil on year 1's A, C and P); and the share of the soil-loss increase that lies inside the patches.
Both runs must share the grid, the units of A and the tolerance.

Writes into the folder: change.csv, worsened-zones.csv, patches.geojson (lon/lat, with risk), patches.csv,
warnings.csv, patches-map.png, monitor.json and report.html (before/after section and the warning list).

Flags:
  -o, --output DIR      output folder (default monitor-output)
  --before FILE         first date of imagery (overrides the monitoring section)
  --after FILE          second date of imagery
  --mode M              ndvi, fvc or landcover (default: the section's, else ndvi)
  --transitions T       landcover transitions: cnlucc, worldcover, seims or a file
  --reuse               use the runs' existing A.tif instead of running the pipelines

Example:
  rusle monitor 2022.json 2023.json -o monitoring-2023`,
  options: {
    output: { type: 'string', short: 'o' },
    before: { type: 'string' },
    after: { type: 'string' },
    mode: { type: 'string' },
    transitions: { type: 'string' },
    reuse: { type: 'boolean' },
  },
  async run(args, ctx: CommandContext) {
    const [p1, p2] = args.positionals;
    if (!p1 || !p2) throw new RusleError('BAD_ARGUMENT', 'usage: rusle monitor <year1.json> <year2.json> [-o folder]');
    const v = args.values;
    const s = (k: string): string | undefined => stringFlag(v, k);
    const cfgs = [loadPipelineConfig(resolve(ctx.cwd, p1)), loadPipelineConfig(resolve(ctx.cwd, p2))] as const;
    const labels = [basename(p1).replace(/\.json$/i, ''), basename(p2).replace(/\.json$/i, '')] as [string, string];
    if (cfgs[0].output.folder === cfgs[1].output.folder) throw new RusleError('BAD_CONFIG', `${p1} and ${p2} write to the same output folder ${cfgs[0].output.folder}; give each year its own output.folder`);
    if (cfgs[0].output.units !== cfgs[1].output.units) throw new RusleError('BAD_CONFIG', `the two runs write A in different units (${cfgs[0].output.units} vs ${cfgs[1].output.units})`);
    const T = configTolerance(cfgs[1]);
    if (configTolerance(cfgs[0]) !== T) throw new RusleError('BAD_CONFIG', `the two runs grade with different tolerances (${configTolerance(cfgs[0])} vs ${T} t/km2/yr)`);
    const units = cfgs[1].output.units;
    for (const [k, cfg] of cfgs.entries()) {
      const a = join(cfg.output.folder, 'A.tif');
      if (v['reuse'] === true && existsSync(a)) { ctx.out(`${labels[k]}: reusing ${a}`); continue; }
      ctx.out(`${labels[k]}: running ${cfg.file}`);
      await runPipeline(cfg, hooksFor(ctx, `${labels[k]} `));
    }
    const [a1, a2] = await Promise.all(cfgs.map((c) => readRaster(join(c.output.folder, 'A.tif')))) as [Raster<FloatArray>, Raster<FloatArray>];
    const grid = a1.grid;
    const zones = await zonesOf(cfgs[1], grid);

    // Imagery: flags, else the monitoring section of the second config.
    const sec: Partial<MonitoringSpec> = cfgs[1].monitoring ?? {};
    const before = s('before') ? resolve(ctx.cwd, s('before')!) : sec.before;
    const after = s('after') ? resolve(ctx.cwd, s('after')!) : sec.after;
    let patchesOnA: Raster | undefined;
    let risk: RiskResult | undefined;
    let found: ReturnType<typeof detectDisturbance> | undefined;
    const out = resolve(ctx.cwd, s('output') ?? 'monitor-output');
    await mkdir(out, { recursive: true });
    const files: string[] = [];
    const write = async (name: string, text: string): Promise<void> => { await writeFileAtomic(join(out, name), text); files.push(name); };
    if (before && after) {
      const mode = choiceFlag(v, 'mode', ['ndvi', 'fvc', 'landcover'] as const, sec.mode ?? 'ndvi');
      const opts: DisturbanceOptions = { mode, align: 'whole-cells', opening: sec.opening ?? false, minPatchCells: sec.minPatchCells ?? 4 };
      if (sec.minDrop !== undefined) opts.minDrop = sec.minDrop;
      if (sec.maxAfter !== undefined) opts.maxAfter = sec.maxAfter;
      const tr = s('transitions') ?? sec.transitions;
      if (tr) opts.transitions = transitionsFlag(tr, ctx);
      if (sec.cloudBefore) opts.cloudBefore = await readRaster(sec.cloudBefore);
      if (sec.cloudAfter) opts.cloudAfter = await readRaster(sec.cloudAfter);
      found = detectDisturbance(await readRaster(before), await readRaster(after), opts);
      for (const w of found.warnings) ctx.err(`rusle monitor: note: ${w}`);
      patchesOnA = found.labels.grid.equals(grid) ? found.labels : alignTo(found.labels, grid, 'the patch labels').raster;
      if (found.patches.length > 0) {
        const csle = cfgs[0].model === 'csle';
        const C = await runFactor(cfgs[0], csle ? 'B' : 'C', grid);
        const P = csle ? product(await runFactor(cfgs[0], 'E', grid), await runFactor(cfgs[0], 'T', grid)) : await runFactor(cfgs[0], 'P', grid);
        risk = disturbanceRisk(a1, found.geojson, { units, tolerance: T, factors: { C, P }, idField: 'id', typeField: 'type' });
        for (const w of risk.warnings) ctx.err(`rusle monitor: warning: ${w}`);
        const byId = new Map(risk.rows.map((r) => [Number(r.patch), r]));
        for (const f of found.geojson.features) {
          const r = byId.get(f.id);
          if (r) Object.assign(f.properties, { rank: r.rank, risk: r.risk, disturbedModulus: r.disturbedModulus, addedSoilLossT: r.addedSoilLossT });
        }
      }
      await write('patches.geojson', JSON.stringify(found.geojson) + '\n');
      await write('patches.csv', disturbancePatchesToCsv(found.patches));
      await write('warnings.csv', riskTableToCsv(risk ?? { rows: [] }));
    } else {
      ctx.err('rusle monitor: note: no imagery (no monitoring section in the second config and no --before/--after): patches are not searched');
    }
    const m = annualMonitoring(a1, a2, zones, { units, tolerance: T, ...(patchesOnA ? { patches: patchesOnA } : {}) });
    for (const w of m.change.warnings) ctx.err(`rusle monitor: warning: ${w}`);
    await write('change.csv', changeTableToCsv(m.change));
    await write('worsened-zones.csv', '\ufeffrank,zone,name,level,rate1,rate2,rateChange,lossAreaChangeKm2\n' + m.worsened.map((w) =>
      [w.rank, w.zone, `"${String(w.name).replace(/"/g, '""')}"`, w.level, +w.rate1.toFixed(4), +w.rate2.toFixed(4), +w.rateChange.toFixed(4), +w.lossAreaChangeKm2.toFixed(6)].join(',')).join('\n') + '\n');

    // Maps and report.
    const styles = sl190ClassStyles(T);
    const map1 = classMapPng(gradeIntensity(a1, { units, tolerance: T }), { title: `${labels[0]} classes (t/km2/yr)`, classes: styles, maxSize: cfgs[1].output.maxMapSize });
    const map2 = classMapPng(gradeIntensity(a2, { units, tolerance: T }), { title: `${labels[1]} classes (t/km2/yr)`, classes: styles, maxSize: cfgs[1].output.maxMapSize });
    const cmpMaps = [
      { id: 'classes-before', title: `Intensity classes, ${labels[0]}`, caption: 'SL 190-2007 classes of the first run.', png: map1.png },
      { id: 'classes-after', title: `Intensity classes, ${labels[1]}`, caption: 'SL 190-2007 classes of the second run.', png: map2.png },
    ];
    if (patchesOnA) {
      const byId = new Map((risk?.rows ?? []).map((r) => [Number(r.patch), r.risk]));
      const png = patchRiskMapPng(patchesOnA, (id) => byId.get(id), { title: 'Disturbance patches by risk', background: { kind: 'soil-loss', raster: a2 } });
      await writeFileAtomic(join(out, 'patches-map.png'), png);
      files.push('patches-map.png');
      cmpMaps.push({ id: 'patches', title: 'Disturbance patches by risk', caption: `Patches found between the dates, coloured by risk class, over the ${labels[1]} soil-loss map (grey, darker = more loss).`, png });
    }
    const total = m.change.rows[0]!;
    const inc = m.increase;
    const summary = {
      labels, units, toleranceTKm2: T,
      rate1: total.rate1, rate2: total.rate2, rateChange: total.rateChange,
      lossArea1Km2: total.lossArea1Km2, lossArea2Km2: total.lossArea2Km2,
      patches: found?.patches.length ?? null, patchAreaHa: found ? found.patches.reduce((t, p) => t + p.areaM2, 0) / 1e4 : null,
      highRisk: risk ? risk.rows.filter((r) => r.risk === 'high').length : null, maskedShare: found?.maskedShare ?? null,
      soilLossIncreaseT: inc.increaseT, increaseInPatchesT: inc.inPatchesT, shareOfIncreaseInPatches: Number.isFinite(inc.shareInPatches) ? inc.shareInPatches : null,
      netChangeT: inc.netChangeT, worsenedZones: m.worsened.map((w) => ({ rank: w.rank, zone: w.zone, name: w.name, rateChange: w.rateChange })),
    };
    await write('monitor.json', JSON.stringify(summary, null, 2) + '\n');
    const html = reportHtml({
      title: `Annual monitoring: ${labels[0]} → ${labels[1]}`,
      subtitle: `${cfgs[1].name}; tolerance ${T} t/km²/yr; A in ${units}`,
      summary: [
        { label: `conservation rate ${labels[1]}`, value: `${fmt(total.rate2)} %` },
        { label: 'rate change', value: `${total.rateChange >= 0 ? '+' : ''}${fmt(total.rateChange)} points` },
        { label: 'zones worse', value: String(m.worsened.length) },
        { label: 'disturbance patches', value: found ? String(found.patches.length) : '–' },
        { label: 'share of soil-loss increase in patches', value: Number.isFinite(inc.shareInPatches) ? `${fmt(100 * inc.shareInPatches, 1)} %` : '–' },
      ],
      maps: [],
      comparison: {
        labels, maps: cmpMaps, matrixKm2: total.transitionKm2,
        figures: [
          { label: 'conservation rate, %', before: fmt(total.rate1), after: fmt(total.rate2), change: fmt(total.rateChange) },
          { label: 'soil-loss area, km²', before: fmt(total.lossArea1Km2, 4), after: fmt(total.lossArea2Km2, 4), change: fmt(total.lossAreaChangeKm2, 4) },
          { label: 'soil-loss increase, t/yr (inside patches)', before: '', after: `${fmt(inc.increaseT, 1)} (${fmt(inc.inPatchesT, 1)})`, change: '' },
        ],
        worsened: m.worsened.map((w) => ({ rank: w.rank, zone: String(w.zone), name: w.name, rate1: w.rate1, rate2: w.rate2, rateChange: w.rateChange, lossAreaChangeKm2: w.lossAreaChangeKm2 })),
        warnings: (risk?.rows ?? []).map((r) => ({ rank: r.rank, patch: String(r.patch), type: r.type, areaHa: r.areaKm2 * 100, disturbedModulus: r.disturbedModulus, addedSoilLossT: r.addedSoilLossT, risk: r.risk })),
      },
      inputs: [
        { name: `${labels[0]} run`, source: cfgs[0].file }, { name: `${labels[1]} run`, source: cfgs[1].file },
        ...(before ? [{ name: 'imagery before', source: before }] : []), ...(after ? [{ name: 'imagery after', source: after }] : []),
      ],
      options: { units, toleranceTKm2: T, detection: found?.settings ?? null },
      citations: [],
      provenance: { command: `rusle monitor ${p1} ${p2}`, time: new Date().toISOString() },
      notes: [...(found?.warnings ?? []), ...(risk?.warnings ?? []), ...m.change.warnings],
      files: [...files, 'report.html'],
    });
    await writeFileAtomic(join(out, 'report.html'), html);
    files.push('report.html');
    ctx.out(`wrote ${files.length} files to ${out}: rate ${fmt(total.rate1)} → ${fmt(total.rate2)} %, ${m.worsened.length} zones worse, ${found ? `${found.patches.length} patches` : 'no imagery'}${Number.isFinite(inc.shareInPatches) ? `, ${fmt(100 * inc.shareInPatches, 1)} % of the soil-loss increase inside them` : ''}`);
    return { json: { folder: out, files, ...summary } };
  },
};
