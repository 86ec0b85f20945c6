/**
 * `keycard catalog check FILE` as CI runs it: a child process with no setting at all, giving the answers start-up
 * gives (loadConfig with CATALOG_FILE), exit 1 with problems, 0 for the shipped example, 2 for a file it cannot read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { targetKey } from '../../src/domain/grant';
import type { ReconcileSummary } from '../../src/services/reconcile';
import { databaseUrl, keycardCli } from '../support/auditTrail';
import { CATALOG_MISTAKES, catalogWith } from '../support/catalogs';
import { REQUIRED_ENV } from '../support/configEnv';
import { assignInMoto } from '../support/keycard';
import { PROJECT_ROOT } from '../support/processes';
import { createIdentityStoreUser, createPermissionSet, identityCenterEnv, stand } from '../support/stand';

function startUpProblems(catalogFile: string): string[] {
  try {
    loadConfig({ ...REQUIRED_ENV, CATALOG_FILE: catalogFile });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

describe('keycard catalog check', function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keycard-catalog-check-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const chosen = [
    'an unknown key in a target',
    'a default above the max',
    'a missing permission set',
    'no approvers',
    'a YAML syntax error',
  ];
  for (const { mistake, text, problems } of CATALOG_MISTAKES.filter((row) => chosen.includes(row.mistake))) {
    it(`names ${mistake} as start-up does, and exits 1`, async () => {
      const file = path.join(dir, 'catalog.yaml');
      writeFileSync(file, text);
      const result = await keycardCli({}, 'catalog', 'check', file);
      assert.equal(result.code, 1, result.stderr);
      const expected = problems.map((problem) => problem.replace(/^catalog\.yaml:/, `${file}:`));
      assert.deepEqual(startUpProblems(file), expected);
      assert.equal(result.stdout, `${expected.join('\n')}\n${expected.length} problem(s) in ${file}\n`);
    });
  }

  it('names several mistakes at once, one line each', async () => {
    const file = path.join(dir, 'several.yaml');
    writeFileSync(file, catalogWith({ 7: null, 10: '    approvers: [bob]', 11: '    channel: ops' }));
    const result = await keycardCli({}, 'catalog', 'check', file);
    assert.equal(result.code, 1);
    const lines = result.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, -1), startUpProblems(file));
    assert.equal(lines.length, 4);
    assert.equal(lines.at(-1), `3 problem(s) in ${file}`);
  });

  it('prints a hostile target key as text, never as escape sequences', async () => {
    const file = path.join(dir, 'hostile.yaml');
    writeFileSync(file, catalogWith({ 2: '  "prod\\e[2J\\e]8;;https://evil.example\\aclick":' }));
    const result = await keycardCli({}, 'catalog', 'check', file);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /targets\.prod\S*click: is not a target key/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(result.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('accepts the commented example in docs/ with one line per target, and exits 0', async () => {
    const file = path.join(PROJECT_ROOT, 'docs/catalog.example.yaml');
    const result = await keycardCli({}, 'catalog', 'check', file);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(startUpProblems(file), []);
    assert.deepEqual(result.stdout.trimEnd().split('\n'), [
      'prod-admin: Production admin; payments-prod (111122223333), checkout-prod (444455556666); arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef; 4h by default, at most 8h; requesters S0ENGINEERS; approvers S0SRE, U0BOB; in C0APPROVALS',
      'staging-readonly: Staging read-only; staging (777788889999); arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0fedcba987654321; 8h by default, at most 12h; requesters everyone; approvers S0SRE; in APPROVER_CHANNEL',
    ]);
  });

  it('refuses a max longer than the longest total grant, as start-up does: Keycard’s 12h, the variable, or the flag', async () => {
    const file = path.join(dir, 'long.yaml');
    writeFileSync(file, catalogWith({ 8: '    duration: { default: 4h, max: 16h }' }));
    const refusal = (limit: string) =>
      `${file}:8 targets.prod-admin.duration.max: 16h is longer than MAX_TOTAL_GRANT_DURATION ${limit}, the longest any grant may last with its extensions: lower the max, or raise MAX_TOTAL_GRANT_DURATION`;
    const byDefault = await keycardCli({}, 'catalog', 'check', file);
    assert.equal(byDefault.code, 1, byDefault.stderr);
    assert.deepEqual(startUpProblems(file), [refusal('12h')]);
    assert.equal(byDefault.stdout, `${refusal('12h')}\n1 problem(s) in ${file}\n`);
    const fromEnv = await keycardCli({ MAX_TOTAL_GRANT_DURATION: '10h' }, 'catalog', 'check', file);
    assert.equal(fromEnv.stdout.split('\n')[0], refusal('10h'));
    const raised = await keycardCli(
      { MAX_TOTAL_GRANT_DURATION: '10h' },
      'catalog',
      'check',
      file,
      '--max-total-grant-duration',
      '16h',
    );
    assert.equal(raised.code, 0, raised.stdout + raised.stderr);
    assert.match(raised.stdout, /^prod-admin: Production admin; .*at most 16h;/);
    const unreadable = await keycardCli({}, 'catalog', 'check', file, '--max-total-grant-duration', 'forever');
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /"forever" is not a duration/);
  });

  it('exits 2 when the file cannot be read', async () => {
    const file = path.join(dir, 'missing.yaml');
    const result = await keycardCli({}, 'catalog', 'check', file);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^keycard: cannot read ${file}: ENOENT`));
  });

  it('a catalog target is managed: `keycard reconcile` finds standing access in it, which it does not see without the catalog', async () => {
    const single = await createPermissionSet('catalog-single');
    const listed = await createPermissionSet('catalog-listed');
    const intruder = await createIdentityStoreUser(`catalog-intruder-${path.basename(dir)}@example.com`);
    await assignInMoto(listed, intruder);
    const file = path.join(dir, 'managed.yaml');
    writeFileSync(
      file,
      [
        'targets:',
        '  listed:',
        '    name: Listed',
        `    accounts: [{ id: '${listed.accountId}', name: seed }]`,
        `    permissionSet: ${listed.permissionSetArn}`,
        '    duration: { default: 1h, max: 2h }',
        '    approvers: [S0SRE]',
      ].join('\n'),
    );
    const env = {
      TEMPORAL_ADDRESS: stand().devServer.address,
      MONGODB_URL: databaseUrl('catalog'),
      ...identityCenterEnv(single),
    };
    const standing = (summary: ReconcileSummary) =>
      summary.findings.filter(
        (finding) =>
          finding.kind === 'drift' && finding.principalId === intruder && finding.target === targetKey(listed),
      );

    const without = await keycardCli(env, 'reconcile', '--dry-run', '--json');
    assert.equal(without.code, 0, without.stdout + without.stderr);
    assert.deepEqual(standing(JSON.parse(without.stdout) as ReconcileSummary), []);

    const withCatalog = await keycardCli({ ...env, CATALOG_FILE: file }, 'reconcile', '--dry-run', '--json');
    assert.equal(withCatalog.code, 1, withCatalog.stdout + withCatalog.stderr);
    assert.equal(standing(JSON.parse(withCatalog.stdout) as ReconcileSummary).length, 1);

    // The catalog alone, without TARGET_ACCOUNT_ID and PERMISSION_SET_ARN: the same sweep, of the catalog's pairs.
    const catalogOnly: Record<string, string> = { ...env, CATALOG_FILE: file };
    delete catalogOnly.TARGET_ACCOUNT_ID;
    delete catalogOnly.PERMISSION_SET_ARN;
    const alone = await keycardCli(catalogOnly, 'reconcile', '--dry-run', '--json');
    assert.equal(alone.code, 1, alone.stdout + alone.stderr);
    assert.equal(standing(JSON.parse(alone.stdout) as ReconcileSummary).length, 1);
  });
});
