/** The per-person request limit and the memory of unknown emails, with a hand-moved clock. */
import assert from 'node:assert/strict';
import { RollingLimit, ShortMemory } from '../../src/slack/requestLimits';

describe('the per-person request limit', function () {
  it('takes 5 requests in a minute, refuses the 6th, and takes one again once the first is a minute old', () => {
    let now = 0;
    const limit = new RollingLimit(5, 60_000, () => now);
    const taken = [];
    for (let request = 0; request < 6; request += 1) {
      taken.push(limit.take('U0ALICE'));
      now += 10_000;
    }
    assert.deepEqual(taken, [true, true, true, true, true, false]);
    now = 59_999;
    assert.equal(limit.take('U0ALICE'), false, 'the first request is not yet a minute old');
    now = 60_000;
    assert.equal(limit.take('U0ALICE'), true, 'the first request left the window');
    assert.equal(limit.take('U0ALICE'), false, 'the second is still in it');
  });

  it('counts each person on their own', () => {
    const limit = new RollingLimit(1, 60_000, () => 0);
    assert.equal(limit.take('U0ALICE'), true);
    assert.equal(limit.take('U0ALICE'), false);
    assert.equal(limit.take('U0BOB'), true);
  });

  it('does not count refused requests, so a flood does not extend its own wait', () => {
    let now = 0;
    const limit = new RollingLimit(2, 60_000, () => now);
    limit.take('U0ALICE');
    limit.take('U0ALICE');
    for (now = 1_000; now < 60_000; now += 1_000) assert.equal(limit.take('U0ALICE'), false);
    now = 60_000;
    assert.equal(limit.take('U0ALICE'), true);
  });

  it('counts a retried delivery of the same command once', () => {
    const limit = new RollingLimit(2, 60_000, () => 0);
    assert.equal(limit.take('U0ALICE', 'trigger-1'), true);
    assert.equal(limit.take('U0ALICE', 'trigger-1'), true, 'Slack retried it');
    assert.equal(limit.take('U0ALICE', 'trigger-1'), true, 'and again');
    assert.equal(limit.take('U0ALICE', 'trigger-2'), true);
    assert.equal(limit.take('U0ALICE', 'trigger-3'), false);
    assert.equal(limit.take('U0ALICE', 'trigger-3'), false, 'a refused one stays refused when retried');
  });

  it('forgets people idle for a minute once many have asked', () => {
    let now = 0;
    const limit = new RollingLimit(1, 60_000, () => now);
    for (let person = 0; person < 1_500; person += 1) limit.take(`U${person}`);
    now = 60_000;
    limit.take('U0LAST');
    assert.equal(limit.take('U0'), true, 'an idle person starts afresh');
    assert.equal((limit as unknown as { seen: Map<string, unknown> }).seen.size, 2);
  });
});

describe('the memory of emails no Identity Center user has', function () {
  it('remembers an email for its time to live, then forgets it', () => {
    let now = 0;
    const memory = new ShortMemory(60_000, () => now);
    assert.equal(memory.has('ghost@example.com'), false);
    memory.remember('ghost@example.com');
    now = 59_999;
    assert.equal(memory.has('ghost@example.com'), true);
    assert.equal(memory.has('other@example.com'), false);
    now = 60_000;
    assert.equal(memory.has('ghost@example.com'), false);
  });
});
