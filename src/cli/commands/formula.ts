/**
 * `rusle formula`: evaluate one registered formula from the command line, or list them all.
 * @module
 */

import type { Command, OptionSpec } from '../command.js';
import { RusleError } from '../../raster/errors.js';
import { formulas } from '../../factors/index.js';
import { closestName, isNumberText } from '../flags.js';

function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Every input name of every formula, as string flags (both camelCase and kebab-case spellings). */
function inputOptions(): OptionSpec {
  const o: OptionSpec = { list: { type: 'boolean' } };
  for (const f of formulas.list()) {
    for (const i of f.inputs) {
      o[i.name] = { type: 'string' };
      o[flagOf(i.name)] = { type: 'string' };
    }
  }
  return o;
}

export const formulaCommand: Command = {
  name: 'formula',
  summary: 'evaluate a registered formula (S, L, m, K, C, e, R, …) with its inputs; --list shows them all',
  help: `Usage: rusle formula <id> --<input> <value> …
       rusle formula --list [--json]
       rusle formula <id>            (describe the formula: inputs with units and ranges, output, source)

Evaluates one formula of the registry with inputs named with their unit (e.g. --sandPct 40 or --sand-pct 40) and
prints the value and its unit. Inputs outside their valid range, missing or unknown inputs are errors (exit 2)
naming the input, its unit and its range. Inputs with a default may be omitted.

Flags:
  --list                  list every formula: id, title, inputs with units and ranges, output unit, citation
  --<input> <number>      an input of the formula (run 'rusle formula <id>' without inputs to see them)
  --json                  print {id, value, unit, inputs} (or the list) as JSON
  -h, --help              this help

Examples:
  rusle formula K.epic --sand-pct 40 --silt-pct 40 --clay-pct 20 --organic-carbon-pct 1
  rusle formula K.nomograph --silt-pct 55 --very-fine-sand-pct 10 --clay-pct 30 --organic-matter-pct 2.8 \\
        --structure-class 2 --permeability-class 4
  rusle formula e.brownFoster1987 --intensity-mm-h 25
  rusle formula --list
`,
  get options(): OptionSpec {
    return inputOptions();
  },
  async run(args, ctx) {
    if (args.values['list'] === true) {
      const list = formulas.list();
      if (ctx.json) return { json: list };
      for (const f of list) {
        const ins = f.inputs.map((i) => `${i.name} [${i.unit}${i.min !== undefined || i.max !== undefined ? `, ${i.min ?? '−∞'}…${i.max ?? '∞'}` : ''}${i.default !== undefined ? `, default ${i.default}` : ''}]`).join(', ');
        ctx.out(`${f.id.padEnd(30)} ${f.title}`);
        ctx.out(`${''.padEnd(30)} inputs: ${ins}`);
        ctx.out(`${''.padEnd(30)} output: ${f.output.name} [${f.output.unit}]`);
      }
      return 0;
    }
    const id = args.positionals[0];
    if (id === undefined) throw new RusleError('BAD_ARGUMENT', "give a formula id (e.g. 'rusle formula K.epic --sand-pct 40 …') or --list");
    if (args.positionals.length > 1) {
      throw new RusleError('BAD_ARGUMENT', `one formula id expected, got also '${args.positionals.slice(1).join("', '")}'; inputs are flags: 'rusle formula ${id} --<input> <number>' (run 'rusle formula ${id}' to see them)`);
    }
    const f = formulas.get(id);
    const inputs: Record<string, number> = {};
    const known = new Set(f.inputs.map((i) => i.name));
    for (const [k, v] of Object.entries(args.values)) {
      if (k === 'list' || k === 'help' || k === 'quiet' || k === 'json' || v === undefined) continue;
      const name = k.includes('-') ? k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) : k;
      if (!known.has(name)) {
        const close = closestName(flagOf(name), f.inputs.map((i) => flagOf(i.name)));
        throw new RusleError('BAD_VALUE', `${id}: unknown input --${k}${close !== undefined ? ` (did you mean --${close}?)` : ''}; inputs are ${f.inputs.map((i) => `--${flagOf(i.name)} (${i.unit})`).join(', ')}`);
      }
      const n = Number(v);
      if (typeof v !== 'string' || !isNumberText(v) || !Number.isFinite(n)) throw new RusleError('BAD_VALUE', `${id}: --${k} must be a number, got '${String(v)}'`);
      inputs[name] = n;
    }
    if (Object.keys(inputs).length === 0 && f.inputs.some((i) => i.default === undefined)) {
      // No inputs: describe the formula (its inputs with units and ranges, output, source).
      const { fn: _fn, check: _check, ...info } = f;
      if (ctx.json) return { json: info };
      ctx.out(`${f.id}: ${f.title}`);
      ctx.out(`  ${f.expression}`);
      for (const i of f.inputs) {
        const r = i.min !== undefined || i.max !== undefined ? ` [${i.min ?? '−∞'}, ${i.max ?? '∞'}]` : '';
        ctx.out(`  --${flagOf(i.name).padEnd(26)} ${(i.unit + r).padEnd(18)} ${i.description}${i.default !== undefined ? ` (default ${i.default})` : ''}`);
      }
      ctx.out(`  output: ${f.output.name} [${f.output.unit}] — ${f.output.description}`);
      ctx.out(`  source: ${f.citation}`);
      return 0;
    }
    const value = formulas.evaluate(id, inputs);
    if (ctx.json) return { json: { id, value, unit: f.output.unit, output: f.output.name, inputs } };
    ctx.out(`${f.output.name} = ${Number(value.toPrecision(6))} ${f.output.unit}   (${id})`);
    return 0;
  },
};
