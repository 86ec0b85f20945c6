/**
 * Who approves now, as the worker asks Slack when a decision arrives (v4 grants): a user listed by id, or a member
 * of a listed user group, read from the fake Slack Web API and cached for GROUP_MEMBERS_CACHE.
 */
import assert from 'node:assert/strict';
import { createSlackClient, SlackNotifier } from '../../src/activities/slack';
import { FakeSlack } from '../support/fakeSlack';
import { TEST_SLACK_BOT_TOKEN } from '../support/keycard';

describe('who approves now (SlackNotifier.approverRule)', function () {
  let slack: FakeSlack;
  let clock: number;

  before(async () => {
    slack = new FakeSlack();
    await slack.start();
  });
  after(async () => {
    await slack?.stop();
  });
  beforeEach(() => {
    clock = 1_000_000;
    slack.userGroups.set('S0SRE', ['U0ALICE', 'U0BOB']);
    slack.userGroups.set('S0LEADS', ['U0CAROL']);
  });

  function notifier(groupMembersCacheMs: number): SlackNotifier {
    return new SlackNotifier(createSlackClient(TEST_SLACK_BOT_TOKEN, slack.apiUrl), {
      groupMembersCacheMs,
      now: () => clock,
    });
  }

  const groupReads = () => slack.callsOf('usergroups.users.list').length;

  it('names the entry that makes someone an approver: their own id first, else the first group listing them', async () => {
    const approvers = notifier(30_000);
    assert.equal(await approvers.approverRule(['S0SRE', 'U0BOB'], 'U0BOB'), 'U0BOB');
    assert.equal(await approvers.approverRule(['S0LEADS', 'S0SRE'], 'U0ALICE'), 'S0SRE');
    assert.equal(await approvers.approverRule(['S0SRE', 'S0LEADS'], 'U0CAROL'), 'S0LEADS');
    assert.equal(await approvers.approverRule(['S0SRE', 'U0BOB'], 'U0EVE'), undefined);
  });

  it('reads a group once within the cache time, and again after it, seeing who left', async () => {
    const approvers = notifier(30_000);
    const before = groupReads();
    assert.equal(await approvers.approverRule(['S0SRE'], 'U0BOB'), 'S0SRE');
    slack.userGroups.set('S0SRE', ['U0ALICE']);
    clock += 29_000;
    assert.equal(await approvers.approverRule(['S0SRE'], 'U0BOB'), 'S0SRE', 'still cached');
    assert.equal(groupReads() - before, 1);
    clock += 1_000;
    assert.equal(await approvers.approverRule(['S0SRE'], 'U0BOB'), undefined, 'read again: Bob left the group');
    assert.equal(groupReads() - before, 2);
  });

  it('with no cache (0s), every question reads the group', async () => {
    const approvers = notifier(0);
    const before = groupReads();
    await approvers.approverRule(['S0SRE'], 'U0ALICE');
    await approvers.approverRule(['S0SRE'], 'U0ALICE');
    assert.equal(groupReads() - before, 2);
  });

  it('expanding the approvers at a request reads the groups afresh and fills the cache', async () => {
    const approvers = notifier(30_000);
    slack.userGroups.set('S0SRE', ['U0DAN']);
    assert.deepEqual(await approvers.expandApprovers(['S0SRE', 'U0BOB']), ['U0BOB', 'U0DAN']);
    const before = groupReads();
    assert.equal(await approvers.approverRule(['S0SRE'], 'U0DAN'), 'S0SRE');
    assert.equal(groupReads(), before);
  });

  it('a group Slack does not know is an error, never "nobody approves"', async () => {
    await assert.rejects(notifier(0).approverRule(['S0GONE'], 'U0BOB'), /no_such_subteam/);
  });
});
