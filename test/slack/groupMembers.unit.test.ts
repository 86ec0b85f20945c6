/** The short memory of Slack user groups' members, with a fake usergroups.users.list and a fake clock. */
import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger';
import { GroupMembersCache, GROUP_MEMBERS_TTL_MS } from '../../src/slack/groupMembers';
import { fakeClient, Timeline } from './listeners/fakes';

function setUp(groups: Record<string, string[]>) {
  const timeline = new Timeline();
  let now = 1_000_000;
  const cache = new GroupMembersCache(createLogger('silent'), GROUP_MEMBERS_TTL_MS, () => now);
  const client = fakeClient(timeline, groups);
  return {
    timeline,
    client,
    cache,
    advance: (ms: number) => {
      now += ms;
    },
    listed: () => timeline.of('usergroups.users.list').map((args) => (args[0] as { usergroup: string }).usergroup),
  };
}

describe('Slack user groups’ members, kept briefly', function () {
  it('asks Slack once per group within the time it keeps them', async () => {
    const { cache, client, listed, advance } = setUp({ S0A: ['U0ONE'], S0B: ['U0TWO'] });
    const first = await cache.membersOf(client, ['S0A', 'S0B']);
    advance(GROUP_MEMBERS_TTL_MS - 1);
    const again = await cache.membersOf(client, ['S0A']);
    assert.deepEqual(
      [...first],
      [
        ['S0A', ['U0ONE']],
        ['S0B', ['U0TWO']],
      ],
    );
    assert.deepEqual([...again], [['S0A', ['U0ONE']]]);
    assert.deepEqual(listed(), ['S0A', 'S0B']);
  });

  it('sees a change of membership once the time is up', async () => {
    const groups = { S0A: ['U0ONE'] };
    const { cache, client, listed, advance } = setUp(groups);
    await cache.membersOf(client, ['S0A']);
    groups.S0A = ['U0TWO'];
    advance(GROUP_MEMBERS_TTL_MS);
    assert.deepEqual([...(await cache.membersOf(client, ['S0A']))], [['S0A', ['U0TWO']]]);
    assert.deepEqual(listed(), ['S0A', 'S0A']);
  });

  it('with a cache of 0 (GROUP_MEMBERS_CACHE=0s) asks Slack every time', async () => {
    const timeline = new Timeline();
    const cache = new GroupMembersCache(createLogger('silent'), 0, () => 1_000);
    const client = fakeClient(timeline, { S0A: ['U0ONE'] });
    await cache.membersOf(client, ['S0A']);
    await cache.membersOf(client, ['S0A']);
    assert.equal(timeline.of('usergroups.users.list').length, 2);
  });

  it('takes a group Slack cannot list as empty, and asks again next time', async () => {
    const { cache, client, timeline } = setUp({});
    let calls = 0;
    client.usergroups.users.list = async (args) => {
      timeline.record('usergroups.users.list', args);
      calls += 1;
      if (calls === 1) throw new Error('An API error occurred: no_such_subteam');
      return { ok: true, users: ['U0BACK'] };
    };
    assert.deepEqual([...(await cache.membersOf(client, ['S0GONE']))], [['S0GONE', []]]);
    assert.deepEqual([...(await cache.membersOf(client, ['S0GONE']))], [['S0GONE', ['U0BACK']]]);
  });
});
