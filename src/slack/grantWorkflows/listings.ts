/**
 * Grants as Temporal's visibility lists them (search attributes), for `/prod-access who`, `history`, the App Home and
 * the lease check. Queries come from grantQuery, so no attribute name is retyped here.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { publishedTargetKey } from '../../domain/grant';
import { shownTargetOf, type GrantListing, type HomeGrant } from '../../views';
import { searchAttributes, statusQuery } from '../../workflows/definitions';
import { grantQuery } from '../../workflows/visibility';
import type { GrantWorkflows, GrantWorkflowsOptions } from './types';

/** A listing waits this long for a grant's `status` query before showing what its search attributes say. */
const STATUS_QUERY_TIMEOUT_MS = 5_000;

export function createListings({
  temporal,
  catalog,
}: GrantWorkflowsOptions): Pick<GrantWorkflows, 'existingLease' | 'pendingOf' | 'liveGrantsOf' | 'listings'> {
  /** A catalog target known by its key alone, named as the catalog names it (nothing when it is not one). */
  function shownTarget(key: string | undefined): { catalogTarget?: ReturnType<typeof shownTargetOf> } {
    const catalogTarget = shownTargetOf(catalog, key);
    return catalogTarget ? { catalogTarget } : {};
  }

  async function listing(execution: WorkflowExecutionInfo): Promise<GrantListing> {
    const attributes = execution.typedSearchAttributes;
    const base: GrantListing = {
      workflowId: execution.workflowId,
      state: attributes.get(searchAttributes.state) ?? 'unknown',
      running: execution.status.name === 'RUNNING',
      requesterEmail: attributes.get(searchAttributes.requester),
      target: attributes.get(searchAttributes.target),
      ...shownTarget(attributes.get(searchAttributes.target)),
      approver: attributes.get(searchAttributes.approver),
      requestedAt: execution.startTime,
      expiresAt: attributes.get(searchAttributes.expiresAt),
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const status = await Promise.race([
        temporal.workflow.getHandle(execution.workflowId).query(statusQuery),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('status query timed out')), STATUS_QUERY_TIMEOUT_MS);
        }),
      ]);
      return {
        ...base,
        state: status.state,
        requesterEmail: status.requester.email,
        requesterSlackId: status.requester.slackUserId,
        target: publishedTargetKey(status),
        ...(status.catalogTarget ? { catalogTarget: status.catalogTarget } : {}),
        reason: status.reason,
        approver: status.approvedBy ?? base.approver,
        grantedAt: status.grantedAt,
        expiresAt: status.expiresAt ?? base.expiresAt,
        endedAt: status.revokedAt,
      };
    } catch {
      return base;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async existingLease(email, targetKeys) {
      // One query per form of the key: grantQuery names one target, and the forms are few (a key, its accounts).
      for (const target of new Set(targetKeys)) {
        const query = grantQuery({ requester: email, target, state: ['pending', 'active'], running: true });
        for await (const execution of temporal.workflow.list({ query })) {
          const state = execution.typedSearchAttributes.get(searchAttributes.state);
          if (state === 'pending' || state === 'active') return { workflowId: execution.workflowId, state };
        }
      }
      return undefined;
    },

    async pendingOf(email) {
      const workflowIds: string[] = [];
      const query = grantQuery({ requester: email, state: 'pending', running: true });
      for await (const execution of temporal.workflow.list({ query })) {
        workflowIds.push(execution.workflowId);
        if (workflowIds.length >= 20) break;
      }
      return workflowIds;
    },

    async liveGrantsOf(email) {
      const grants: HomeGrant[] = [];
      for await (const execution of temporal.workflow.list({
        query: grantQuery({ requester: email, state: 'active' }),
      })) {
        grants.push({
          workflowId: execution.workflowId,
          expiresAt: execution.typedSearchAttributes.get(searchAttributes.expiresAt),
          target: execution.typedSearchAttributes.get(searchAttributes.target),
          ...shownTarget(execution.typedSearchAttributes.get(searchAttributes.target)),
        });
        if (grants.length >= 20) break;
      }
      return grants;
    },

    async listings(filter, limit) {
      const executions: WorkflowExecutionInfo[] = [];
      for await (const execution of temporal.workflow.list({ query: grantQuery(filter) })) {
        executions.push(execution);
        if (executions.length >= 5 * limit) break;
      }
      const newest = executions.sort((a, b) => b.startTime.getTime() - a.startTime.getTime()).slice(0, limit);
      return Promise.all(newest.map(listing));
    },
  };
}
