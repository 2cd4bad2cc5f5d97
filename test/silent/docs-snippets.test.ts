import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const ROOT = resolve('.');

/** Code blocks of a language in a Markdown file. */
function blocks(file: string, lang: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** Names a china-monitoring fragment uses without defining them: imported from 'rusle' or declared. */
const FRAGMENT_IMPORTS = ['gradeIntensity', 'RateAccumulator', 'csleSoilLoss', 'rateBlockHook', 'planTarget'];
const FRAGMENT_DECLS = 'declare const A: Raster; declare const layer: ZoneLayer; declare const factors: CsleFactors;\n'
  + 'declare const C: Raster; declare const P: Raster; declare const landCover: Raster; declare const slopeDegrees: Raster;\n';

function fragmentSource(code: string): string {
  const own = new Set([...code.matchAll(/import\s*\{([^}]*)\}\s*from 'rusle'/g)].flatMap((m) => m[1]!.split(',').map((x) => x.trim())));
  const names = FRAGMENT_IMPORTS.filter((n) => !own.has(n));
  return `import type { Raster, ZoneLayer, CsleFactors } from 'rusle';\n${names.length ? `import { ${names.join(', ')} } from 'rusle';\n` : ''}${FRAGMENT_DECLS}${code}\nexport {};\n`;
}

describe('documentation snippets', () => {
  it('the README, getting-started and china-monitoring library snippets type-check under tsc --strict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-docs-'));
    const files: string[] = [];
    for (const [file, lang] of [['README.md', 'js'], ['docs/getting-started.md', 'js']] as const) {
      blocks(file, lang).forEach((code, i) => {
        const name = `${file.replace(/\W+/g, '_')}_${i}.ts`;
        writeFileSync(join(dir, name), `${code}\nexport {};\n`);
        files.push(name);
      });
    }
    blocks('docs/china-monitoring.md', 'ts').forEach((code, i) => {
      const name = `china_monitoring_${i}.ts`;
      writeFileSync(join(dir, name), fragmentSource(code));
      files.push(name);
    });
    expect(files.length).toBeGreaterThanOrEqual(5);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true,
        types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], paths: { rusle: [join(ROOT, 'src/index.ts')] },
      },
      include: files,
    }));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);

  it('the getting-started snippet explains the 11.20 km² it prints against the demo’s 6.58 km²', () => {
    const code = blocks('docs/getting-started.md', 'js')[0]!.replace("from 'rusle'", `from '${resolve('dist/index.js')}'`);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: ROOT });
    expect(r.stdout).toMatch(/ of 11\.20 km²/);
    const md = readFileSync('docs/getting-started.md', 'utf8');
    expect(md).toMatch(/\*\*11\.20 km²\*\*[\s\S]*\*\*6\.58 km²\*\*/);
  });

  it('docs/china-monitoring.md has no wording about "the issue"', () => {
    expect(readFileSync('docs/china-monitoring.md', 'utf8')).not.toMatch(/the issue'?s?/i);
  });

  it('the china-monitoring `rate … --hierarchy admin-codes` command runs on the bundled county zones (350821 → 350800 → 350000)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rusle-docs-rate-'));
    const cmds = blocks('docs/china-monitoring.md', 'sh').find((b) => b.includes('youwuzhen-county.geojson'));
    expect(cmds).toBeDefined();
    const lines = cmds!.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('rusle '));
    expect(lines).toHaveLength(2);
    const args = (l: string) => l.replace(/^rusle /, '').split(/\s+/).map((a) => (a === 'out/youwuzhen' ? join(out, 'youwuzhen') : a === 'out/youwuzhen/A.tif' ? join(out, 'youwuzhen', 'A.tif') : a === 'rate.csv' ? join(out, 'rate.csv') : a));
    const run = await cli(args(lines[0]!), ROOT);
    expect(run.err).toBe('');
    expect(run.status).toBe(0);
    const rate = await cli(args(lines[1]!), ROOT);
    expect(rate.err).not.toMatch(/rusle rate: [A-Z_]+:/);
    expect(rate.status).toBe(0);
    const csv = readFileSync(join(out, 'rate.csv'), 'utf8');
    for (const code of ['350000', '350800', '350821']) expect(csv).toContain(code);
    expect(csv).toContain('长汀县');
  }, 300_000);

  it('examples/reach-target.mjs ends with a message that says what the priority ranks are', () => {
    const r = spawnSync(process.execPath, ['examples/reach-target.mjs'], { encoding: 'utf8', cwd: ROOT, timeout: 300_000 });
    expect(r.status).toBe(0);
    const last = r.stdout.trim().split('\n').pop()!;
    expect(last).not.toMatch(/cells are among the first 100 to treat/);
    expect(last).toMatch(/^\d+ cells are ranked 1–100 within their zone \(the first 100 to treat in each of \d+ zones/);
  }, 300_000);
});
