/** Never lock the organisation out: which assignments no sweep or bulk revoke removes, and the start-up rule. */
import assert from 'node:assert/strict';
import {
  isProtected,
  lockoutRisks,
  NO_PROTECTION,
  protectedBecause,
  protectionFrom,
} from '../../src/domain/protection';

const MANAGED = {
  accountId: '123456789012',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-managed',
};
const KEYCARD_OWN = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-keycard';
const BREAK_GLASS_SET = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-breakglass';
const ADMIN = '906754a1b2-1234abcd-5678-90ef-1234-567890abcdef';
const ENGINEER = '906754a1b2-99999999-5678-90ef-1234-567890abcdef';

describe('protected assignments (PROTECTED_PRINCIPALS, KEYCARD_PERMISSION_SET_ARN)', function () {
  it('splits the entries into principal ids and permission set ARNs', () => {
    assert.deepEqual(protectionFrom([ADMIN, BREAK_GLASS_SET, 'g-automation'], KEYCARD_OWN), {
      principals: [ADMIN, 'g-automation'],
      permissionSets: [BREAK_GLASS_SET],
      keycardPermissionSetArn: KEYCARD_OWN,
    });
    assert.deepEqual(protectionFrom([]), NO_PROTECTION);
  });

  const protection = protectionFrom([ADMIN, BREAK_GLASS_SET], KEYCARD_OWN);
  const table: { what: string; principalId: string; permissionSetArn: string; because?: RegExp }[] = [
    {
      what: 'a listed principal on the managed target',
      principalId: ADMIN,
      permissionSetArn: MANAGED.permissionSetArn,
      because: /906754a1b2-1234abcd-5678-90ef-1234-567890abcdef is listed in PROTECTED_PRINCIPALS/,
    },
    {
      what: 'anyone on a listed permission set',
      principalId: ENGINEER,
      permissionSetArn: BREAK_GLASS_SET,
      because: /ps-breakglass is listed in PROTECTED_PRINCIPALS/,
    },
    {
      what: "anyone on Keycard's own permission set",
      principalId: ENGINEER,
      permissionSetArn: KEYCARD_OWN,
      because: /Keycard's own permission set \(KEYCARD_PERMISSION_SET_ARN\)/,
    },
    {
      what: 'an unlisted principal on the managed target',
      principalId: ENGINEER,
      permissionSetArn: MANAGED.permissionSetArn,
    },
  ];
  for (const row of table) {
    it(`${row.because ? 'protects' : 'does not protect'} ${row.what}`, () => {
      const assignment = {
        principalId: row.principalId,
        target: { ...MANAGED, permissionSetArn: row.permissionSetArn },
      };
      assert.equal(isProtected(protection, assignment), Boolean(row.because));
      const because = protectedBecause(protection, assignment);
      if (row.because) assert.match(because ?? '', row.because);
      else assert.equal(because, undefined);
    });
  }

  it('protects nothing when nothing is declared', () => {
    assert.equal(isProtected(NO_PROTECTION, { principalId: ADMIN, target: MANAGED }), false);
  });

  describe('the start-up rule (lockoutRisks)', function () {
    it("accepts a managed target that is neither protected nor Keycard's own, protected principals included", () => {
      assert.deepEqual(lockoutRisks(protection, [MANAGED]), []);
      assert.deepEqual(lockoutRisks(NO_PROTECTION, [MANAGED]), []);
    });

    it("refuses managing Keycard's own permission set, naming both variables", () => {
      const problems = lockoutRisks(protectionFrom([], MANAGED.permissionSetArn), [MANAGED]);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^PERMISSION_SET_ARN is KEYCARD_PERMISSION_SET_ARN \(.*ps-managed\)/);
    });

    it('refuses managing a permission set listed as protected, naming both variables', () => {
      const problems = lockoutRisks(protectionFrom([ADMIN, MANAGED.permissionSetArn]), [MANAGED]);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^PERMISSION_SET_ARN \(.*ps-managed\) is listed in PROTECTED_PRINCIPALS/);
    });

    it('checks every managed target (a catalog of them)', () => {
      const other = { accountId: '210987654321', permissionSetArn: KEYCARD_OWN };
      const problems = lockoutRisks(protection, [MANAGED, other, { ...MANAGED, permissionSetArn: BREAK_GLASS_SET }]);
      assert.equal(problems.length, 2);
    });
  });
});
