/**
 * A short workflow the Slack app runs before anything reaches the approvers: is there an Identity Center user
 * with the requester's Slack email? The Slack app never calls AWS itself.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, RequesterLookup } from '../activities';

const { lookupRequester: lookup } = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '1m',
  retry: {
    initialInterval: '500ms',
    maximumInterval: '5s',
    nonRetryableErrorTypes: ['AccessDeniedError', 'ValidationError'],
  },
});

export async function lookupRequester(email: string): Promise<RequesterLookup> {
  return lookup(email);
}
