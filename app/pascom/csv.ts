/**
 * The CSV that connector mode pushes to a pascom connector profile, and its reading (the
 * simulator parses what the client writes with the same rules). The one place that decides the
 * columns and the escaping; a "Users from CSV" profile must be set up to match:
 *
 * - encoding UTF-8, delimiter `,`, line separator `\n` (Linux), field enclosure `"`;
 * - the first line names the columns: pascom's field names (`003use_name`, `009ext_extension`, …);
 * - every field is enclosed in `"`, a `"` inside a value is doubled (RFC 4180); a value may hold
 *   the delimiter and line breaks;
 * - a field a user has no value for is empty (`""`).
 */
import type { PascomRecord } from '../core/types.js';

export const CSV_DELIMITER = ',';
export const CSV_LINE_SEPARATOR = '\n';
export const CSV_ENCLOSURE = '"';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

function quote(value: string): string {
  return CSV_ENCLOSURE + value.replaceAll(CSV_ENCLOSURE, CSV_ENCLOSURE + CSV_ENCLOSURE) + CSV_ENCLOSURE;
}

/**
 * The columns of a push: `preferred` (the mapping's fields, in its order) first, then any other
 * field a record carries, sorted, so no value is silently dropped.
 */
export function csvColumns(preferred: readonly string[], records: Iterable<PascomRecord>): string[] {
  const columns = [...new Set(preferred)];
  const known = new Set(columns);
  const extra = new Set<string>();
  for (const record of records) for (const field of Object.keys(record)) if (!known.has(field)) extra.add(field);
  return [...columns, ...[...extra].sort()];
}

/** The whole set as one CSV document: header line, one line per record, trailing line separator. */
export function toCsv(columns: readonly string[], records: Iterable<PascomRecord>): string {
  const lines = [columns.map(quote).join(CSV_DELIMITER)];
  for (const record of records) lines.push(columns.map((column) => quote(record[column] ?? '')).join(CSV_DELIMITER));
  return lines.join(CSV_LINE_SEPARATOR) + CSV_LINE_SEPARATOR;
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
  }
}

/**
 * Rows of a CSV document (RFC 4180: quoted fields may hold delimiters, doubled quotes and line
 * breaks; unquoted fields are taken as they are; `\r\n` and `\n` both end a row). Blank lines are
 * skipped. Throws CsvSyntaxError for an unterminated quote or text after a closing quote.
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  const endField = (): void => {
    row.push(field);
    field = '';
    afterQuote = false;
  };
  const endRow = (): void => {
    endField();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === CSV_ENCLOSURE) {
        if (text[i + 1] === CSV_ENCLOSURE) {
          field += CSV_ENCLOSURE;
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === CSV_DELIMITER) endField();
    else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      if (char === '\r') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (afterQuote) throw new CsvSyntaxError('text after a closing quote', line);
    else if (char === CSV_ENCLOSURE && field === '') quoted = true;
    else field += char;
  }
  if (quoted) throw new CsvSyntaxError('a quoted field is not closed', rowLine);
  if (field !== '' || row.length > 0 || afterQuote) endRow();
  return rows;
}

/** Records of a CSV document whose first row names the columns; empty fields are left out. */
export function parseCsvRecords(text: string): { columns: string[]; records: PascomRecord[] } {
  const [header, ...rows] = parseCsvRows(text);
  if (header === undefined) return { columns: [], records: [] };
  const records = rows.map((row, index) => {
    if (row.length !== header.length)
      throw new CsvSyntaxError(`${row.length} fields, the header names ${header.length}`, index + 2);
    const record: Record<string, string> = {};
    header.forEach((column, i) => {
      const value = row[i] ?? '';
      if (value !== '') record[column] = value;
    });
    return record;
  });
  return { columns: header, records };
}
