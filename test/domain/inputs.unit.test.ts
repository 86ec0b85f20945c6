import assert from 'node:assert/strict';
import { checkDecision, checkExtension, readRevocation, requestProblems } from '../../src/domain/inputs';

const MEGABYTE = 'x'.repeat(1024 * 1024);

describe('what a grant workflow accepts as input', function () {
  const decisions: [string, unknown, 'approve' | 'deny', string | undefined][] = [
    ['an approval by a Slack user', { by: 'U0BOB' }, 'approve', undefined],
    ['an approval with a reason', { by: 'U0BOB', reason: ' fine ' }, 'approve', undefined],
    ['a denial with a reason', { by: 'U0BOB', reason: 'freeze' }, 'deny', undefined],
    ['null', null, 'approve', 'InvalidDecisionError'],
    ['a number', 42, 'approve', 'InvalidDecisionError'],
    ['an array', ['U0BOB'], 'approve', 'InvalidDecisionError'],
    ['no "by"', {}, 'approve', 'InvalidDecisionError'],
    ['a blank "by"', { by: '   ' }, 'approve', 'InvalidDecisionError'],
    ['a numeric "by"', { by: 7 }, 'approve', 'InvalidDecisionError'],
    ['a 1 MB "by"', { by: MEGABYTE }, 'approve', 'InvalidDecisionError'],
    ['a numeric reason', { by: 'U0BOB', reason: 123 }, 'approve', 'InvalidDecisionError'],
    ['a denial without a reason', { by: 'U0BOB' }, 'deny', 'ReasonRequiredError'],
    ['a denial with a blank reason', { by: 'U0BOB', reason: '  ' }, 'deny', 'ReasonRequiredError'],
    ['a denial with a 1 MB reason', { by: 'U0BOB', reason: MEGABYTE }, 'deny', 'InvalidDecisionError'],
  ];
  for (const [name, input, action, refusal] of decisions) {
    it(`${action}: ${name} is ${refusal ? `refused (${refusal})` : 'accepted'}`, () => {
      const checked = checkDecision(input, action);
      if (refusal) {
        assert.equal(checked.ok, false);
        assert.equal(!checked.ok && checked.type, refusal);
        assert.ok(!checked.ok && checked.message.length < 200);
      } else {
        assert.equal(checked.ok, true);
        assert.equal(checked.ok && checked.value.by, 'U0BOB');
      }
    });
  }

  const extensions: [string, unknown, string | undefined][] = [
    ['1h by an operator', { by: 'ops', duration: '1h', reason: 'incident' }, undefined],
    ['0s', { by: 'ops', duration: '0s', reason: 'x' }, 'InvalidExtensionError'],
    ['0.0001s', { by: 'ops', duration: '0.0001s', reason: 'x' }, 'InvalidExtensionError'],
    ['999ms', { by: 'ops', duration: '999ms', reason: 'x' }, 'InvalidExtensionError'],
    ['NaN', { by: 'ops', duration: 'NaN', reason: 'x' }, 'InvalidExtensionError'],
    ['a number', { by: 'ops', duration: 3_600_000, reason: 'x' }, 'InvalidExtensionError'],
    ['null', null, 'InvalidExtensionError'],
    ['no reason', { by: 'ops', duration: '1h' }, 'ReasonRequiredError'],
    ['a 1 MB reason', { by: 'ops', duration: '1h', reason: MEGABYTE }, 'InvalidExtensionError'],
    ['no "by"', { duration: '1h', reason: 'x' }, 'InvalidExtensionError'],
  ];
  for (const [name, input, refusal] of extensions) {
    it(`extend: ${name} is ${refusal ? `refused (${refusal})` : 'accepted'}`, () => {
      const checked = checkExtension(input);
      if (refusal) assert.equal(!checked.ok && checked.type, refusal);
      else
        assert.deepEqual(checked, {
          ok: true,
          value: { by: 'ops', duration: '1h', durationMs: 3_600_000, reason: 'incident' },
        });
    });
  }

  it('extend: a duration is normalised the way people write it (90m → 1h30m)', () => {
    const checked = checkExtension({ by: 'ops', duration: '90m', reason: 'x' });
    assert.equal(checked.ok && checked.value.duration, '1h30m');
  });

  it('revoke: anything becomes a usable revocation, cut to size', () => {
    assert.deepEqual(readRevocation({ by: 'ops', reason: 'done' }), { by: 'ops', reason: 'done' });
    assert.deepEqual(readRevocation(null), { by: 'unknown (revoke signal without "by")', reason: 'no reason given' });
    assert.deepEqual(readRevocation({ by: { nested: 1 }, reason: ['x'] }), {
      by: 'unknown (revoke signal without "by")',
      reason: 'no reason given',
    });
    const long = readRevocation({ by: MEGABYTE, reason: MEGABYTE });
    assert.equal(long.by.length, 256);
    assert.equal(long.reason.length, 2_000);
  });

  const valid = {
    requestId: 'r1',
    requester: { slackUserId: 'U0ALICE', email: 'alice@example.com' },
    reason: 'debugging',
    target: { accountId: '123456789012', permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1' },
    requestedAt: '2026-12-01T00:00:00Z',
  };
  const catalogTarget = {
    key: 'prod-admin',
    name: 'Production admin',
    permissionSetArn: valid.target.permissionSetArn,
    accounts: [
      { id: '123456789012', name: 'payments-prod' },
      { id: '444455556666', name: 'checkout-prod' },
    ],
    requesterRule: 'S0ENGINEERS',
  };
  const withCatalog = (changes: Record<string, unknown>) => ({
    ...valid,
    catalogTarget: { ...catalogTarget, ...changes },
  });
  const starts: [string, unknown, RegExp | undefined][] = [
    ['a usable request', valid, undefined],
    ['a request for a catalog target in two accounts', withCatalog({}), undefined],
    ['a catalog target with no accounts', withCatalog({ accounts: [] }), /must list 1 to 20 accounts/],
    [
      'a catalog target with 21 accounts',
      withCatalog({
        accounts: Array.from({ length: 21 }, (_, index) => ({ id: String(index).padStart(12, '1'), name: 'a' })),
      }),
      /must list 1 to 20 accounts/,
    ],
    [
      'a catalog target listing one account twice',
      withCatalog({ accounts: [catalogTarget.accounts[0], catalogTarget.accounts[0]] }),
      /lists an account twice/,
    ],
    [
      'a catalog target whose first account is not the target',
      withCatalog({ accounts: [...catalogTarget.accounts].reverse() }),
      /"target" must be the first account of "catalogTarget"/,
    ],
    [
      'a catalog target of another permission set than the target',
      withCatalog({ permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-2' }),
      /"target" must be the first account of "catalogTarget"/,
    ],
    ['a catalog target without a key', withCatalog({ key: undefined }), /"catalogTarget.key" must be a string/],
    [
      'a catalog target without the rule that let the person ask',
      withCatalog({ requesterRule: '' }),
      /catalogTarget.requesterRule/,
    ],
    [
      'a catalog account without a name',
      withCatalog({ accounts: [{ id: '123456789012' }] }),
      /"catalogTarget.accounts\[0\].name" must be a string/,
    ],
    ['a catalog target that is not an object', { ...valid, catalogTarget: 'prod-admin' }, /catalogTarget.key/],
    [
      'a usable Slack request',
      { ...valid, slack: { approverChannel: 'C1', approvers: ['U0BOB'], requestTimeout: '1h' } },
      undefined,
    ],
    ['not an object', 'x', /not an object/],
    ['a duration that rounds to 0', { ...valid, duration: '0.0001s' }, /"duration": "0.0001s" is not a duration/],
    ['a 500 ms grant', { ...valid, duration: '500ms' }, /shorter than 1s/],
    ['a numeric reason', { ...valid, reason: 5 }, /"reason" must be a string/],
    ['no target', { ...valid, target: null }, /"target.accountId" must be a string/],
    [
      'approvers that are not ids',
      { ...valid, slack: { approverChannel: 'C1', approvers: [1], requestTimeout: '1h' } },
      /slack.approvers/,
    ],
    [
      'a request timeout of 0s',
      { ...valid, slack: { approverChannel: 'C1', approvers: [], requestTimeout: '0s' } },
      /requestTimeout/,
    ],
    ['bad limits', { ...valid, limits: { maxTotalDuration: 'forever' } }, /limits.maxTotalDuration/],
    [
      'a requester with the Identity Center user name they were bound to',
      { ...valid, requester: { ...valid.requester, identityCenterUser: { userName: 'alice', displayName: 'Alice' } } },
      undefined,
    ],
    [
      'an Identity Center user without a user name',
      { ...valid, requester: { ...valid.requester, identityCenterUser: { displayName: 'Alice' } } },
      /"requester.identityCenterUser.userName" must be a string/,
    ],
    [
      'an Identity Center user that is not an object',
      { ...valid, requester: { ...valid.requester, identityCenterUser: 'alice' } },
      /requester.identityCenterUser.userName/,
    ],
  ];
  for (const [name, input, problem] of starts) {
    it(`start: ${name} ${problem ? 'is named as unusable' : 'is usable'}`, () => {
      const problems = requestProblems(input);
      if (problem) assert.match(problems.join('; '), problem);
      else assert.deepEqual(problems, []);
    });
  }
});
