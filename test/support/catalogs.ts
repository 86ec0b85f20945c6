/**
 * Catalog files for the tests of CATALOG_FILE: a valid one, and that one with one mistake each, written as line edits
 * so every expected problem can name its line. Pure (but writeCatalogFile, which writes one to a temporary folder): the unit tier and the CLI test share them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A valid catalog; the line numbers below are these lines'. */
export const VALID_CATALOG_LINES = [
  /* 1 */ 'targets:',
  /* 2 */ '  prod-admin:',
  /* 3 */ '    name: Production admin',
  /* 4 */ '    accounts:',
  /* 5 */ "      - { id: '111122223333', name: payments-prod }",
  /* 6 */ "      - { id: '444455556666', name: checkout-prod }",
  /* 7 */ '    permissionSet: arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
  /* 8 */ '    duration: { default: 4h, max: 8h, choices: [1h, 2h, 4h, 8h] }',
  /* 9 */ '    requesters: [S0ENGINEERS]',
  /* 10 */ '    approvers: [S0SRE, U0BOB]',
  /* 11 */ '    channel: C0APPROVALS',
];

export const VALID_CATALOG = `${VALID_CATALOG_LINES.join('\n')}\n`;

/** The valid catalog with lines replaced (by 1-based number; a line may become several) or removed (null). */
export function catalogWith(edits: Record<number, string | null>): string {
  const lines = VALID_CATALOG_LINES.flatMap((line, index) => {
    const edit = edits[index + 1];
    return edit === undefined ? [line] : edit === null ? [] : [edit];
  });
  return `${lines.join('\n')}\n`;
}

export interface CatalogMistake {
  mistake: string;
  text: string;
  /** Every problem, as start-up and `keycard catalog check` name them for a file called catalog.yaml. */
  problems: string[];
}

const TARGET = 'targets.prod-admin';
const SLACK_IDS = 'Slack user ids (U…, W…) or user group ids (S…)';
const ARN_EXAMPLE = 'arn:aws:sso:::permissionSet/ssoins-…/ps-…';

/** One row per kind of mistake. */
export const CATALOG_MISTAKES: CatalogMistake[] = [
  {
    mistake: 'an unknown key in a target',
    text: catalogWith({ 11: '    channel: C0APPROVALS\n    colour: blue' }),
    problems: [
      `catalog.yaml:12 ${TARGET}.colour: is not a key Keycard knows: check its spelling (docs/catalog.example.yaml lists them all)`,
    ],
  },
  {
    mistake: 'an unknown key in a duration',
    text: catalogWith({ 8: '    duration: { default: 4h, max: 8h, maximum: 9h }' }),
    problems: [
      `catalog.yaml:8 ${TARGET}.duration.maximum: is not a key Keycard knows: check its spelling (docs/catalog.example.yaml lists them all)`,
    ],
  },
  {
    mistake: 'a misspelt top-level key',
    text: catalogWith({ 1: 'target:' }),
    problems: [
      'catalog.yaml:1 targets: is required: the targets, keyed by target key',
      'catalog.yaml:1 target: is not a key Keycard knows: check its spelling (docs/catalog.example.yaml lists them all)',
    ],
  },
  {
    mistake: 'a duration that is not one',
    text: catalogWith({ 8: '    duration: { default: four hours, max: 8h }' }),
    problems: [
      `catalog.yaml:8 ${TARGET}.duration.default: "four hours" is not a duration; write it like 4h, 90m, 1h30m or 45s`,
    ],
  },
  {
    mistake: 'a duration shorter than a second',
    text: catalogWith({ 8: '    duration: { default: 4h, max: 500ms }' }),
    problems: [
      `catalog.yaml:8 ${TARGET}.duration.max: "500ms" is shorter than 1s; ask for at least 1s, like 30m or 2h`,
    ],
  },
  {
    mistake: 'a duration given as a number',
    text: catalogWith({ 8: '    duration: { default: 4, max: 8h }' }),
    problems: [`catalog.yaml:8 ${TARGET}.duration.default: must be a duration (example: 4h)`],
  },
  {
    mistake: 'a default above the max',
    text: catalogWith({ 8: '    duration: { default: 9h, max: 8h }' }),
    problems: [`catalog.yaml:8 ${TARGET}.duration.default: 9h is longer than its max 8h`],
  },
  {
    mistake: 'a choice above the max',
    text: catalogWith({ 8: '    duration:\n      default: 4h\n      max: 8h\n      choices: [1h, 12h]' }),
    problems: [`catalog.yaml:11 ${TARGET}.duration.choices.1: 12h is longer than its max 8h`],
  },
  {
    mistake: 'no duration',
    text: catalogWith({ 8: null }),
    problems: [`catalog.yaml:2 ${TARGET}.duration: is required (example: { default: 4h, max: 8h })`],
  },
  {
    mistake: 'a missing permission set',
    text: catalogWith({ 7: null }),
    problems: [
      `catalog.yaml:2 ${TARGET}.permissionSet: is required: the permission set granted (example: ${ARN_EXAMPLE})`,
    ],
  },
  {
    mistake: 'a permission set that is not an ARN',
    text: catalogWith({ 7: '    permissionSet: ps-1234567890abcdef' }),
    problems: [`catalog.yaml:7 ${TARGET}.permissionSet: must be a permission set ARN (example: ${ARN_EXAMPLE})`],
  },
  {
    mistake: 'an account id that is not 12 digits',
    text: catalogWith({ 6: "      - { id: '4444', name: checkout-prod }" }),
    problems: [`catalog.yaml:6 ${TARGET}.accounts.1.id: must be a 12-digit AWS account id (example: "111122223333")`],
  },
  {
    mistake: 'an account id YAML reads as a number',
    text: catalogWith({ 5: '      - { id: 111122223333, name: payments-prod }' }),
    problems: [
      `catalog.yaml:5 ${TARGET}.accounts.0.id: must be a 12-digit AWS account id in quotes (example: "111122223333")`,
    ],
  },
  {
    mistake: 'an account without a name',
    text: catalogWith({ 6: "      - { id: '444455556666' }" }),
    problems: [`catalog.yaml:6 ${TARGET}.accounts.1.name: is required: the name people see (example: payments-prod)`],
  },
  {
    mistake: 'a name longer than a Slack menu shows',
    text: catalogWith({ 3: `    name: ${'Production '.repeat(7)}` }),
    problems: [`catalog.yaml:3 ${TARGET}.name: is longer than 75 characters, the most a Slack menu shows`],
  },
  {
    mistake: 'an account written as its id alone',
    text: catalogWith({ 6: "      - '444455556666'" }),
    problems: [
      `catalog.yaml:6 ${TARGET}.accounts.1: must be an account (example: { id: "111122223333", name: payments-prod })`,
    ],
  },
  {
    mistake: 'a target that is not a map',
    text: 'targets:\n  prod-admin: arn:aws:sso:::permissionSet/ssoins-1/ps-1\n',
    problems: [
      'catalog.yaml:2 targets.prod-admin: must be a map: a target’s name, accounts, permission set, duration and approvers',
    ],
  },
  {
    mistake: 'the same account twice in a target',
    text: catalogWith({ 6: "      - { id: '111122223333', name: payments-prod-again }" }),
    problems: [`catalog.yaml:6 ${TARGET}.accounts.1.id: 111122223333 is listed twice in this target`],
  },
  {
    mistake: 'no accounts',
    text: catalogWith({ 4: '    accounts: []', 5: null, 6: null }),
    problems: [`catalog.yaml:4 ${TARGET}.accounts: must list at least one account`],
  },
  {
    mistake: 'no approvers',
    text: catalogWith({ 10: '    approvers: []' }),
    problems: [`catalog.yaml:10 ${TARGET}.approvers: must list at least one approver: ${SLACK_IDS}`],
  },
  {
    mistake: 'approvers left out',
    text: catalogWith({ 10: null }),
    problems: [`catalog.yaml:2 ${TARGET}.approvers: is required: the ${SLACK_IDS} who decide`],
  },
  {
    mistake: 'an approver named rather than given by id',
    text: catalogWith({ 10: '    approvers: [S0SRE, bob]' }),
    problems: [`catalog.yaml:10 ${TARGET}.approvers.1: must be one of ${SLACK_IDS}, not a name (example: S0123ABCD)`],
  },
  {
    mistake: 'a requester group named rather than given by id',
    text: catalogWith({ 9: '    requesters: [engineers]' }),
    problems: [`catalog.yaml:9 ${TARGET}.requesters.0: must be one of ${SLACK_IDS}, not a name (example: S0123ABCD)`],
  },
  {
    mistake: 'an empty list of requesters',
    text: catalogWith({ 9: '    requesters: []' }),
    problems: [
      `catalog.yaml:9 ${TARGET}.requesters: must list at least one user or group, or be left out to let everyone ask`,
    ],
  },
  {
    mistake: 'a channel given by name',
    text: catalogWith({ 11: "    channel: '#approvals'" }),
    problems: [`catalog.yaml:11 ${TARGET}.channel: must be a channel id, not a name (example: C0123456789)`],
  },
  {
    mistake: 'a target key that is a word of the command',
    text: catalogWith({ 2: '  help:' }),
    problems: [
      'catalog.yaml:2 targets.help: is a word of the /prod-access command (help, cancel, who, history, break-glass, revoke-all), so it cannot name a target: choose another key (example: prod-admin)',
    ],
  },
  {
    mistake: 'a target key that is not one',
    text: catalogWith({ 2: '  Prod_Admin:' }),
    problems: [
      'catalog.yaml:2 targets.Prod_Admin: is not a target key: use lowercase letters, digits and dashes, at most 63, starting with a letter or digit (example: prod-admin)',
    ],
  },
  {
    mistake: 'a catalog with no targets',
    text: 'targets: {}\n',
    problems: ['catalog.yaml:1 targets: is empty: a catalog needs at least one target'],
  },
  {
    mistake: 'an empty file',
    text: '',
    problems: ['catalog.yaml:1 (top): is empty: list the targets under `targets:`'],
  },
  {
    mistake: 'a YAML syntax error',
    text: catalogWith({ 8: '    duration: { default: 4h, max: 8h' }),
    // YAML finds the flow map unclosed where the next key starts.
    problems: [
      'catalog.yaml:9 is not valid YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  {
    mistake: 'the same target key twice',
    text: `${VALID_CATALOG}${VALID_CATALOG_LINES.slice(1).join('\n')}\n`,
    problems: ['catalog.yaml:12 is not valid YAML: Map keys must be unique'],
  },
];

/** Writes a catalog of these lines to a file of its own (CATALOG_FILE for a test's config) and returns its path. */
export function writeCatalogFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keycard-catalog-')), 'catalog.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
