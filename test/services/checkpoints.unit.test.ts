/** The signed checkpoint's pure parts: what is signed, how objects are named, what a stored object must hold. */
import assert from 'node:assert/strict';
import {
  checkpointMessage,
  checkpointName,
  parseCheckpoint,
  type Checkpoint,
} from '../../src/services/audit/checkpoints';

const CHECKPOINT: Checkpoint = {
  chainSeq: 42,
  hash: 'a'.repeat(64),
  headAt: '2026-11-17T10:00:00.000Z',
  signedAt: '2026-11-17T10:05:00.000Z',
};

describe('audit checkpoints', function () {
  it('the signed message is labelled and canonical: key order does not change it, content does', () => {
    const text = new TextDecoder().decode(checkpointMessage(CHECKPOINT));
    assert.equal(
      text,
      `keycard-audit-checkpoint-v1\n{"chainSeq":42,"hash":"${'a'.repeat(64)}","headAt":"2026-11-17T10:00:00.000Z","signedAt":"2026-11-17T10:05:00.000Z"}`,
    );
    const reordered = { signedAt: CHECKPOINT.signedAt, hash: CHECKPOINT.hash, headAt: CHECKPOINT.headAt, chainSeq: 42 };
    assert.deepEqual(checkpointMessage(reordered), checkpointMessage(CHECKPOINT));
    assert.notDeepEqual(checkpointMessage({ ...CHECKPOINT, chainSeq: 41 }), checkpointMessage(CHECKPOINT));
  });

  it('objects sort in chain order', () => {
    assert.equal(checkpointName(CHECKPOINT), 'checkpoints/000000000042-2026-11-17T10:05:00.000Z.json');
    const names = [1_000, 9, 100].map((chainSeq) => checkpointName({ ...CHECKPOINT, chainSeq }));
    assert.deepEqual([...names].sort(), [names[1], names[2], names[0]]);
  });

  it('a stored object that is not a signed checkpoint says what is wrong', () => {
    const signed = { checkpoint: CHECKPOINT, keyId: 'alias/k', signingAlgorithm: 'ECDSA_SHA_256', signature: 'c2ln' };
    assert.deepEqual(parseCheckpoint(JSON.stringify(signed)), signed);
    assert.equal(parseCheckpoint('not json'), 'is not JSON');
    assert.equal(parseCheckpoint('null'), 'has no checkpoint (chainSeq, hash, headAt, signedAt)');
    for (const checkpoint of [
      { ...CHECKPOINT, chainSeq: 0 },
      { ...CHECKPOINT, chainSeq: 1.5 },
      { ...CHECKPOINT, hash: 'not-a-hash' },
      { ...CHECKPOINT, signedAt: 5 },
    ]) {
      assert.equal(
        parseCheckpoint(JSON.stringify({ ...signed, checkpoint })),
        'has no checkpoint (chainSeq, hash, headAt, signedAt)',
        JSON.stringify(checkpoint),
      );
    }
    assert.equal(parseCheckpoint(JSON.stringify({ ...signed, signature: '' })), 'has no signature');
  });
});
