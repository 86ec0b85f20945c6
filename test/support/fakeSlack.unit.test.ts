/** The fake Slack answers as Slack does for what Slack refuses, through the real Web API client Keycard uses. */
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import assert from 'node:assert/strict';
import { FakeSlack } from './fakeSlack';

/** The client logs Slack's refusal messages; here the refusals are the point, so they stay quiet. */
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

const section = (text = 'hello') => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('the fake Slack refuses what Slack refuses', function () {
  let slack: FakeSlack;
  let client: WebClient;

  before(async () => {
    slack = new FakeSlack();
    await slack.start();
    client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
  });
  after(() => slack.stop());

  /** The error code Slack answered a call with. */
  async function refusal(call: Promise<unknown>): Promise<string> {
    try {
      await call;
    } catch (error) {
      return String((error as { data?: { error?: string } }).data?.error);
    }
    return assert.fail('Slack accepted the call');
  }

  it('takes a message within the limits, in a channel the bot is in', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0APPROVERS', text: 'ok', blocks: [section()] });
    assert.equal(posted.ok, true);
    assert.equal(slack.messagesIn('C0APPROVERS').at(-1)?.ts, posted.ts);
  });

  it('channel_not_found for a channel it does not know, not_in_channel where the bot is not a member', async () => {
    assert.equal(await refusal(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' })), 'channel_not_found');
    assert.equal(await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })), 'not_in_channel');
    slack.addChannel('C0JOINED');
    assert.equal((await client.chat.postMessage({ channel: 'C0JOINED', text: 'x' })).ok, true);
  });

  it('a DM channel exists once conversations.open opened it', async () => {
    assert.equal(await refusal(client.chat.postMessage({ channel: 'DU0NEW', text: 'x' })), 'channel_not_found');
    const opened = await client.conversations.open({ users: 'U0NEW' });
    assert.equal((await client.chat.postMessage({ channel: opened.channel?.id as string, text: 'x' })).ok, true);
  });

  it('msg_too_long past 40,000 characters of text', async () => {
    assert.equal(
      await refusal(client.chat.postMessage({ channel: 'C0APPROVERS', text: 'x'.repeat(40_001) })),
      'msg_too_long',
    );
  });

  it('invalid_blocks past 50 blocks in a message or 3,000 characters in a section, and nothing is stored', async () => {
    const before = slack.messagesIn('C0APPROVERS').length;
    const tooMany = Array.from({ length: 51 }, () => section());
    assert.equal(
      await refusal(client.chat.postMessage({ channel: 'C0APPROVERS', text: 'x', blocks: tooMany })),
      'invalid_blocks',
    );
    assert.equal(
      await refusal(
        client.chat.postMessage({ channel: 'C0APPROVERS', text: 'x', blocks: [section('y'.repeat(3_001))] }),
      ),
      'invalid_blocks',
    );
    assert.equal(slack.messagesIn('C0APPROVERS').length, before);
    assert.deepEqual(
      slack.refusals.slice(-2).map((r) => r.error),
      ['invalid_blocks', 'invalid_blocks'],
    );
  });

  it('invalid_blocks on chat.update past the limits, and the message keeps what it showed', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0APPROVERS', text: 'ok', blocks: [section('first')] });
    const tooMany = Array.from({ length: 51 }, () => section());
    assert.equal(
      await refusal(
        client.chat.update({ channel: 'C0APPROVERS', ts: posted.ts as string, text: 'x', blocks: tooMany }),
      ),
      'invalid_blocks',
    );
    const kept = slack.messagesIn('C0APPROVERS').find((m) => m.ts === posted.ts);
    assert.deepEqual(kept?.blocks, [section('first')]);
  });

  it('views take up to 100 blocks, not 101', async () => {
    const view = (count: number) => ({
      type: 'home' as const,
      blocks: Array.from({ length: count }, () => section()),
    });
    assert.equal((await client.views.publish({ user_id: 'U0A', view: view(100) })).ok, true);
    assert.equal(await refusal(client.views.publish({ user_id: 'U0A', view: view(101) })), 'invalid_blocks');
  });

  it('a response_url message past the limits is answered 400 and never shown', async () => {
    const answer = await fetch(slack.responseUrl('r1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: [section('z'.repeat(3_001))] }),
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(
      slack.responses.filter((r) => r.id === 'r1'),
      [],
    );
  });
});
