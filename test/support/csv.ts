/** A strict RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF records, line breaks inside quotes. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i += 1;
      } else {
        field += char;
        i += 1;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (char === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (char === '"' || char === '\n' || char === '\r') {
      throw new Error(`not RFC 4180: unexpected ${JSON.stringify(char)} at ${i}`);
    } else {
      field += char;
      i += 1;
    }
  }
  if (quoted) throw new Error('not RFC 4180: a quoted field never ends');
  if (field !== '' || record.length > 0) throw new Error('not RFC 4180: the last record has no CRLF');
  return records;
}

/** CSV records as objects keyed by the header, with these columns read back as numbers; empty fields are null. */
export function csvRecords(text: string, numberColumns: string[] = []): Record<string, string | number | null>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => {
    if (row.length !== header.length) throw new Error(`a record has ${row.length} fields, the header ${header.length}`);
    return Object.fromEntries(
      header.map((key, i) => [key, row[i] === '' ? null : numberColumns.includes(key) ? Number(row[i]) : row[i]]),
    );
  });
}
