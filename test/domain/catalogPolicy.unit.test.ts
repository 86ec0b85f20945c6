/** Which target a person may ask for, and for how long: one table per question. */
import assert from 'node:assert/strict';
import type { Catalog, CatalogTarget } from '../../src/domain/catalog';
import {
  durationFor,
  mayRequestTarget,
  requestableTargets,
  requesterGroups,
  requesterRuleFor,
  targetByKey,
  type GroupMembers,
} from '../../src/domain/catalogPolicy';
import { Refusal, type RefusalType } from '../../src/domain/errors';

const HOUR = 3_600_000;

function target(key: string, name: string, overrides: Partial<CatalogTarget> = {}): CatalogTarget {
  return {
    key,
    name,
    accounts: [{ id: '111122223333', name: 'payments-prod' }],
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${key}`,
    duration: { defaultMs: 4 * HOUR, maxMs: 8 * HOUR, choicesMs: [HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR] },
    approvers: ['S0SRE'],
    ...overrides,
  };
}

/** Admin: the engineers' group and Carol. Billing: the finance group. Staging: everyone. */
const ADMIN = target('prod-admin', 'Production admin', { requesters: ['S0ENGINEERS', 'U0CAROL'] });
const BILLING = target('billing', 'Billing', { requesters: ['S0FINANCE'] });
const STAGING = target('staging', 'Staging');
const CATALOG: Catalog = { targets: [ADMIN, BILLING, STAGING] };
/** S0FINANCE is named by the catalog but was not expanded: nobody is taken to be in it. */
const GROUPS: GroupMembers = new Map<string, readonly string[] | ReadonlySet<string>>([
  ['S0ENGINEERS', new Set(['U0ALICE', 'U0BOB'])],
  ['S0SRE', ['U0SAM']],
]);

type Answer = true | [RefusalType, string];

describe('who may ask for a target', function () {
  const rows: [string, string, CatalogTarget, Answer][] = [
    ['a member of a requester group asks for its target', 'U0ALICE', ADMIN, true],
    ['a user listed by id asks for the target', 'U0CAROL', ADMIN, true],
    ['anyone asks for a target with no requesters', 'U0EVE', STAGING, true],
    [
      'someone outside the requester groups is told which targets they may ask for',
      'U0EVE',
      ADMIN,
      [Refusal.notARequester, 'You cannot request Production admin (prod-admin). You can request: Staging (staging).'],
    ],
    [
      'a member of a group the caller did not expand is refused',
      'U0ALICE',
      BILLING,
      [
        Refusal.notARequester,
        'You cannot request Billing (billing). You can request: Production admin (prod-admin), Staging (staging).',
      ],
    ],
    [
      'an approver is not a requester for that alone',
      'U0SAM',
      ADMIN,
      [Refusal.notARequester, 'You cannot request Production admin (prod-admin). You can request: Staging (staging).'],
    ],
  ];
  for (const [story, person, asked, answer] of rows) {
    it(`${story}: ${answer === true ? 'allowed' : `refused (${answer[0]})`}`, () => {
      const decision = mayRequestTarget(CATALOG, asked, { person, groupMembers: GROUPS });
      if (answer === true) assert.deepEqual(decision, { allowed: true });
      else assert.deepEqual(decision, { allowed: false, refusal: answer[0], message: answer[1] });
    });
  }

  it('someone who may ask for nothing is told so, and whom to ask', () => {
    const catalog: Catalog = { targets: [ADMIN, BILLING] };
    assert.deepEqual(mayRequestTarget(catalog, ADMIN, { person: 'U0EVE', groupMembers: GROUPS }), {
      allowed: false,
      refusal: Refusal.notARequester,
      message: 'You cannot request Production admin (prod-admin), nor any other target. Ask an approver to add you.',
    });
  });

  const requestable: [string, string, string[]][] = [
    ['an engineer', 'U0ALICE', ['prod-admin', 'staging']],
    ['Carol, listed by id', 'U0CAROL', ['prod-admin', 'staging']],
    ['anyone else', 'U0EVE', ['staging']],
  ];
  for (const [who, person, keys] of requestable) {
    it(`${who} may request ${keys.join(' and ')}`, () => {
      assert.deepEqual(
        requestableTargets(CATALOG, { person, groupMembers: GROUPS }).map((found) => found.key),
        keys,
      );
    });
  }
});

describe('how long a grant of a target lasts', function () {
  const rows: [string, string | undefined, number | [RefusalType, string]][] = [
    ['no duration asked: the default', undefined, 4 * HOUR],
    ['an empty duration: the default', ' ', 4 * HOUR],
    ['one of the choices', '2h', 2 * HOUR],
    ['the max itself', '8h', 8 * HOUR],
    ['a duration under the max that is not a choice (choices are suggestions)', '90m', 90 * 60_000],
    [
      'longer than the max',
      '9h',
      [Refusal.maxDurationExceeded, 'Production admin is granted for at most 8h; ask for 8h or less.'],
    ],
    [
      'not a duration',
      'a while',
      [Refusal.invalidDuration, 'That is not a duration; write it like 4h, 90m, 1h30m or 45s.'],
    ],
    [
      'shorter than a second',
      '500ms',
      [Refusal.invalidDuration, 'That is shorter than 1s; ask for at least 1s, like 30m or 2h.'],
    ],
  ];
  for (const [story, asked, answer] of rows) {
    it(`${story}: ${typeof answer === 'number' ? 'allowed' : `refused (${answer[0]})`}`, () => {
      const decision = durationFor(ADMIN, asked);
      if (typeof answer === 'number') assert.deepEqual(decision, { allowed: true, durationMs: answer });
      else assert.deepEqual(decision, { allowed: false, refusal: answer[0], message: answer[1] });
    });
  }

  it('a target whose default is its max grants the default when none is asked', () => {
    const short = target('break-glass', 'Break glass', { duration: { defaultMs: HOUR, maxMs: HOUR, choicesMs: [] } });
    assert.deepEqual(durationFor(short), { allowed: true, durationMs: HOUR });
    assert.equal(durationFor(short, '2h').allowed, false);
  });
});

describe('the target a key names', function () {
  const rows: [string, string, CatalogTarget | [RefusalType, string]][] = [
    ['a known key', 'billing', BILLING],
    [
      'an unknown key, refused with the known ones',
      'prod-read',
      [Refusal.unknownTarget, 'There is no target "prod-read". Known targets: prod-admin, billing, staging.'],
    ],
    [
      'a key differing only in case',
      'Billing',
      [Refusal.unknownTarget, 'There is no target that. Known targets: prod-admin, billing, staging.'],
    ],
    [
      'text that could not be a key is not repeated back',
      '<!channel> *now*',
      [Refusal.unknownTarget, 'There is no target that. Known targets: prod-admin, billing, staging.'],
    ],
  ];
  for (const [story, key, answer] of rows) {
    it(`${story}: ${Array.isArray(answer) ? `refused (${answer[0]})` : 'found'}`, () => {
      const decision = targetByKey(CATALOG, key);
      if (Array.isArray(answer)) assert.deepEqual(decision, { allowed: false, refusal: answer[0], message: answer[1] });
      else assert.deepEqual(decision, { allowed: true, target: answer });
    });
  }
});

describe('the rule that lets a person ask, for the audit trail', function () {
  const rows: [string, string, CatalogTarget, string | undefined][] = [
    ['everyone, for a target with no requesters', 'U0EVE', STAGING, 'everyone'],
    ['the group that holds the person', 'U0ALICE', ADMIN, 'S0ENGINEERS'],
    ['the person’s own id', 'U0CAROL', ADMIN, 'U0CAROL'],
    [
      'the person’s own id before a group that also holds them',
      'U0BOB',
      target('both', 'Both', { requesters: ['S0ENGINEERS', 'U0BOB'] }),
      'U0BOB',
    ],
    ['none, for someone outside every entry', 'U0EVE', ADMIN, undefined],
    ['none, for a group that was not expanded', 'U0EVE', BILLING, undefined],
  ];
  for (const [name, person, asked, rule] of rows) {
    it(name, () => {
      assert.equal(requesterRuleFor(asked, { person, groupMembers: GROUPS }), rule);
    });
  }

  it('the groups to expand are the requester groups, each once, users left out', () => {
    const catalog: Catalog = {
      targets: [ADMIN, BILLING, target('again', 'Again', { requesters: ['S0FINANCE', 'U0DAN'] })],
    };
    assert.deepEqual(requesterGroups(catalog), ['S0ENGINEERS', 'S0FINANCE']);
  });
});
