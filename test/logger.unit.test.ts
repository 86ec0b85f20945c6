/** Secrets never reach a log line: not in fields, messages, nor error dumps. */
import assert from 'node:assert/strict';
import { createLogger, secretValues } from '../src/logger';
import { CapturedLog } from './support/capturedLog';

describe('the logger', function () {
  const config = {
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefsecret',
    SLACK_SIGNING_SECRET: 'signing-secret-value-42',
    MONGODB_URL: 'mongodb://keycard:p%40ss-word-9@db.example.com:27017/keycard',
  };
  const env = { AWS_SECRET_ACCESS_KEY: 'aws/secret+key=value' };

  it('scrubs configured secrets from fields, messages and error stacks', () => {
    const out = new CapturedLog();
    const logger = createLogger('info', out, secretValues(config, env));
    const error = new Error(`Slack refused token ${config.SLACK_BOT_TOKEN}`);
    logger.error(
      { err: error, headers: { 'x-secret': env.AWS_SECRET_ACCESS_KEY }, url: config.MONGODB_URL },
      `signing with ${config.SLACK_SIGNING_SECRET}`,
    );
    logger.info({ password: 'p@ss-word-9' }, 'mongo password, decoded');
    const written = JSON.stringify(out.lines);
    for (const secret of [
      config.SLACK_BOT_TOKEN,
      config.SLACK_SIGNING_SECRET,
      env.AWS_SECRET_ACCESS_KEY,
      'p@ss-word-9',
      'p%40ss-word-9',
    ]) {
      assert.ok(!written.includes(secret), `${secret} leaked: ${written}`);
    }
    assert.match(written, /\[redacted\]/);
    assert.equal(out.lines.length, 2, 'every line still parses as JSON');
  });
});
