/** The App Home tab opening, with a fake client and workflow calls. */
import assert from 'node:assert/strict';
import type { GrantWorkflows } from '../../../src/slack/grantWorkflows';
import { appHomeOpened } from '../../../src/slack/listeners/events/appHomeOpened';
import { homeView, type HomeGrant } from '../../../src/views';
import { APPROVER_CHANNEL, fakeClient, fakeGrants, REQUESTER, Timeline, WORKFLOW_ID, workspace } from './fakes';

async function open(tab: string | undefined, user = REQUESTER, answers: Partial<GrantWorkflows> = {}) {
  const timeline = new Timeline();
  await appHomeOpened({ approverChannel: APPROVER_CHANNEL, grants: fakeGrants(timeline, answers), workspace })({
    event: { tab, user },
    client: fakeClient(timeline),
  });
  return timeline;
}

describe('the App Home tab, opened', function () {
  it('publishes the person’s live grants, each with Revoke now', async () => {
    const live: HomeGrant[] = [{ workflowId: WORKFLOW_ID, target: '1/arn/ps-admin', expiresAt: new Date() }];
    const timeline = await open('home', REQUESTER, { liveGrantsOf: async () => live });
    assert.deepEqual(timeline.of('grants.liveGrantsOf'), [['alice@example.com']]);
    assert.deepEqual(timeline.of('views.publish'), [[{ user_id: REQUESTER, view: homeView(live, APPROVER_CHANNEL) }]]);
  });

  it('publishes how to ask, with no grants, for a person whose email Slack does not give', async () => {
    const timeline = await open('home', 'U0NOEMAIL');
    assert.deepEqual(timeline.of('grants.liveGrantsOf'), []);
    assert.deepEqual(timeline.of('views.publish'), [[{ user_id: 'U0NOEMAIL', view: homeView([], APPROVER_CHANNEL) }]]);
  });

  it('does nothing for the Messages tab', async () => {
    const timeline = await open('messages');
    assert.deepEqual(timeline.order(), []);
  });
});
