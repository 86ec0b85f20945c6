/**
 * The worker's side of Keycard's front door (src/services/frontDoor.ts): before the story acts on a request, a
 * decision or an extension, the verifyProof activity checks that the Slack app or the `keycard` CLI sent it. The key
 * stays in the worker; the workflow sees only the verdict. A missing, forged, stale or reused proof is refused: a
 * `refused` event in the audit trail, an alert, and nothing else changes.
 */
import { workflowInfo } from '@temporalio/workflow';
import { publishedTargetKey, type FrontDoorProof, type ProofAction } from '../../domain/grant';
import { withoutProof } from '../../domain/proof';
import { verifyProof } from './activities';
import type { Grant } from './state';

export type ProofOutcome = { ok: true; signer: string } | { ok: false; problem: string };

/** What each action would have done, for the alert. */
const WOULD: Record<ProofAction, string> = {
  request: 'ask for access',
  approve: 'approve',
  deny: 'deny',
  extend: 'extend access',
};

/**
 * Checks `input`'s proof for `action`. `claimedBy` is who the input says acted (unverified until the proof is).
 * A nonce is taken before the check, so the same proof never counts twice, even sent twice at once.
 */
export async function checkProof(
  grant: Grant,
  action: ProofAction,
  input: object & { proof?: FrontDoorProof },
  claimedBy: string,
): Promise<ProofOutcome> {
  const info = workflowInfo();
  const proof = input.proof as unknown;
  const nonce = typeof input.proof?.nonce === 'string' ? input.proof.nonce : undefined;
  let verdict: ProofOutcome;
  if (nonce !== undefined && grant.usedProofs.has(nonce)) {
    verdict = { ok: false, problem: 'its proof was used already' };
  } else {
    if (nonce !== undefined) grant.usedProofs.add(nonce);
    verdict = await verifyProof({
      action,
      workflowId: info.workflowId,
      runId: action === 'request' ? undefined : info.runId,
      payload: withoutProof(input),
      proof,
      runStartedAt: info.runStartTime.toISOString(),
      now: new Date().toISOString(),
    });
  }
  if (!verdict.ok) await refused(grant, action, claimedBy, verdict.problem);
  return verdict;
}

async function refused(grant: Grant, action: ProofAction, claimedBy: string, problem: string): Promise<void> {
  const { request } = grant;
  await grant.transition('refused', grant.status, claimedBy, `${action} refused: ${problem}`, { action });
  grant.announcer.alert(
    `Keycard refused to ${WOULD[action]} (${request.requester.email} → ${publishedTargetKey(request)}, ` +
      `claimed by ${claimedBy}) for ${workflowInfo().workflowId}: ${problem}. Only Keycard's front door (the Slack ` +
      'app, the keycard CLI) can do this; someone with write access to the Temporal namespace may be trying to grant ' +
      'access. Nothing was changed.',
  );
}
