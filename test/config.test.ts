import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config';

const valid = {
  MONGODB_URL: 'mongodb://127.0.0.1:27017/keycard',
  AWS_REGION: 'eu-west-1',
  IDENTITY_CENTER_INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
  IDENTITY_STORE_ID: 'd-1234567890',
  TARGET_ACCOUNT_ID: '123456789012',
  PERMISSION_SET_ARN: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

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
});
