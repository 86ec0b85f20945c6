/**
 * Who decides a catalog target's request is read when the button is clicked, end to end over HTTP on the real stack:
 * an approver taken out of the target's group after the request was made is refused in Slack, and the request waits
 * for someone who still is one. GROUP_MEMBERS_CACHE=0s here, so each click reads the group.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config';
import { ACTIONS } from '../../src/views';
import { statusQuery } from '../../src/workflows/definitions';
import { writeCatalogFile } from '../support/catalogs';
import { REQUIRED_ENV } from '../support/configEnv';
import { buttonValue, visibleText, type StoredMessage } from '../support/fakeSlack';
import { eventually, isAssignedInMoto, records } from '../support/keycard';
import { newRequester, startSlackStand, type SlackStand } from '../support/slackStand';
import { stand } from '../support/stand';

const ONCALL = 'S0ONCALL';
const ONCALL_CHANNEL = 'C0ONCALL';
const STAYS = 'U0ONCALLSTAYS';
const LEAVES = 'U0ONCALLLEAVES';

describe('approvers read from their Slack group at the click, end to end', function () {
  let s: SlackStand;

  before(async () => {
    const { seed } = stand();
    const file = writeCatalogFile([
      'targets:',
      '  payments-admin:',
      '    name: Payments admin',
      '    accounts:',
      `      - { id: '${seed.accountId}', name: payments-prod }`,
      `    permissionSet: ${seed.permissionSetArn}`,
      '    duration: { default: 1h, max: 4h }',
      `    approvers: [${ONCALL}]`,
      `    channel: ${ONCALL_CHANNEL}`,
    ]);
    const config = loadConfig({ ...REQUIRED_ENV, CATALOG_FILE: file, GROUP_MEMBERS_CACHE: '0s' });
    s = await startSlackStand(stand().devServer.env, {
      catalog: config.catalog,
      GROUP_MEMBERS_CACHE: config.GROUP_MEMBERS_CACHE,
    });
    s.slack.addChannel(ONCALL_CHANNEL);
    s.slack.addUser({ id: STAYS, email: 'oncall-stays@example.com' });
    s.slack.addUser({ id: LEAVES, email: 'oncall-leaves@example.com' });
  });
  after(async () => {
    await s?.stop();
  });

  it('an approver removed from the group between the request and the click is refused; one still in it approves', async () => {
    s.slack.userGroups.set(ONCALL, [STAYS, LEAVES]);
    const requester = await newRequester(s.slack);
    await s.slash(requester.slackUserId, 'payments-admin 1h rotate the payment keys');
    const approval = (await eventually(
      async () =>
        s.slack
          .messagesIn(ONCALL_CHANNEL)
          .find((message) => visibleText(message).includes(`<@${requester.slackUserId}>`)),
      (message) => message !== undefined,
    )) as StoredMessage;
    const workflowId = buttonValue(approval, ACTIONS.approve) as string;
    const handle = stand().devServer.env.client.workflow.getHandle(workflowId);
    assert.deepEqual(
      (await handle.query(statusQuery)).approvers,
      [LEAVES, STAYS],
      'both were approvers at the request',
    );

    s.slack.userGroups.set(ONCALL, [STAYS]);
    const { responseId } = await s.click(LEAVES, ACTIONS.approve, workflowId);
    const refusal = await eventually(
      async () => s.answersTo(responseId),
      (answers) => answers.length > 0,
    );
    assert.match(refusal.join('\n'), /Only Keycard approvers can approve production access requests/);
    assert.equal((await handle.query(statusQuery)).state, 'pending', 'nothing changed');
    assert.equal(await isAssignedInMoto(requester.principalId), false);

    await s.click(STAYS, ACTIONS.approve, workflowId);
    const active = await eventually(
      () => handle.query(statusQuery),
      (status) => status.state !== 'pending',
    );
    assert.equal(active.state, 'active');
    assert.equal(active.approvedBy, STAYS);
    assert.equal(await isAssignedInMoto(requester.principalId), true);
    const requestId = active.requestId;
    const approved = await eventually(
      async () => (await (await records()).events(requestId)).find((event) => event.type === 'approved'),
      (event) => event !== undefined,
    );
    assert.deepEqual(approved?.details, { approverRule: ONCALL }, 'the audit names the group that made them one');
    await handle.signal('revoke', { by: 'test', reason: 'cleanup' });
    await handle.result();
  });
});
