/**
 * Rows the `keycard` commands print: an aligned table for people, JSON (an array of records) or CSV (RFC 4180) for
 * tools. JSON and CSV carry the same columns and the same values, so either parses back to the same records.
 */

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface Column {
  key: string;
  /** Shown in the table (all columns go to JSON and CSV). */
  table?: boolean;
  /** How the table shows the value; JSON and CSV always carry the value itself. */
  show?: (value: Cell, row: Row) => string;
}

export const FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export function parseFormat(text: string): OutputFormat {
  if ((FORMATS as readonly string[]).includes(text)) return text as OutputFormat;
  throw new Error(`--format must be one of ${FORMATS.join(', ')}, not "${text}"`);
}

export function formatRows(rows: Row[], columns: Column[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        rows.map((row) => Object.fromEntries(columns.map(({ key }) => [key, row[key] ?? null]))),
        null,
        2,
      )}\n`;
    case 'csv':
      return [
        columns.map(({ key }) => csvField(key)),
        ...rows.map((row) => columns.map(({ key }) => csvField(row[key]))),
      ]
        .map((fields) => `${fields.join(',')}\r\n`)
        .join('');
    case 'table':
      return table(rows, columns);
  }
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; null is empty. */
function csvField(value: Cell | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const MAX_TABLE_CELL = 60;

function table(rows: Row[], columns: Column[]): string {
  const shown = columns.filter((column) => column.table);
  const cells = rows.map((row) =>
    shown.map((column) => tableCell(column.show ? column.show(row[column.key] ?? null, row) : row[column.key])),
  );
  const header = shown.map((column) => column.key.toUpperCase());
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  return [header, ...cells]
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * One line, printable: whatever a requester typed can neither break the table nor send escape sequences to the
 * operator's terminal.
 */
function tableCell(value: Cell | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return printable.length > MAX_TABLE_CELL ? `${printable.slice(0, MAX_TABLE_CELL - 1)}…` : printable;
}

/** A moment in a table: `2026-11-17 10:00:00Z`. */
export function tableTime(value: Cell): string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)
    ? `${value.slice(0, 10)} ${value.slice(11, 19)}Z`
    : String(value ?? '');
}

/** A target in a table: `ps-… @ 123456789012` (JSON and CSV keep the full key). */
export function tableTarget(value: Cell): string {
  const key = String(value ?? '');
  const slash = key.indexOf('/');
  return slash < 0
    ? key
    : `${key
        .slice(slash + 1)
        .split('/')
        .pop()} @ ${key.slice(0, slash)}`;
}
