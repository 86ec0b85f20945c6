/** CATALOG_FILE at start-up: read and validated by loadConfig, its targets managed, the implicit target without it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCatalog } from '../src/catalogFile';
import { catalogOf, loadConfig, managedTargets } from '../src/config';
import { CATALOG_MISTAKES, catalogWith, VALID_CATALOG } from './support/catalogs';
import { configProblems, REQUIRED_ENV } from './support/configEnv';

const HOUR = 3_600_000;
const ADMIN_SET = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef';

const problems = configProblems;

describe('the target catalog at start-up (CATALOG_FILE)', function () {
  let dir: string;
  const file = (name: string, text: string) => {
    const written = path.join(dir, name);
    writeFileSync(written, text);
    return written;
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keycard-catalog-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start on a mistake in the catalog, naming the file, the line and the key', () => {
    const catalog = file('catalog.yaml', catalogWith({ 8: '    duration: { default: 9h, max: 8h }' }));
    assert.deepEqual(problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog }), [
      `${catalog}:8 targets.prod-admin.duration.default: 9h is longer than its max 8h`,
    ]);
  });

  it('names each catalog problem beside the other variables’ problems, all at once', () => {
    const catalog = file('two.yaml', catalogWith({ 7: null, 10: '    approvers: []' }));
    assert.deepEqual(problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog, GRANT_TTL: 'soon' }), [
      'GRANT_TTL not a duration (example: 4h)',
      `${catalog}:2 targets.prod-admin.permissionSet: is required: the permission set granted (example: arn:aws:sso:::permissionSet/ssoins-…/ps-…)`,
      `${catalog}:9 targets.prod-admin.approvers: must list at least one approver: Slack user ids (U…, W…) or user group ids (S…)`,
    ]);
  });

  it('gives the same answers as `keycard catalog check` for every kind of mistake', () => {
    for (const { mistake, text, problems: expected } of CATALOG_MISTAKES) {
      const catalog = file('catalog.yaml', text);
      assert.deepEqual(
        problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog }),
        expected.map((problem) => problem.replace(/^catalog\.yaml:/, `${catalog}:`)),
        mistake,
      );
    }
  });

  it('refuses a CATALOG_FILE that cannot be read, naming the variable', () => {
    const found = problems({ ...REQUIRED_ENV, CATALOG_FILE: path.join(dir, 'missing.yaml') });
    assert.equal(found.length, 1);
    assert.match(found[0], /^CATALOG_FILE cannot be read: ENOENT: no such file or directory/);
  });

  it('refuses a catalog target with Keycard’s own permission set, naming the target', () => {
    const catalog = file('own.yaml', VALID_CATALOG);
    const found = problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog, KEYCARD_PERMISSION_SET_ARN: ADMIN_SET });
    // The single target (PERMISSION_SET_ARN) is the same set here: both are named, each once.
    assert.deepEqual(
      found.map((problem) => problem.split(' is KEYCARD')[0]),
      ['PERMISSION_SET_ARN', `targets.prod-admin.permissionSet in ${catalog}`],
    );
  });

  it('reads a valid catalog: its targets are the catalog, and every (account, permission set) is managed', () => {
    const catalog = file('valid.yaml', VALID_CATALOG);
    const env = {
      ...REQUIRED_ENV,
      PERMISSION_SET_ARN: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-single',
      CATALOG_FILE: catalog,
    };
    const config = loadConfig(env);
    assert.deepEqual(config.catalog, parseCatalog(VALID_CATALOG, catalog).catalog);
    assert.equal(catalogOf(config), config.catalog);
    assert.deepEqual(managedTargets(config), [
      { accountId: REQUIRED_ENV.TARGET_ACCOUNT_ID, permissionSetArn: env.PERMISSION_SET_ARN },
      { accountId: '111122223333', permissionSetArn: ADMIN_SET },
      { accountId: '444455556666', permissionSetArn: ADMIN_SET },
    ]);
  });

  it('manages the single target once when the catalog also lists it', () => {
    const catalog = file(
      'same.yaml',
      catalogWith({ 5: `      - { id: '${REQUIRED_ENV.TARGET_ACCOUNT_ID}', name: main }` }),
    );
    const config = loadConfig({ ...REQUIRED_ENV, CATALOG_FILE: catalog });
    assert.deepEqual(managedTargets(config), [
      { accountId: REQUIRED_ENV.TARGET_ACCOUNT_ID, permissionSetArn: ADMIN_SET },
      { accountId: '444455556666', permissionSetArn: ADMIN_SET },
    ]);
  });

  it('without CATALOG_FILE, the single-target settings make the one implicit target', () => {
    const config = loadConfig({
      ...REQUIRED_ENV,
      APPROVERS: 'U0BOB,S0SRE',
      APPROVER_CHANNEL: 'C0APPROVALS',
      GRANT_TTL: '2h',
      MAX_GRANT_DURATION: '6h',
    });
    assert.equal(config.catalog, undefined);
    assert.deepEqual(catalogOf(config), {
      targets: [
        {
          key: 'default',
          name: 'Production access',
          accounts: [{ id: REQUIRED_ENV.TARGET_ACCOUNT_ID, name: REQUIRED_ENV.TARGET_ACCOUNT_ID }],
          permissionSetArn: REQUIRED_ENV.PERMISSION_SET_ARN,
          duration: { defaultMs: 2 * HOUR, maxMs: 6 * HOUR, choicesMs: [] },
          approvers: ['U0BOB', 'S0SRE'],
          channel: 'C0APPROVALS',
        },
      ],
    });
    assert.deepEqual(managedTargets(config), [
      { accountId: REQUIRED_ENV.TARGET_ACCOUNT_ID, permissionSetArn: REQUIRED_ENV.PERMISSION_SET_ARN },
    ]);
  });
});
