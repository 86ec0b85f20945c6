/** CATALOG_FILE from YAML text: a valid catalog read in full, and each kind of mistake named with its line and key. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCatalog } from '../src/catalogFile';
import { CATALOG_MISTAKES, catalogWith, VALID_CATALOG } from './support/catalogs';

const HOUR = 3_600_000;

describe('the target catalog file', function () {
  it('reads a valid catalog: each target with its accounts, permission set, durations in ms, requesters and approvers', () => {
    assert.deepEqual(parseCatalog(VALID_CATALOG, 'catalog.yaml'), {
      catalog: {
        targets: [
          {
            key: 'prod-admin',
            name: 'Production admin',
            accounts: [
              { id: '111122223333', name: 'payments-prod' },
              { id: '444455556666', name: 'checkout-prod' },
            ],
            permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
            duration: { defaultMs: 4 * HOUR, maxMs: 8 * HOUR, choicesMs: [1, 2, 4, 8].map((hours) => hours * HOUR) },
            requesters: ['S0ENGINEERS'],
            approvers: ['S0SRE', 'U0BOB'],
            channel: 'C0APPROVALS',
          },
        ],
      },
      problems: [],
    });
  });

  it('leaves out what the file leaves out: requesters (everyone), channel (APPROVER_CHANNEL), choices', () => {
    const { catalog } = parseCatalog(
      catalogWith({ 8: '    duration: { default: 1h, max: 2h }', 9: null, 11: null }),
      'catalog.yaml',
    );
    const [target] = catalog?.targets ?? [];
    assert.equal(target.requesters, undefined);
    assert.equal(target.channel, undefined);
    assert.deepEqual(target.duration, { defaultMs: HOUR, maxMs: 2 * HOUR, choicesMs: [] });
  });

  describe('refuses each kind of mistake, naming the file, the line and the key', function () {
    for (const { mistake, text, problems } of CATALOG_MISTAKES) {
      it(mistake, () => {
        assert.deepEqual(parseCatalog(text, 'catalog.yaml'), { problems });
      });
    }
  });

  it('names every mistake at once, across targets, in the order of the file', () => {
    const text = [
      'targets:',
      '  first:',
      '    name: First',
      "    accounts: [{ id: '111122223333', name: a }]",
      '    permissionSet: arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      '    duration: { default: 9h, max: 8h }',
      '    approvers: [U0BOB]',
      '  second:',
      '    name: Second',
      "    accounts: [{ id: '1', name: b }]",
      '    permissionSet: arn:aws:sso:::permissionSet/ssoins-1/ps-2',
      '    duration: { default: 1h, max: 2h }',
      '    approvers: []',
    ].join('\n');
    assert.deepEqual(parseCatalog(text, '/etc/keycard/catalog.yaml').problems, [
      '/etc/keycard/catalog.yaml:6 targets.first.duration.default: 9h is longer than its max 8h',
      '/etc/keycard/catalog.yaml:10 targets.second.accounts.0.id: must be a 12-digit AWS account id (example: "111122223333")',
      '/etc/keycard/catalog.yaml:13 targets.second.approvers: must list at least one approver: Slack user ids (U…, W…) or user group ids (S…)',
    ]);
  });

  it('accepts the commented example that ships in docs/', () => {
    const file = path.resolve(__dirname, '../../docs/catalog.example.yaml');
    const { catalog, problems } = parseCatalog(readFileSync(file, 'utf8'), file);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      catalog?.targets.map((target) => target.key),
      ['prod-admin', 'staging-readonly'],
    );
  });
});
