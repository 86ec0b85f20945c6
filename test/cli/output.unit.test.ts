/**
 * What `keycard` prints stays inert: no escape sequence or control character reaches a terminal, and no CSV cell
 * reaches a spreadsheet as a formula.
 */
import assert from 'node:assert/strict';
import { csvText, formatRows, jsonText, printable, type Column } from '../../src/cli/output';

describe('keycard output: text a terminal shows as text', function () {
  const table: [string, string, string][] = [
    ['clear screen (CSI)', 'before\u001b[2Jafter', 'beforeafter'],
    ['colour and cursor moves', '\u001b[31;1mred\u001b[0m \u001b[10A\u001b[?25l', 'red '],
    ['OSC 8 hyperlink ended by BEL', '\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007', 'click'],
    ['OSC 8 hyperlink ended by ST', '\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['window title', '\u001b]0;pwned\u0007title', 'title'],
    ['C1 CSI (U+009B)', 'a\u009b2Jb', 'ab'],
    ['C1 OSC (U+009D) ended by C1 ST', 'a\u009d0;pwned\u009cb', 'ab'],
    ['other C1 controls', 'a\u0085b\u0084c', 'abc'],
    ['a C1 DCS string (U+0090) to its end', 'a\u0090qpayload\u009cb', 'ab'],
    ['two-byte ESC', 'a\u001bcb', 'ab'],
    ['BEL, backspace, DEL, NUL, tab', 'a\u0007\u0008b\u007f\u0000c\td', 'abcd'],
    ['a lone carriage return (overwrites the line)', 'harmless\rrm -rf', 'harmlessrm -rf'],
    ['line feeds and CR LF stay', 'one\ntwo\r\nthree\n', 'one\ntwo\r\nthree\n'],
    ['an unterminated OSC ends at the line', 'a\u001b]8;;http://evil\nnext line\n', 'a\nnext line\n'],
    ['plain text and non-ASCII stay', 'débogage ✓ 500s', 'débogage ✓ 500s'],
  ];
  for (const [name, input, expected] of table) {
    it(`${name}: ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(printable(input), expected);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(printable(input), /[\u0000-\u0009\u000b-\u000c\u000e-\u001f\u007f-\u009f]/);
    });
  }
});

describe('keycard output: CSV cells a spreadsheet keeps as text', function () {
  const table: [string, string][] = [
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ["+cmd|' /C calc'!A0", `'+cmd|' /C calc'!A0`],
    ['-2+3', "'-2+3"],
    ['@SUM(1+1)*cmd', "'@SUM(1+1)*cmd"],
    ['\t=1+1', "'=1+1"],
    ['\r=1+1', "'=1+1"],
    ['\u001b[2J=1+1', "'=1+1"],
    ['\u0085=1', "'=1"],
    ['\u009b2J=1', "'=1"],
    ['a = b + c', 'a = b + c'],
    ['debugging the checkout 500s', 'debugging the checkout 500s'],
    ['two\nlines', 'two\nlines'],
    ['two\r\nlines', 'two\nlines'],
    ['a\u001b]8;;http://evil\u0007b', 'ab'],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(csvText(input), expected);
    });
  }

  it('formatRows: text cells neutralised and quoted, numbers left as numbers', () => {
    const columns: Column[] = [{ key: 'reason' }, { key: 'seq' }];
    const csv = formatRows(
      [
        { reason: '=HYPERLINK("http://evil","x")', seq: -1 },
        { reason: 'fine, really', seq: 2 },
      ],
      columns,
      'csv',
    );
    assert.equal(csv, `reason,seq\r\n"'=HYPERLINK(""http://evil"",""x"")",-1\r\n"fine, really",2\r\n`);
  });
});

describe('keycard output: JSON carries no raw control character', function () {
  it('C0 ones escaped by JSON, DEL and C1 ones escaped too; the value parses back unchanged', () => {
    const value = { reason: 'a\u001b[2Jb\u009b31mc\u007fd' };
    const text = jsonText(value, 2);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.match(text, /\\u001b\[2Jb\\u009b31mc\\u007fd/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('a table cell is one printable line, escape sequences removed whole', () => {
    const table = formatRows(
      [{ reason: 'x\u001b]8;;http://evil\u0007click\u001b]8;;\u0007\ny\u009b2J' }],
      [{ key: 'reason', table: true }],
      'table',
    );
    assert.equal(table, 'REASON\nxclick y\n');
  });
});
