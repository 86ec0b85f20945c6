/**
 * `/prod-access cancel`: withdraws the person's own requests still waiting for an approver (the `revoke` signal,
 * which withdraws a pending request; see GrantWorkflows.withdraw for the requester check).
 */
import type { Logger } from '../../../logger';
import type { GrantWorkflows } from '../../grantWorkflows';
import { requesterEmail } from '../../people';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';

export interface CancelDependencies {
  grants: GrantWorkflows;
  logger: Logger;
  workspace: () => Promise<SlackWorkspace>;
}

export function cancelRequests({ grants, logger, workspace }: CancelDependencies) {
  async function cancel(client: SlashCommand['client'], userId: string): Promise<string> {
    const email = await requesterEmail(client, userId, await workspace());
    if (!email.ok) return email.message.replace(' Nothing was requested.', ' Nothing was cancelled.');
    let pending: string[];
    try {
      pending = await grants.pendingOf(email.email);
    } catch (error) {
      logger.error({ err: error }, 'could not list a requester’s pending requests');
      return 'Keycard could not read your requests just now. Try again in a minute.';
    }
    if (pending.length === 0) return 'You have no request waiting for an approver; nothing was cancelled.';
    const refusals = (await Promise.all(pending.map((workflowId) => grants.withdraw(workflowId, userId)))).filter(
      (refusal): refusal is string => refusal !== undefined,
    );
    const cancelled = pending.length - refusals.length;
    const done =
      cancelled === 0
        ? 'Nothing was cancelled.'
        : `Cancelled ${cancelled === 1 ? 'your request' : `${cancelled} of your requests`} waiting for an approver; nothing was granted.`;
    return refusals.length ? `${done} ${refusals.join(' ')}` : done;
  }

  return async ({ command, ack, respond, client }: SlashCommand): Promise<void> => {
    await ack();
    await respond({ response_type: 'ephemeral', text: await cancel(client, command.user_id) });
  };
}
