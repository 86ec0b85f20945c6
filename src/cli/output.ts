/**
 * Rows the `keycard` commands print: an aligned table for people, JSON (an array of records) or CSV (RFC 4180) for
 * tools. JSON and CSV carry the same columns and the same values, so either parses back to the same records, with two
 * exceptions that keep hostile text inert: a CSV cell that a spreadsheet would run as a formula starts with a quote,
 * and control characters never reach a terminal (stripped from text and CSV, escaped in JSON).
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

/**
 * Terminal escape sequences: CSI (`ESC [` or U+009B, parameters, a final byte: colours, cursor moves, `ESC [2J`
 * clearing the screen), OSC (`ESC ]` or U+009D up to BEL or ST: window titles, `ESC ]8;;url` hyperlinks that hide
 * where they point), DCS/SOS/PM/APC strings up to ST (or the end of the line, so an unterminated one cannot swallow
 * what follows), and two-byte `ESC x`.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u009c\u001b\n]*(?:\u0007|\u009c|\u001b\\)?|\u001b[ -~]?/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /\r(?!\n)|[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Text a terminal shows as text: escape sequences removed whole, every other C0 and C1 control character (tab, a lone
 * carriage return, BEL, DEL, U+0080–U+009F) stripped; line breaks (LF, CR LF) stay.
 */
export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_BUT_LINE_BREAKS, '');
}

/** Writes to stdout what `printable` leaves: every line any `keycard` command prints goes through here or `printError`. */
export function print(text: string): void {
  process.stdout.write(printable(text));
}

export function printError(text: string): void {
  process.stderr.write(printable(text));
}

/** JSON whose text carries no control character: C0 ones JSON escapes itself, DEL and C1 ones are escaped here too. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u00${char.charCodeAt(0).toString(16)}`,
  );
}

/**
 * A CSV cell a spreadsheet keeps as text (OWASP, CSV injection): one starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return would be read as a formula (`=HYPERLINK(…)`, `-2+3`, `@SUM(…)`), so it gets a leading `'`. Control
 * characters other than line feeds are stripped first, so none can hide a formula behind it.
 */
export function csvText(text: string): string {
  const clean = text.replace(ESCAPE_SEQUENCE, '').replace(/\r\n/g, '\n').replace(CONTROL_BUT_LINE_FEED, '');
  return /^[=+\-@\t\r]/.test(text) || /^[=+\-@]/.test(clean) ? `'${clean}` : clean;
}

export function formatRows(rows: Row[], columns: Column[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${jsonText(
        rows.map((row) => Object.fromEntries(columns.map(({ key }) => [key, row[key] ?? null]))),
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

/**
 * RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; null is empty. Text is made
 * inert first (`csvText`); numbers are numbers.
 */
function csvField(value: Cell | undefined): string {
  const text = value === null || value === undefined ? '' : typeof value === 'number' ? String(value) : csvText(value);
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
  const oneLine = text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, ' ');
  return oneLine.length > MAX_TABLE_CELL ? `${oneLine.slice(0, MAX_TABLE_CELL - 1)}…` : oneLine;
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
