/** `/prod-access [target] [duration] <reason>` read against a catalog: one row per way of asking. */
import assert from 'node:assert/strict';
import { implicitCatalog, type Catalog, type CatalogTarget } from '../../src/domain/catalog';
import { MAX_REASON_LENGTH, parseCatalogRequest, type CatalogRequestText } from '../../src/domain/requestText';

const HOUR = 3_600_000;

function target(key: string, name: string, maxMs = 8 * HOUR): CatalogTarget {
  return {
    key,
    name,
    accounts: [{ id: '111122223333', name: 'payments-prod' }],
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${key}`,
    duration: { defaultMs: HOUR, maxMs, choicesMs: [HOUR, maxMs] },
    approvers: ['S0SRE'],
  };
}

const ADMIN = target('prod-admin', 'Production admin');
const READ = target('prod-read', 'Production read-only', 2 * HOUR);
const MANY: Catalog = { targets: [ADMIN, READ] };
const ONE: Catalog = { targets: [ADMIN] };
const IMPLICIT = implicitCatalog({
  accountId: '111122223333',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
  defaultMs: 4 * HOUR,
  maxMs: 8 * HOUR,
});
const DEFAULT = IMPLICIT.targets[0];

type Expected =
  | { complete: true; target: CatalogTarget; durationMs: number; reason: string }
  | { complete: false; target?: CatalogTarget; durationMs?: number; reason: string }
  | { refused: RegExp };

const rows: [string, Catalog, string, Expected][] = [
  [
    'a target, a duration and a reason',
    MANY,
    'prod-admin 2h fix the queue',
    { complete: true, target: ADMIN, durationMs: 2 * HOUR, reason: 'fix the queue' },
  ],
  [
    'a target and a reason get its default',
    MANY,
    'prod-read look at logs',
    { complete: true, target: READ, durationMs: HOUR, reason: 'look at logs' },
  ],
  [
    'a target word in capitals',
    MANY,
    'PROD-READ look at logs',
    { complete: true, target: READ, durationMs: HOUR, reason: 'look at logs' },
  ],
  [
    'several targets and none named: the modal, with the reason',
    MANY,
    'fix the queue',
    { complete: false, reason: 'fix the queue' },
  ],
  [
    'several targets, a duration and no target: the modal, with both',
    MANY,
    '2h fix the queue',
    { complete: false, durationMs: 2 * HOUR, reason: 'fix the queue' },
  ],
  [
    'a target and no reason: the modal, with the target',
    MANY,
    'prod-admin',
    { complete: false, target: ADMIN, reason: '' },
  ],
  [
    'a target, a duration and no reason: the modal, with both',
    MANY,
    'prod-admin 2h',
    { complete: false, target: ADMIN, durationMs: 2 * HOUR, reason: '' },
  ],
  ['nothing at all: the modal, empty', MANY, '   ', { complete: false, reason: '' }],
  [
    'a catalog of one: the reason alone starts it',
    ONE,
    'fix the queue',
    { complete: true, target: ADMIN, durationMs: HOUR, reason: 'fix the queue' },
  ],
  [
    'a catalog of one, named anyway',
    ONE,
    'prod-admin 3h fix',
    { complete: true, target: ADMIN, durationMs: 3 * HOUR, reason: 'fix' },
  ],
  [
    'the implicit target: as before, a duration and a reason',
    IMPLICIT,
    '2h fix the queue',
    { complete: true, target: DEFAULT, durationMs: 2 * HOUR, reason: 'fix the queue' },
  ],
  [
    'the implicit target: "default" is part of the reason',
    IMPLICIT,
    'default settings broke',
    { complete: true, target: DEFAULT, durationMs: 4 * HOUR, reason: 'default settings broke' },
  ],
  [
    'the implicit target: a word then a duration is a reason, as before',
    IMPLICIT,
    'fix 2h outage',
    { complete: true, target: DEFAULT, durationMs: 4 * HOUR, reason: 'fix 2h outage' },
  ],
  ['the implicit target with no reason: the modal', IMPLICIT, '', { complete: false, target: DEFAULT, reason: '' }],
  [
    'the implicit target: a duration over the max is refused in the words of before',
    IMPLICIT,
    '9h fix',
    { refused: /^9h is longer than the 8h Keycard grants at most\. Ask for 8h or less\.$/ },
  ],
  ['the implicit target: a word that is no duration', IMPLICIT, '2x fix', { refused: /^"2x" is not a duration/ }],
  [
    'a word that is no target before a duration is refused with the known targets',
    MANY,
    'prod-amdin 2h fix',
    { refused: /^There is no target "prod-amdin"\. Known targets: prod-admin, prod-read\./ },
  ],
  [
    'a duration over the named target’s max is refused with its max',
    MANY,
    'prod-read 3h fix',
    { refused: /^Production read-only is granted for at most 2h; ask for 2h or less\.$/ },
  ],
  ['a duration that is no duration is refused', MANY, 'prod-admin 2x3h fix', { refused: /not a duration/ }],
  [
    'with no target named, a duration longer than every target grants is refused',
    MANY,
    '9h fix',
    { refused: /longer than the 8h/ },
  ],
  [
    'a reason over the limit is refused',
    MANY,
    `prod-admin ${'x'.repeat(MAX_REASON_LENGTH + 1)}`,
    { refused: new RegExp(`Keep the reason to ${MAX_REASON_LENGTH} characters`) },
  ],
];

describe('/prod-access [target] [duration] <reason> against a catalog', function () {
  for (const [name, catalog, text, expected] of rows) {
    it(name, () => {
      const parsed: CatalogRequestText = parseCatalogRequest(text, catalog);
      if ('refused' in expected) {
        assert.equal(parsed.ok, false);
        assert.match((parsed as { message: string }).message, expected.refused);
        return;
      }
      assert.deepEqual(parsed, { ok: true, ...expected });
    });
  }
});
