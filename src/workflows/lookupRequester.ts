/**
 * A short workflow the Slack app runs before anything reaches the approvers: is there an Identity Center user
 * with the requester's Slack email? The Slack app never calls AWS itself.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, RequesterLookup } from '../activities';
import { IDENTITY_CENTER_PERMANENT } from '../domain/errors';
import { identityCenterTaskQueue } from './definitions';

export async function lookupRequester(email: string): Promise<RequesterLookup> {
  const { lookupRequester: lookup } = proxyActivities<Activities>({
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
  return lookup(email);
}
