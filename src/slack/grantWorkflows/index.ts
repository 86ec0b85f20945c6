/**
 * Everything the Slack listeners ask of Temporal, in their words: start a request, decide it, extend or revoke a
 * grant, and list grants from visibility. The listeners take this as an argument, so their tests pass a fake.
 * Decisions come back as the refusal to show the person (or nothing when accepted), never as a Temporal error.
 */
import { createDecisions } from './decisions';
import { createListings } from './listings';
import { createRequests } from './requests';
import type { GrantWorkflows, GrantWorkflowsOptions } from './types';

export type { GrantWorkflows, GrantWorkflowsOptions, Refusal } from './types';

export function createGrantWorkflows(options: GrantWorkflowsOptions): GrantWorkflows {
  return { ...createRequests(options), ...createDecisions(options), ...createListings(options) };
}
