/**
 * A short workflow the Slack app runs before anything reaches the approvers: is there an Identity Center user
 * with the requester's Slack email, and what is that user called (so approvers see who is granted, not only a
 * Slack mention)? The Slack app never calls AWS itself.
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, RequesterLookup } from '../activities';
import { IDENTITY_CENTER_PERMANENT } from '../domain/errors';
import { identityCenterTaskQueue } from './definitions';

export async function lookupRequester(email: string): Promise<RequesterLookup> {
  const { lookupRequester: lookup, identityCenterUserName } = proxyActivities<Activities>({
    // Identity Center calls share one rate-limited queue, wherever they come from.
    taskQueue: identityCenterTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '15s',
    scheduleToCloseTimeout: '1m',
    retry: {
      initialInterval: '500ms',
      maximumInterval: '5s',
      nonRetryableErrorTypes: [...IDENTITY_CENTER_PERMANENT],
    },
  });
  const found = await lookup(email);
  // Lookups recorded before this returned the principal only; they replay without asking for the name.
  if (!found.principalId || !patched('requester-user-name')) return found;
  const user = await identityCenterUserName(found.principalId);
  return user ? { ...found, user } : found;
}
