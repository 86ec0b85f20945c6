/** The one configuration loader: defaults, every problem named at once, and the checks across variables. */
import assert from 'node:assert/strict';
import { ConfigError, loadAuditConfig, loadConfig, loadOperatorConfig, signingKeyOf } from '../src/config';
import { configProblems, REQUIRED_ENV } from './support/configEnv';

const valid: Record<string, string> = REQUIRED_ENV;

const problems = configProblems;

describe('configuration from the environment', function () {
  it('fills in the documented defaults', () => {
    const config = loadConfig(valid);
    assert.equal(config.TEMPORAL_ADDRESS, 'localhost:7233');
    assert.equal(config.TEMPORAL_NAMESPACE, 'default');
    assert.equal(config.TEMPORAL_TASK_QUEUE, 'keycard');
    assert.equal(config.GRANT_TTL, 4 * 3_600_000);
    assert.equal(config.TEMPORAL_TLS, false);
    assert.equal(config.IDENTITY_CENTER_RATE, 20);
    assert.equal(config.WORKFLOW_CACHE_SIZE, 250);
    assert.equal(config.REQUEST_RATE_LIMIT, 5);
    assert.equal(config.SLACK_APP_ID, undefined, 'learned from the bot token');
    assert.equal(config.SLACK_TEAM_ID, undefined, 'learned from the bot token');
  });

  it('caches Slack user-group members 30s by default; 0s is no cache, and longer than 10m is refused', () => {
    assert.equal(loadConfig(valid).GROUP_MEMBERS_CACHE, 30_000);
    assert.equal(loadConfig({ ...valid, GROUP_MEMBERS_CACHE: '0s' }).GROUP_MEMBERS_CACHE, 0);
    assert.equal(loadConfig({ ...valid, GROUP_MEMBERS_CACHE: '0' }).GROUP_MEMBERS_CACHE, 0);
    assert.equal(loadConfig({ ...valid, GROUP_MEMBERS_CACHE: '2m' }).GROUP_MEMBERS_CACHE, 120_000);
    assert.deepEqual(problems({ ...valid, GROUP_MEMBERS_CACHE: '1h' }), [
      'GROUP_MEMBERS_CACHE must be at most 10m: someone taken out of a group keeps its rights this long (example: 30s)',
    ]);
    assert.deepEqual(problems({ ...valid, GROUP_MEMBERS_CACHE: 'briefly' }), [
      'GROUP_MEMBERS_CACHE not a duration (example: 30s; 0s for none)',
    ]);
  });

  it('names a Slack app or team id that is not one, and a request limit that is not a whole number', () => {
    assert.deepEqual(problems({ ...valid, SLACK_APP_ID: 'keycard', SLACK_TEAM_ID: 'A0123' }), [
      'SLACK_APP_ID must be a Slack app id (example: A0123456789)',
      'SLACK_TEAM_ID must be a Slack team id (example: T0123456789)',
    ]);
    assert.deepEqual(problems({ ...valid, REQUEST_RATE_LIMIT: '0' }), [
      'REQUEST_RATE_LIMIT must be a whole number of requests per minute, at least 1 (example: 5)',
    ]);
    assert.equal(loadConfig({ ...valid, REQUEST_RATE_LIMIT: '12', SLACK_APP_ID: 'A0KEYCARD' }).REQUEST_RATE_LIMIT, 12);
  });

  it('names every missing variable at once, with an example', () => {
    const found = problems({});
    for (const name of Object.keys(valid)) {
      assert.ok(
        found.some((problem) => problem.startsWith(`${name} `)),
        `${name} is named in ${JSON.stringify(found)}`,
      );
    }
    assert.ok(found.every((problem) => /example/.test(problem)));
  });

  it('names the bad variable and says what is wrong with it', () => {
    assert.deepEqual(problems({ ...valid, TARGET_ACCOUNT_ID: '1234' }), [
      'TARGET_ACCOUNT_ID must be a 12-digit AWS account id (example: 123456789012)',
    ]);
    assert.deepEqual(problems({ ...valid, GRANT_TTL: 'four hours' }), ['GRANT_TTL not a duration (example: 4h)']);
    assert.deepEqual(problems({ ...valid, WORKFLOW_CACHE_SIZE: '1' }), [
      'WORKFLOW_CACHE_SIZE must be a whole number of at least 2',
    ]);
    assert.match(problems({ ...valid, MONGODB_URL: 'http://x' })[0], /^MONGODB_URL must start with mongodb:\/\//);
    assert.match(
      problems({ ...valid, TEMPORAL_TLS_CERT_PATH: '/x.pem' })[0],
      /TEMPORAL_TLS_KEY_PATH must be set together/,
    );
  });

  it('never repeats a secret value in its messages', () => {
    const secret = 'super-secret-api-key-value';
    const error = (() => {
      try {
        loadConfig({ ...valid, TEMPORAL_API_KEY: secret, TARGET_ACCOUNT_ID: 'x' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    assert.ok(error);
    assert.ok(!error.message.includes(secret));
  });

  it('reads PROTECTED_PRINCIPALS and KEYCARD_PERMISSION_SET_ARN, and refuses emails and names in them', () => {
    const admin = '906754a1b2-1234abcd-5678-90ef-1234-567890abcdef';
    const breakGlass = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-breakglass';
    const config = loadConfig({ ...valid, PROTECTED_PRINCIPALS: `${admin}, ${breakGlass}` });
    assert.deepEqual(config.PROTECTED_PRINCIPALS, [admin, breakGlass]);
    assert.deepEqual(loadConfig(valid).PROTECTED_PRINCIPALS, []);
    assert.equal(loadConfig(valid).REVOKE_PROBE_INTERVAL, 60_000);
    assert.match(
      problems({ ...valid, PROTECTED_PRINCIPALS: 'admin@example.com' })[0],
      /^PROTECTED_PRINCIPALS must list/,
    );
    assert.match(problems({ ...valid, KEYCARD_PERMISSION_SET_ARN: 'ps-1' })[0], /^KEYCARD_PERMISSION_SET_ARN must be/);
  });

  it('refuses to start when Keycard would manage its own permission set or a protected one, naming the variables', () => {
    const own = problems({ ...valid, KEYCARD_PERMISSION_SET_ARN: valid.PERMISSION_SET_ARN });
    assert.equal(own.length, 1);
    assert.match(own[0], /^PERMISSION_SET_ARN is KEYCARD_PERMISSION_SET_ARN/);
    const listed = problems({ ...valid, PROTECTED_PRINCIPALS: `u-admin,${valid.PERMISSION_SET_ARN}` });
    assert.equal(listed.length, 1);
    assert.match(listed[0], /^PERMISSION_SET_ARN .* is listed in PROTECTED_PRINCIPALS/);
    assert.doesNotThrow(() =>
      loadConfig({
        ...valid,
        KEYCARD_PERMISSION_SET_ARN: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-keycard',
        PROTECTED_PRINCIPALS: 'u-admin',
      }),
    );
  });

  it('refuses a default grant longer than the longest grant allowed, and takes one exactly as long', () => {
    assert.deepEqual(problems({ ...valid, GRANT_TTL: '9h', MAX_GRANT_DURATION: '8h' }), [
      'GRANT_TTL must not be longer than MAX_GRANT_DURATION',
    ]);
    assert.deepEqual(problems({ ...valid, GRANT_TTL: '5h', MAX_GRANT_DURATION: '4h' }), [
      'GRANT_TTL must not be longer than MAX_GRANT_DURATION',
    ]);
    const config = loadConfig({ ...valid, GRANT_TTL: '8h', MAX_GRANT_DURATION: '8h' });
    assert.equal(config.GRANT_TTL, config.MAX_GRANT_DURATION);
  });

  it('wants the mTLS client certificate and key together, either one alone is refused', () => {
    const together = 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS client pair)';
    assert.deepEqual(problems({ ...valid, TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' }), [together]);
    assert.deepEqual(problems({ ...valid, TEMPORAL_TLS_KEY_PATH: '/tls/client.key' }), [together]);
    const config = loadConfig({
      ...valid,
      TEMPORAL_TLS_CERT_PATH: '/tls/client.pem',
      TEMPORAL_TLS_KEY_PATH: '/tls/client.key',
    });
    assert.deepEqual(
      [config.TEMPORAL_TLS_CERT_PATH, config.TEMPORAL_TLS_KEY_PATH],
      ['/tls/client.pem', '/tls/client.key'],
    );
  });

  it('reads TEMPORAL_TLS as a flag and refuses what is not one', () => {
    for (const [text, on] of [
      ['true', true],
      ['1', true],
      ['yes', true],
      ['false', false],
      ['0', false],
      ['no', false],
    ] as const) {
      assert.equal(loadConfig({ ...valid, TEMPORAL_TLS: text }).TEMPORAL_TLS, on, text);
    }
    assert.match(problems({ ...valid, TEMPORAL_TLS: 'maybe' })[0], /^TEMPORAL_TLS /);
  });

  it('for the Slack app, takes a signing secret (HTTP) or an app token (Socket Mode), and wants one of them', () => {
    const slack = {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      APPROVER_CHANNEL: 'C0123456789',
      APPROVERS: 'U0123ABCD,S0456EFGH',
    };
    const either = 'SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode, xapp-…) is required';
    const slackProblems = (env: Record<string, string>) => {
      try {
        loadConfig(env, { slack: true });
        return [];
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems;
      }
    };
    assert.deepEqual(slackProblems({ ...valid, ...slack }), [either]);
    assert.deepEqual(slackProblems({ ...valid, ...slack, SLACK_SIGNING_SECRET: 'signing-secret-42' }), []);
    assert.deepEqual(slackProblems({ ...valid, ...slack, SLACK_APP_TOKEN: 'xapp-1-abc' }), []);
    assert.deepEqual(loadConfig({ ...valid, ...slack, SLACK_APP_TOKEN: 'xapp-1-abc' }, { slack: true }).APPROVERS, [
      'U0123ABCD',
      'S0456EFGH',
    ]);
    assert.doesNotThrow(() => loadConfig(valid), 'the worker alone needs no Slack settings');
  });

  it('for the Slack app, lists the missing Slack settings together with the rest', () => {
    let found: string[] = [];
    try {
      loadConfig({ MONGODB_URL: valid.MONGODB_URL }, { slack: true });
    } catch (error) {
      found = (error as ConfigError).problems;
    }
    for (const name of [
      'AWS_REGION',
      'TARGET_ACCOUNT_ID',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'APPROVER_CHANNEL',
      'APPROVERS',
    ]) {
      assert.ok(
        found.some((problem) => problem.startsWith(name)),
        `${name} in ${JSON.stringify(found)}`,
      );
    }
  });

  it('with no Slack settings at all, still refuses to start and names npm run demo for trying Keycard out', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env, { slack: true });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.message;
      }
      assert.fail('loadConfig accepted a configuration without Slack settings');
    };
    assert.match(refusal(valid), /SLACK_BOT_TOKEN is required[\s\S]*run `npm run demo`/);
    const lostTheSecret = refusal({ ...valid, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', APPROVER_CHANNEL: 'C0123456789' });
    assert.doesNotMatch(lostTheSecret, /npm run demo/, 'a deploy with some Slack settings gets no demo hint');
  });

  it('wants KEYCARD_SIGNING_KEY where proofs are signed or checked, at least 32 characters, never echoed', () => {
    const config = loadConfig(valid);
    assert.throws(
      () => signingKeyOf(config),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.problems.join('\n'), /KEYCARD_SIGNING_KEY is required/);
        return true;
      },
    );
    const short = 'only-31-characters-long-0123456';
    const refused = (() => {
      try {
        loadConfig({ ...valid, KEYCARD_SIGNING_KEY: short });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('a short key was taken');
    })();
    assert.match(refused.problems.join('\n'), /KEYCARD_SIGNING_KEY is too short/);
    assert.ok(!refused.message.includes(short), 'the key is not repeated');
    const key = 'k'.repeat(32);
    assert.equal(signingKeyOf(loadConfig({ ...valid, KEYCARD_SIGNING_KEY: key })), key);
  });

  it('for keycard extend, wants Temporal settings and the signing key only', () => {
    assert.throws(() => loadOperatorConfig({}), /KEYCARD_SIGNING_KEY is required/);
    const config = loadOperatorConfig({ KEYCARD_SIGNING_KEY: 'k'.repeat(40) });
    assert.deepEqual([config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE], ['localhost:7233', 'default']);
  });

  it('takes the audit checkpoints’ key and bucket together, or neither; retention in whole days, a year by default', () => {
    const none = loadConfig(valid);
    assert.equal(none.AUDIT_CHECKPOINT_KEY_ID, undefined);
    assert.equal(none.AUDIT_CHECKPOINT_RETENTION_DAYS, 365);
    for (const keyId of [
      'alias/keycard-audit-checkpoints',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ]) {
      const both = loadConfig({
        ...valid,
        AUDIT_CHECKPOINT_KEY_ID: keyId,
        AUDIT_CHECKPOINT_BUCKET: 'example-keycard-audit',
      });
      assert.equal(both.AUDIT_CHECKPOINT_KEY_ID, keyId);
    }
    assert.deepEqual(problems({ ...valid, AUDIT_CHECKPOINT_BUCKET: 'example-keycard-audit' }), [
      'AUDIT_CHECKPOINT_KEY_ID and AUDIT_CHECKPOINT_BUCKET must be set together (the key signs checkpoints, the bucket keeps them)',
    ]);
    assert.deepEqual(
      problems({
        ...valid,
        AUDIT_CHECKPOINT_KEY_ID: 'my key',
        AUDIT_CHECKPOINT_BUCKET: 'Not_A_Bucket',
        AUDIT_CHECKPOINT_RETENTION_DAYS: '0',
      }).map((problem) => problem.split(' ')[0]),
      ['AUDIT_CHECKPOINT_KEY_ID', 'AUDIT_CHECKPOINT_BUCKET', 'AUDIT_CHECKPOINT_RETENTION_DAYS'],
    );
  });

  it('for keycard audit: MONGODB_URL alone, or with the checkpoints and their region', () => {
    const mongo = { MONGODB_URL: 'mongodb://127.0.0.1:27017/keycard' };
    assert.deepEqual(loadAuditConfig(mongo), mongo);
    const checkpoints = { AUDIT_CHECKPOINT_KEY_ID: 'alias/k', AUDIT_CHECKPOINT_BUCKET: 'example-keycard-audit' };
    assert.throws(
      () => loadAuditConfig({ ...mongo, ...checkpoints }),
      (error: ConfigError) =>
        error.problems.join() ===
        'AWS_REGION is required with AUDIT_CHECKPOINT_BUCKET: the region of the bucket and the key',
    );
    assert.equal(
      loadAuditConfig({ ...mongo, ...checkpoints, AWS_REGION: 'eu-west-1' }).AUDIT_CHECKPOINT_KEY_ID,
      'alias/k',
    );
  });
});
