/**
 * Lookup tables of factor values by class code, parsed from CSV or JSON text (no file I/O here: the CLI or the
 * caller reads the file).
 *
 * Formats:
 * - CSV with a header row; lines starting with `#` are comments; fields may be quoted (`"a,b"`). The InVEST
 *   biophysical table (`lucode, usle_c, usle_p, …`) is the reference example (`data/willamette/biophysical_table.csv`).
 * - JSON: an array of row objects (`[{"lucode": 1, "usle_c": 0.2}, …]`) or an object mapping code → value
 *   (`{"1": 0.2, "2": 0.05}`).
 * - The SEIMS/SWAT soil lookup (`data/youwuzhen/soil_properties_lookup.csv`): one row per soil (`SEQN`), layered
 *   columns whose values are joined by `-` (`SOL_CLAY = 15.66-17.36-20.94`), top layer first.
 *   {@link soilTableFromSeims} takes the top layer.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';

/** A factor value per integer class code. */
export type LookupTable = ReadonlyMap<number, number>;

/** Parses CSV text into header and rows (strings). Comment lines (`#`) and blank lines are skipped. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: string[][] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const fields: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') { fields.push(cur.trim()); cur = ''; }
      else cur += ch;
    }
    fields.push(cur.trim());
    out.push(fields);
  }
  if (out.length === 0) throw new RusleError('BAD_TABLE', 'CSV table is empty (no header row)');
  return { header: out[0]!, rows: out.slice(1) };
}

function findColumn(header: string[], name: string, what: string): number {
  const lower = name.toLowerCase();
  const i = header.findIndex((h) => h.toLowerCase() === lower);
  if (i < 0) throw new RusleError('BAD_TABLE', `${what}: no column '${name}' in the table; columns are ${header.join(', ')}`, { column: name });
  return i;
}

function toCode(v: unknown, where: string): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n)) throw new RusleError('BAD_TABLE', `${where}: class code '${String(v)}' is not an integer`);
  return n;
}

function toValue(v: unknown, where: string): number {
  const n = typeof v === 'number' ? v : String(v).trim() === '' ? NaN : Number(String(v).trim());
  if (!Number.isFinite(n)) throw new RusleError('BAD_TABLE', `${where}: value '${String(v)}' is not a finite number`);
  return n;
}

/** Options of {@link parseLookupTable}. */
export interface LookupTableOptions {
  /** Column holding the class code. @defaultValue `'lucode'` */
  readonly keyColumn?: string;
  /** Column holding the value (`usle_c`, `usle_p`, …). Required for CSV and JSON row arrays. */
  readonly valueColumn?: string;
}

/**
 * Parses a lookup table (CSV, or JSON text starting with `[` or `{`) into code → value.
 *
 * @param text - the file's text.
 * @param options - key and value column names.
 * @returns a Map from integer code to value.
 * @throws `BAD_TABLE` for a missing column, a non-integer code, a duplicate code or a non-numeric value.
 * @example
 * ```ts
 * const c = parseLookupTable(readFileSync('data/willamette/biophysical_table.csv', 'utf8'), { valueColumn: 'usle_c' });
 * c.get(53); // 0.003
 * ```
 */
export function parseLookupTable(text: string, options: LookupTableOptions = {}): Map<number, number> {
  const key = options.keyColumn ?? 'lucode';
  const value = options.valueColumn;
  const t = text.trimStart();
  const table = new Map<number, number>();
  const put = (code: number, v: number, where: string): void => {
    if (table.has(code)) throw new RusleError('BAD_TABLE', `${where}: code ${code} appears twice`);
    table.set(code, v);
  };
  if (t.startsWith('{') || t.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch (e) {
      throw new RusleError('BAD_TABLE', `lookup table: invalid JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(json)) {
      if (!value) throw new RusleError('BAD_TABLE', 'lookup table: valueColumn is required for a JSON array of rows');
      json.forEach((row: Record<string, unknown>, i) => {
        if (!row || typeof row !== 'object' || !(key in row) || !(value in row)) throw new RusleError('BAD_TABLE', `lookup table row ${i}: needs '${key}' and '${value}'`);
        put(toCode(row[key], `row ${i}`), toValue(row[value], `row ${i} '${value}'`), `row ${i}`);
      });
    } else {
      for (const [k, v] of Object.entries(json as Record<string, unknown>)) put(toCode(k, `key '${k}'`), toValue(v, `key '${k}'`), `key '${k}'`);
    }
    return table;
  }
  if (!value) throw new RusleError('BAD_TABLE', 'lookup table: valueColumn is required for a CSV table');
  const { header, rows } = parseCsv(text);
  const ki = findColumn(header, key, 'lookup table');
  const vi = findColumn(header, value, 'lookup table');
  rows.forEach((r, i) => put(toCode(r[ki], `line ${i + 2} '${key}'`), toValue(r[vi], `line ${i + 2} '${value}'`), `line ${i + 2}`));
  return table;
}

/** Soil properties of one soil class (top layer). */
export interface SoilProperties {
  /** Sand, mass %. */
  readonly sandPct: number;
  /** Silt, mass %. */
  readonly siltPct: number;
  /** Clay, mass %. */
  readonly clayPct: number;
  /** Organic matter, mass % (NaN when the table has only carbon). */
  readonly organicMatterPct: number;
  /** Organic carbon, mass %: from `SOL_CBN`, else organic matter / 1.724 (van Bemmelen factor). */
  readonly organicCarbonPct: number;
  /** Sum of sand + silt + clay as printed in the table, % (below 100 when rock fragments are counted in). */
  readonly textureSumPct: number;
  /** Soil name, when the table has one. */
  readonly name?: string;
}

/** Organic matter / organic carbon ratio (van Bemmelen factor) used when only one of them is given. */
export const OM_TO_OC = 1.724;

/**
 * Reads a SEIMS/SWAT soil lookup table (layered columns joined by `-`) and keeps the top layer of each soil:
 * `SOL_SAND`, `SOL_SILT`, `SOL_CLAY` (%), `SOL_OM` (%) or `SOL_CBN` (% carbon), keyed by `SEQN`.
 *
 * SEIMS tables give the fractions as % of the total weight, rock fragments (`SOL_ROCK`) included, so sand + silt +
 * clay is below 100 (Youwuzhen soil 201: 52.25 + 13.8 + 15.66 = 81.71, rock 18.29). The K equations need the
 * fine-earth fractions: sand, silt and clay are rescaled to sum to 100 % and the printed sum is kept in
 * `textureSumPct`.
 *
 * @throws `BAD_TABLE` for missing columns or values.
 * @example
 * ```ts
 * const soils = soilTableFromSeims(readFileSync('data/youwuzhen/soil_properties_lookup.csv', 'utf8'));
 * soils.get(201); // { sandPct: 63.9, siltPct: 16.9, clayPct: 19.2, organicMatterPct: 2.31, textureSumPct: 81.71, … }
 * ```
 */
export function soilTableFromSeims(text: string, options: { keyColumn?: string } = {}): Map<number, SoilProperties> {
  const { header, rows } = parseCsv(text);
  const key = findColumn(header, options.keyColumn ?? 'SEQN', 'soil table');
  const col = (n: string): number => header.findIndex((h) => h.toUpperCase() === n);
  const sand = findColumn(header, 'SOL_SAND', 'soil table');
  const silt = findColumn(header, 'SOL_SILT', 'soil table');
  const clay = findColumn(header, 'SOL_CLAY', 'soil table');
  const om = col('SOL_OM');
  const cbn = col('SOL_CBN');
  const nameCol = col('SNAM');
  if (om < 0 && cbn < 0) throw new RusleError('BAD_TABLE', 'soil table: needs SOL_OM or SOL_CBN');
  const top = (r: string[], i: number, line: number, name: string): number => toValue((r[i] ?? '').split('-')[0], `soil table line ${line} ${name}`);
  const out = new Map<number, SoilProperties>();
  rows.forEach((r, idx) => {
    const line = idx + 2;
    const code = toCode(r[key], `soil table line ${line}`);
    const omv = om >= 0 ? top(r, om, line, 'SOL_OM') : NaN;
    const oc = cbn >= 0 ? top(r, cbn, line, 'SOL_CBN') : omv / OM_TO_OC;
    const sa = top(r, sand, line, 'SOL_SAND');
    const si = top(r, silt, line, 'SOL_SILT');
    const cl = top(r, clay, line, 'SOL_CLAY');
    const sum = sa + si + cl;
    if (!(sum > 0)) throw new RusleError('BAD_TABLE', `soil table line ${line}: sand + silt + clay is ${sum}`);
    out.set(code, {
      sandPct: (100 * sa) / sum,
      siltPct: (100 * si) / sum,
      clayPct: (100 * cl) / sum,
      textureSumPct: sum,
      organicMatterPct: omv,
      organicCarbonPct: oc,
      ...(nameCol >= 0 && r[nameCol] ? { name: r[nameCol] } : {}),
    });
  });
  return out;
}
