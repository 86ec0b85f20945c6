/** The catalog's pure rules: the implicit target of the single-target settings, the pairs it manages, the modal's durations. */
import assert from 'node:assert/strict';
import {
  catalogTargets,
  durationOptions,
  implicitCatalog,
  targetKeyProblem,
  type Catalog,
  type CatalogTarget,
} from '../../src/domain/catalog';

const HOUR = 3_600_000;
const PS_ADMIN = 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin';
const PS_READ = 'arn:aws:sso:::permissionSet/ssoins-1/ps-read';

function target(overrides: Partial<CatalogTarget>): CatalogTarget {
  return {
    key: 'prod-admin',
    name: 'Production admin',
    accounts: [{ id: '111122223333', name: 'payments-prod' }],
    permissionSetArn: PS_ADMIN,
    duration: { defaultMs: 4 * HOUR, maxMs: 8 * HOUR, choicesMs: [] },
    approvers: ['S0SRE'],
    ...overrides,
  };
}

describe('the target catalog', function () {
  it('makes one implicit target of the single-target settings: everyone may ask, the approvers decide', () => {
    assert.deepEqual(
      implicitCatalog({
        accountId: '123456789012',
        permissionSetArn: PS_ADMIN,
        approvers: ['U0BOB', 'S0SRE'],
        channel: 'C0APPROVALS',
        defaultMs: 4 * HOUR,
        maxMs: 8 * HOUR,
      }),
      {
        targets: [
          {
            key: 'default',
            name: 'Production access',
            accounts: [{ id: '123456789012', name: '123456789012' }],
            permissionSetArn: PS_ADMIN,
            duration: { defaultMs: 4 * HOUR, maxMs: 8 * HOUR, choicesMs: [] },
            approvers: ['U0BOB', 'S0SRE'],
            channel: 'C0APPROVALS',
          },
        ],
      },
    );
  });

  it('the implicit target of a worker with no Slack settings has no approvers and no channel', () => {
    const [only] = implicitCatalog({
      accountId: '123456789012',
      permissionSetArn: PS_ADMIN,
      defaultMs: HOUR,
      maxMs: HOUR,
    }).targets;
    assert.deepEqual(only.approvers, []);
    assert.equal('channel' in only, false);
  });

  it('manages every (account, permission set) of every target, each once', () => {
    const catalog: Catalog = {
      targets: [
        target({
          accounts: [
            { id: '111122223333', name: 'payments-prod' },
            { id: '444455556666', name: 'checkout-prod' },
          ],
        }),
        target({ key: 'payments-again', accounts: [{ id: '111122223333', name: 'payments' }] }),
        target({ key: 'read', permissionSetArn: PS_READ }),
      ],
    };
    assert.deepEqual(catalogTargets(catalog), [
      { accountId: '111122223333', permissionSetArn: PS_ADMIN },
      { accountId: '444455556666', permissionSetArn: PS_ADMIN },
      { accountId: '111122223333', permissionSetArn: PS_READ },
    ]);
  });

  const options: [string, CatalogTarget['duration'], number[]][] = [
    [
      'the choices, in order, with the default among them',
      { defaultMs: 3 * HOUR, maxMs: 8 * HOUR, choicesMs: [8 * HOUR, HOUR] },
      [HOUR, 3 * HOUR, 8 * HOUR],
    ],
    [
      'the default and the max when there are no choices',
      { defaultMs: 4 * HOUR, maxMs: 8 * HOUR, choicesMs: [] },
      [4 * HOUR, 8 * HOUR],
    ],
    ['one option when the default is the max', { defaultMs: HOUR, maxMs: HOUR, choicesMs: [] }, [HOUR]],
  ];
  for (const [offers, duration, expected] of options) {
    it(`the request modal offers ${offers}`, () => {
      assert.deepEqual(durationOptions(target({ duration })), expected);
    });
  }

  const keys: [string, boolean][] = [
    ['prod-admin', true],
    ['0-staging', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-prod', false],
    ['Prod', false],
    ['prod admin', false],
    ['prod_admin', false],
    ['', false],
  ];
  for (const [key, valid] of keys) {
    it(`"${key.length > 20 ? `${key.slice(0, 5)}… (${key.length})` : key}" is ${valid ? '' : 'not '}a target key`, () => {
      assert.equal(targetKeyProblem(key) === undefined, valid);
    });
  }
});
