/** What the fake Slack keeps per person for the demo: ephemerals, the open modal, App Home, through the real client. */
import { WebClient } from '@slack/web-api';
import assert from 'node:assert/strict';
import { FakeSlack } from './fakeSlack';

const modal = (title: string) => ({
  type: 'modal' as const,
  callback_id: 'keycard_test',
  title: { type: 'plain_text' as const, text: title },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: title } }],
});

describe('the fake Slack shows each person what Slack would show them', function () {
  let slack: FakeSlack;
  let client: WebClient;

  before(async () => {
    slack = new FakeSlack();
    slack.addUser({ id: 'U0ALICE', email: 'alice@example.com' });
    slack.addUser({ id: 'U0BOB', email: 'bob@example.com' });
    await slack.start();
    client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  after(() => slack.stop());

  it('opens a modal for the person whose trigger it is, updates it in place, and stacks a pushed one', async () => {
    slack.surfaces.sentBy('U0ALICE', { triggerId: 'trigger-alice' });
    const opened = await client.views.open({ trigger_id: 'trigger-alice', view: modal('First') });
    const id = opened.view?.id as string;
    assert.equal(slack.surfaces.topModal('U0ALICE')?.id, id);
    assert.equal(slack.surfaces.topModal('U0BOB'), undefined);
    await client.views.update({ view_id: id, view: modal('Changed') });
    assert.deepEqual(slack.surfaces.topModal('U0ALICE')?.title, { type: 'plain_text', text: 'Changed' });
    assert.equal(slack.surfaces.topModal('U0ALICE')?.id, id);
    slack.surfaces.sentBy('U0ALICE', { triggerId: 'trigger-alice-2' });
    const pushed = await client.views.push({ trigger_id: 'trigger-alice-2', view: modal('Second') });
    assert.equal(slack.surfaces.topModal('U0ALICE')?.id, pushed.view?.id);
    slack.surfaces.closeModal('U0ALICE', pushed.view?.id as string);
    assert.equal(slack.surfaces.topModal('U0ALICE')?.id, id);
  });

  it("keeps each person's App Home, and ephemerals from chat.postEphemeral and response URLs", async () => {
    await client.views.publish({ user_id: 'U0BOB', view: { type: 'home', blocks: [] } });
    assert.equal(slack.surfaces.homes.get('U0BOB')?.type, 'home');
    assert.equal(slack.surfaces.homes.has('U0ALICE'), false);
    await client.chat.postEphemeral({ channel: 'U0BOB', user: 'U0BOB', text: 'only Bob sees this' });
    slack.surfaces.sentBy('U0BOB', { responseId: 'bob-1' });
    await fetch(slack.responseUrl('bob-1'), { method: 'POST', body: JSON.stringify({ text: 'answered' }) });
    assert.deepEqual(
      slack.surfaces.ephemerals.get('U0BOB')?.map((message) => message.text),
      ['only Bob sees this', 'answered'],
    );
    assert.equal(slack.surfaces.ephemerals.has('U0ALICE'), false);
  });
});
