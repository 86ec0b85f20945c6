import assert from 'node:assert/strict';
import {
  breakGlassFor,
  currentStage,
  decideStage,
  inKillSwitchScope,
  stagesOf,
  type ApprovalStage,
  type StageApproval,
  type StageClick,
  type StageDecision,
} from '../../src/domain/approvalStages';
import { Refusal } from '../../src/domain/errors';

const ALICE = { slackUserId: 'U0ALICE', email: 'alice@example.com' };
/** First an SRE, then two of security. Bob is in both groups; Carol and Dan are security; Eve is neither. */
const STAGES: ApprovalStage[] = [
  { approvers: ['S0SRE'], count: 1 },
  { approvers: ['S0SECURITY', 'U0ERIN'], count: 2 },
];
const MEMBERS: Record<string, string[]> = {
  U0ALICE: ['U0ALICE', 'S0SRE'],
  U0BOB: ['U0BOB', 'S0SRE', 'S0SECURITY'],
  U0CAROL: ['U0CAROL', 'S0SECURITY'],
  U0DAN: ['U0DAN', 'S0SECURITY'],
  U0ERIN: ['U0ERIN'],
  U0EVE: ['U0EVE'],
};

function click(actor: string, action: 'approve' | 'deny' = 'approve', reason?: string): StageClick {
  return { actor, action, requester: ALICE, entries: new Set(MEMBERS[actor]), reason };
}

const approved = (by: string, stage: number, entry: string): StageApproval => ({ by, stage, entry });

describe('ordered approval stages', function () {
  const rows: [string, StageApproval[], StageClick, StageDecision][] = [
    [
      'an SRE approves stage 1: counted, not yet granted',
      [],
      click('U0BOB'),
      { allowed: true, action: 'approve', stage: 0, entry: 'S0SRE', granted: false },
    ],
    [
      'security approves before stage 1 is done: refused, naming the stage that waits',
      [],
      click('U0CAROL'),
      {
        allowed: false,
        refusal: Refusal.notAnApprover,
        message: 'This request waits for stage 1 of 2, which S0SRE give.',
      },
    ],
    [
      'the first of two security approvals: stage 2 still waits',
      [approved('U0BOB', 0, 'S0SRE')],
      click('U0CAROL'),
      { allowed: true, action: 'approve', stage: 1, entry: 'S0SECURITY', granted: false },
    ],
    [
      'the second security approval grants it',
      [approved('U0BOB', 0, 'S0SRE'), approved('U0CAROL', 1, 'S0SECURITY')],
      click('U0ERIN'),
      { allowed: true, action: 'approve', stage: 1, entry: 'U0ERIN', granted: true },
    ],
    [
      'one person in both stages counts once: Bob approved stage 1, his security approval is refused',
      [approved('U0BOB', 0, 'S0SRE')],
      click('U0BOB'),
      {
        allowed: false,
        refusal: Refusal.alreadyDecided,
        message: 'You approved this request already; one person counts once, whatever the stage.',
      },
    ],
    [
      'the same approver clicking twice in one stage counts once',
      [approved('U0BOB', 0, 'S0SRE'), approved('U0CAROL', 1, 'S0SECURITY')],
      click('U0CAROL'),
      {
        allowed: false,
        refusal: Refusal.alreadyDecided,
        message: 'You approved this request already; one person counts once, whatever the stage.',
      },
    ],
    [
      'the requester, an SRE herself, never counts',
      [],
      click('U0ALICE'),
      { allowed: false, refusal: Refusal.selfApproval, message: 'You cannot decide your own request.' },
    ],
    [
      'someone in no stage approves',
      [approved('U0BOB', 0, 'S0SRE')],
      click('U0EVE'),
      {
        allowed: false,
        refusal: Refusal.notAnApprover,
        message: 'This request waits for stage 2 of 2, which S0SECURITY, U0ERIN give.',
      },
    ],
    [
      'a security approver denies at stage 2: the request ends',
      [approved('U0BOB', 0, 'S0SRE')],
      click('U0DAN', 'deny', 'not during the freeze'),
      { allowed: true, action: 'deny', stage: 1, entry: 'S0SECURITY' },
    ],
    [
      'a stage 2 approver denies while stage 1 still waits: one deny at any stage ends it',
      [],
      click('U0CAROL', 'deny', 'no ticket'),
      { allowed: true, action: 'deny', stage: 0, entry: 'S0SECURITY' },
    ],
    [
      'a deny without a reason',
      [],
      click('U0BOB', 'deny'),
      { allowed: false, refusal: Refusal.reasonRequired, message: 'Say why you deny the request.' },
    ],
    [
      'someone in no stage denies',
      [],
      click('U0EVE', 'deny', 'no'),
      {
        allowed: false,
        refusal: Refusal.notAnApprover,
        message: 'Only Keycard approvers of this target can deny its requests.',
      },
    ],
    [
      'a click once every stage approved',
      [approved('U0BOB', 0, 'S0SRE'), approved('U0CAROL', 1, 'S0SECURITY'), approved('U0ERIN', 1, 'U0ERIN')],
      click('U0DAN'),
      {
        allowed: false,
        refusal: Refusal.alreadyDecided,
        message: 'This request is no longer pending: every stage approved it.',
      },
    ],
  ];
  for (const [story, approvals, given, answer] of rows) {
    it(story, () => assert.deepEqual(decideStage(STAGES, approvals, given), answer));
  }

  it('grants only after stage 1, then stage 2, are satisfied, whatever order the clicks come in', () => {
    let approvals: StageApproval[] = [];
    const outcomes: string[] = [];
    for (const person of ['U0CAROL', 'U0BOB', 'U0BOB', 'U0CAROL', 'U0ALICE', 'U0DAN']) {
      const decision = decideStage(STAGES, approvals, click(person));
      if (!decision.allowed || decision.action !== 'approve') {
        outcomes.push(`${person} refused`);
        continue;
      }
      approvals = [...approvals, { by: person, stage: decision.stage, entry: decision.entry }];
      outcomes.push(`${person} stage ${decision.stage + 1}${decision.granted ? ' granted' : ''}`);
    }
    assert.deepEqual(outcomes, [
      'U0CAROL refused',
      'U0BOB stage 1',
      'U0BOB refused',
      'U0CAROL stage 2',
      'U0ALICE refused',
      'U0DAN stage 2 granted',
    ]);
    assert.equal(currentStage(STAGES, approvals), undefined);
  });

  it("a target's plain approvers list is one stage of one approval", () => {
    assert.deepEqual(stagesOf({ approvers: ['S0SRE', 'U0BOB'] }), [{ approvers: ['S0SRE', 'U0BOB'], count: 1 }]);
    assert.deepEqual(stagesOf({ approvers: ['U0BOB'], stages: STAGES }), STAGES);
    const one = stagesOf({ approvers: ['S0SRE'] });
    assert.deepEqual(decideStage(one, [], click('U0BOB')), {
      allowed: true,
      action: 'approve',
      stage: 0,
      entry: 'S0SRE',
      granted: true,
    });
  });
});

describe('break-glass, bounded by its target', function () {
  const HOUR = 3_600_000;
  const open = { key: 'prod-admin', name: 'Production admin', breakGlass: { maxMs: HOUR, reviewers: ['S0SECURITY'] } };
  const closed = { key: 'staging', name: 'Staging' };
  const rows: [string, Parameters<typeof breakGlassFor>[0], number | undefined, ReturnType<typeof breakGlassFor>][] = [
    ['no duration asked: its max', open, undefined, { allowed: true, durationMs: HOUR }],
    ['30m asked: 30m', open, HOUR / 2, { allowed: true, durationMs: HOUR / 2 }],
    ['exactly its max', open, HOUR, { allowed: true, durationMs: HOUR }],
    [
      'past its max: refused',
      open,
      2 * HOUR,
      {
        allowed: false,
        refusal: Refusal.maxDurationExceeded,
        message: 'Break-glass on Production admin lasts at most 1h; ask for that or less.',
      },
    ],
    [
      'a target without break-glass: refused, saying how to ask',
      closed,
      undefined,
      {
        allowed: false,
        refusal: Refusal.notAllowed,
        message: 'Staging (staging) has no break-glass: ask for it with /prod-access staging <reason>.',
      },
    ],
  ];
  for (const [story, target, asked, answer] of rows) {
    it(story, () => assert.deepEqual(breakGlassFor(target, asked), answer));
  }
});

describe("the kill switch's scope", function () {
  const grant = { targetKey: 'prod-admin', requesterEmail: 'alice@example.com', state: 'active' };
  const rows: [string, typeof grant, Parameters<typeof inKillSwitchScope>[1], boolean][] = [
    ['a live grant of the target', grant, { target: 'prod-admin' }, true],
    ['a pending request of the target', { ...grant, state: 'pending' }, { target: 'prod-admin' }, true],
    ['an ended grant of the target', { ...grant, state: 'revoked' }, { target: 'prod-admin' }, false],
    ['a live grant of another target', grant, { target: 'staging' }, false],
    ['the person, on any target', grant, { person: 'Alice@Example.com' }, true],
    ['another person', grant, { person: 'bob@example.com' }, false],
    ['the person on the target', grant, { target: 'prod-admin', person: 'alice@example.com' }, true],
    ['the person on another target', grant, { target: 'staging', person: 'alice@example.com' }, false],
    ['a scope that names nothing takes nothing', grant, {}, false],
  ];
  for (const [story, given, scope, taken] of rows) {
    it(`${story}: ${taken ? 'revoked' : 'left'}`, () => assert.equal(inKillSwitchScope(given, scope), taken));
  }
});
