/**
 * The front door's proofs, as the worker checks them: only this key's proof of exactly this input, for this workflow
 * (and run), made around the time it is used, counts.
 */
import assert from 'node:assert/strict';
import { canonicalJson, FrontDoorKey, type ProofCheck } from '../../src/services/frontDoor';

const key = new FrontDoorKey('front-door-key-for-unit-tests-0123456789');
const started = new Date('2026-12-02T10:00:00.000Z');
const at = (ms: number) => new Date(started.getTime() + ms);
const request = {
  requestId: 'r1',
  reason: 'fix prod',
  requester: { email: 'a@example.com' },
  approvedBy: 'U0APPROVER',
};
const subject = { action: 'request' as const, workflowId: 'prod-access-r1', payload: request };

function check(overrides: Partial<ProofCheck> = {}): ProofCheck {
  return {
    ...subject,
    proof: key.sign(subject, 'cli:test', at(-1_000)),
    runStartedAt: started.toISOString(),
    now: started.toISOString(),
    ...overrides,
  };
}

describe("the front door's proofs", function () {
  it('accepts its own proof of the very input, and names the signer', () => {
    assert.deepEqual(key.verify(check()), { ok: true, signer: 'cli:test' });
  });

  it('reads the same input the same way whatever the order of its fields or its undefined ones', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, e: undefined }),
      '{"a":{"c":"x","d":[1,null]},"b":1}',
    );
    const proof = key.sign(subject, 'slack', at(0));
    const reordered = {
      approvedBy: 'U0APPROVER',
      requester: { email: 'a@example.com' },
      reason: 'fix prod',
      requestId: 'r1',
    };
    assert.equal(key.verify(check({ proof, payload: reordered })).ok, true);
  });

  const refusals: { name: string; change: (base: ProofCheck) => ProofCheck; problem: RegExp }[] = [
    { name: 'no proof', change: (base) => ({ ...base, proof: undefined }), problem: /no proof/ },
    {
      name: 'a proof that is not an object of strings',
      change: (base) => ({ ...base, proof: { mac: 42 } }),
      problem: /malformed/,
    },
    {
      name: 'another approver in the input',
      change: (base) => ({ ...base, payload: { ...request, approvedBy: 'U0MALLORY' } }),
      problem: /does not match/,
    },
    {
      name: 'another workflow',
      change: (base) => ({ ...base, workflowId: 'prod-access-r2' }),
      problem: /does not match/,
    },
    { name: 'another action', change: (base) => ({ ...base, action: 'approve' }), problem: /does not match/ },
    {
      name: 'another key',
      change: (base) => ({ ...base, proof: new FrontDoorKey('x'.repeat(32)).sign(subject, 'cli:test', at(0)) }),
      problem: /does not match/,
    },
    {
      name: 'a signer renamed after signing',
      change: (base) => ({ ...base, proof: { ...(base.proof as object), signer: 'slack' } }),
      problem: /does not match/,
    },
    {
      name: 'a request proof made 6 minutes before the start',
      change: (base) => ({ ...base, proof: key.sign(subject, 'cli:test', at(-6 * 60_000)) }),
      problem: /too long before/,
    },
    {
      name: 'a proof dated 2 minutes ahead of the workflow',
      change: (base) => ({ ...base, proof: key.sign(subject, 'cli:test', at(2 * 60_000)) }),
      problem: /in the future/,
    },
  ];
  for (const row of refusals) {
    it(`refuses ${row.name}`, () => {
      const verdict = key.verify(row.change(check()));
      assert.equal(verdict.ok, false);
      assert.match(verdict.ok ? '' : verdict.problem, row.problem);
    });
  }

  it('binds a decision to its run: the same proof in another run of the workflow does not count', () => {
    const decision = {
      action: 'approve' as const,
      workflowId: 'prod-access-r1',
      runId: 'run-1',
      payload: { by: 'U0APPROVER' },
    };
    const proof = key.sign(decision, 'slack', at(60_000));
    const times = { runStartedAt: started.toISOString(), now: at(61_000).toISOString() };
    assert.equal(key.verify({ ...decision, ...times, proof }).ok, true);
    assert.equal(key.verify({ ...decision, ...times, runId: 'run-2', proof }).ok, false);
    const early = key.sign(decision, 'slack', at(-2 * 60_000));
    assert.match(JSON.stringify(key.verify({ ...decision, ...times, proof: early })), /before this grant existed/);
  });

  it('refuses a key shorter than 32 characters', () => {
    assert.throws(() => new FrontDoorKey('short'), /at least 32 characters/);
  });
});
