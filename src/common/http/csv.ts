import { parse } from 'csv-parse/sync';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type FieldError, invalid } from '../errors/problem.js';

export const MAX_CSV_ROWS = 50_000;

/** What a spreadsheet may read as the start of a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell of a CSV the service writes, safe to open in a spreadsheet (OWASP's rule for CSV
 * injection): a text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
 * leading `'`, so it is read as text and never run as a formula. Only text is touched: a
 * number (a negative `daysLate`) stays the number it is; null and undefined are empty.
 */
export function csvSafeCell(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * One cell of an XLSX the service writes: a value, never a formula. exceljs writes any string
 * (one starting with `=` too) as text, and makes a formula or a hyperlink only of an object
 * (`{ formula }`, `{ text, hyperlink }`): anything that is not a plain scalar goes as its JSON text.
 */
export function xlsxValueCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

export type CsvCell = (raw: string) => unknown;
export const csvInt: CsvCell = (raw) => (/^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw);
export const csvBool: CsvCell = (raw) => {
  const v = raw.trim().toLowerCase();
  return ['true', '1', 'oui', 'yes'].includes(v) ? true : ['false', '0', 'non', 'no', ''].includes(v) ? false : raw;
};
export const csvText: CsvCell = (raw) => raw.trim();

/**
 * Parses a CSV upload whose header must be exactly `columns` (any order), converts each cell
 * and validates each row as `dto`. All rows or none: any bad row → 400 naming every bad line.
 */
export async function parseCsvRows<T extends object>(
  body: unknown,
  columns: Record<string, CsvCell>,
  dto: new () => T,
  /** Checks that need the other rows or the database, on the rows that are valid alone. */
  check?: (rows: { line: number; row: T }[]) => Promise<FieldError[]> | FieldError[],
): Promise<{ line: number; row: T }[]> {
  if (typeof body !== 'string' || body.trim() === '') {
    throw invalid([{ field: 'body', message: 'send the file as text/csv with a header line' }]);
  }
  let records: string[][];
  try {
    records = parse(body, { bom: true, skip_empty_lines: true, relax_column_count: false, delimiter: [',', ';'] });
  } catch (error) {
    throw invalid([{ field: 'body', message: `not a CSV file: ${(error as Error).message}` }]);
  }
  const [header = [], ...data] = records;
  const names = header.map((h) => h.trim());
  const expected = Object.keys(columns);
  const unknown = names.filter((n) => !expected.includes(n));
  const missing = expected.filter((n) => !names.includes(n));
  if (unknown.length || missing.length) {
    throw invalid([...unknown.map((n) => ({ field: n, line: 1, message: 'unknown column' })), ...missing.map((n) => ({ field: n, line: 1, message: 'missing column' }))]);
  }
  if (data.length === 0) throw invalid([{ field: 'body', message: 'the file has no data line' }]);
  if (data.length > MAX_CSV_ROWS) {
    throw invalid([{ field: 'body', message: `at most ${MAX_CSV_ROWS} lines per file (got ${data.length})` }]);
  }
  const errors: FieldError[] = [];
  const rows: { line: number; row: T }[] = [];
  for (const [i, cells] of data.entries()) {
    const line = i + 2;
    const plain = Object.fromEntries(names.map((n, j) => [n, columns[n](cells[j] ?? '')]));
    const row = plainToInstance(dto, plain);
    const problems = await validate(row, { whitelist: true, forbidNonWhitelisted: true });
    for (const p of problems) {
      for (const message of Object.values(p.constraints ?? {})) {
        errors.push({ field: p.property, line, message: message.replace(new RegExp(`^${p.property} `), '') });
      }
    }
    if (!problems.length) rows.push({ line, row });
  }
  if (check) errors.push(...(await check(rows)));
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (errors.length) throw invalid(errors, `${new Set(errors.map((e) => e.line)).size} line(s) are invalid: nothing was imported.`);
  return rows;
}
