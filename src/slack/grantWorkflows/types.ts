/** What the Slack listeners ask of Temporal (see index.ts), as types the parts and the fakes share. */
import type { Catalog } from '../../domain/catalog';
import type { Client } from '@temporalio/client';
import type { AccessRequest, Decision, Extension, IdentityCenterUserName } from '../../domain/grant';
import type { Logger } from '../../logger';
import type { FrontDoorKey } from '../../services/frontDoor';
import type { GrantFilter } from '../../workflows/visibility';
import type { GrantListing, HomeGrant } from '../../views';

/** The text to show the person who clicked or typed, or undefined when the workflow took it. */
export type Refusal = string | undefined;

export interface GrantWorkflows {
  /**
   * The Identity Center user for this email (its id and, from newer workers, its name), found by a short workflow
   * (Slack never calls AWS itself); undefined when there is none, which is believed for a minute without asking again.
   */
  identityCenterUserFor(email: string, requestId: string): Promise<FoundRequester | undefined>;
  /** Starts the grant workflow; 'already_started' when a retried delivery of the same command asked before. */
  start(request: AccessRequest): Promise<'started' | 'already_started'>;
  approve(workflowId: string, decision: Decision): Promise<Refusal>;
  deny(workflowId: string, decision: Decision): Promise<Refusal>;
  extend(workflowId: string, extension: Extension): Promise<Refusal>;
  /** Ends access early when `by` is the requester or an approver and something is left to end. */
  revoke(workflowId: string, by: string): Promise<Refusal>;
  /**
   * A pending or active grant of this person on any of these ProdAccessTarget values (a catalog key, and the
   * `<account>/<permission set>` grants started before the catalog published).
   */
  existingLease(
    email: string,
    targetKeys: readonly string[],
  ): Promise<{ workflowId: string; state: 'pending' | 'active' } | undefined>;
  /** The workflow ids of this person's requests still waiting for a decision (running, pending), at most 20. */
  pendingOf(email: string): Promise<string[]>;
  /** Withdraws a request still pending, when `by` is its requester (approvers deny instead). */
  withdraw(workflowId: string, by: string): Promise<Refusal>;
  /** The person's active grants, from search attributes only, at most 20. */
  liveGrantsOf(email: string): Promise<HomeGrant[]>;
  /** Grants matching the filter, newest first, each filled in from its `status` query. */
  listings(filter: GrantFilter, limit: number): Promise<GrantListing[]>;
}

export interface FoundRequester {
  principalId: string;
  user?: IdentityCenterUserName;
}

export interface GrantWorkflowsOptions {
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Signs every request, decision and extension sent (KEYCARD_SIGNING_KEY): the worker acts on nothing else. */
  frontDoor: FrontDoorKey;
  /** The target catalog, so a listing known only by its search attributes still names its target and accounts. */
  catalog?: Catalog;
}
