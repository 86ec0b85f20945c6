/** CATALOG_FILE at start-up: read and validated by loadConfig, its targets managed, the implicit target without it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCatalog } from '../src/catalogFile';
import { catalogOf, ConfigError, defaultTargetOf, loadConfig, managedTargets, singleTargetOf } from '../src/config';
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

  const withoutSingleTarget = () => {
    const env: Record<string, string> = { ...REQUIRED_ENV };
    delete env.TARGET_ACCOUNT_ID;
    delete env.PERMISSION_SET_ARN;
    return env;
  };

  it('with a catalog, TARGET_ACCOUNT_ID and PERMISSION_SET_ARN may be left out: the catalog is all that is managed', () => {
    const catalog = file('alone.yaml', VALID_CATALOG);
    const config = loadConfig({ ...withoutSingleTarget(), CATALOG_FILE: catalog });
    assert.equal(config.TARGET_ACCOUNT_ID, undefined);
    assert.equal(singleTargetOf(config), undefined);
    assert.equal(catalogOf(config), config.catalog);
    assert.deepEqual(managedTargets(config), [
      { accountId: '111122223333', permissionSetArn: ADMIN_SET },
      { accountId: '444455556666', permissionSetArn: ADMIN_SET },
    ]);
    assert.deepEqual(defaultTargetOf(config), { accountId: '111122223333', permissionSetArn: ADMIN_SET });
  });

  it('for the Slack app with a catalog, each target names its approvers: APPROVERS may be left out, APPROVER_CHANNEL not', () => {
    const catalog = file('slack.yaml', VALID_CATALOG);
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1-abc', SLACK_APP_TOKEN: 'xapp-1-abc' };
    const env = { ...withoutSingleTarget(), ...slack, CATALOG_FILE: catalog };
    const slackProblems = (settings: Record<string, string>) => {
      try {
        loadConfig(settings, { slack: true });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    assert.deepEqual(slackProblems(env), [
      'APPROVER_CHANNEL is required: where requests are approved (example: C0123456789)',
    ]);
    assert.deepEqual(slackProblems({ ...env, APPROVER_CHANNEL: 'C0APPROVALS' }), []);
    const single = { ...REQUIRED_ENV, ...slack, APPROVER_CHANNEL: 'C0APPROVALS' };
    assert.deepEqual(slackProblems(single), [
      'APPROVERS is required without CATALOG_FILE: who may approve (example: U0123ABCD,S0456EFGH)',
    ]);
  });

  it('with a catalog, one of TARGET_ACCOUNT_ID and PERMISSION_SET_ARN without the other is refused', () => {
    const catalog = file('half.yaml', VALID_CATALOG);
    const env = withoutSingleTarget();
    assert.deepEqual(problems({ ...env, CATALOG_FILE: catalog, TARGET_ACCOUNT_ID: '123456789012' }), [
      'TARGET_ACCOUNT_ID and PERMISSION_SET_ARN must be set together (one more target beside the catalog), or both left out with CATALOG_FILE',
    ]);
  });

  it('without a catalog, TARGET_ACCOUNT_ID and PERMISSION_SET_ARN are required, each named', () => {
    assert.deepEqual(problems(withoutSingleTarget()), [
      'TARGET_ACCOUNT_ID is required without CATALOG_FILE: the AWS account access is granted to (example: 123456789012)',
      'PERMISSION_SET_ARN is required without CATALOG_FILE (example: arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef)',
    ]);
  });

  it('refuses a target whose max is longer than MAX_TOTAL_GRANT_DURATION, naming the file, the line and the target', () => {
    const catalog = file('long.yaml', catalogWith({ 8: '    duration: { default: 4h, max: 16h }' }));
    assert.deepEqual(problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog }), [
      `${catalog}:8 targets.prod-admin.duration.max: 16h is longer than MAX_TOTAL_GRANT_DURATION 12h, the longest any grant may last with its extensions: lower the max, or raise MAX_TOTAL_GRANT_DURATION`,
    ]);
    assert.deepEqual(
      problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog, MAX_TOTAL_GRANT_DURATION: '10h' })[0].split(': ')[1],
      '16h is longer than MAX_TOTAL_GRANT_DURATION 10h, the longest any grant may last with its extensions',
    );
    const config = loadConfig({ ...REQUIRED_ENV, CATALOG_FILE: catalog, MAX_TOTAL_GRANT_DURATION: '16h' });
    assert.equal(config.catalog?.targets[0].duration.maxMs, 16 * HOUR, 'a max exactly as long is taken');
  });

  it('names a bad MAX_TOTAL_GRANT_DURATION once, and the catalog still read', () => {
    const catalog = file('bad-total.yaml', catalogWith({ 8: '    duration: { default: 9h, max: 8h }' }));
    assert.deepEqual(problems({ ...REQUIRED_ENV, CATALOG_FILE: catalog, MAX_TOTAL_GRANT_DURATION: 'soon' }), [
      'MAX_TOTAL_GRANT_DURATION not a duration (example: 12h)',
      `${catalog}:8 targets.prod-admin.duration.default: 9h is longer than its max 8h`,
    ]);
  });
});
