/**
 * The request modal's submission: the target, duration and reason are checked as if typed (the target among those
 * the person may request now, the duration within its max), each refusal under its input; then the modal closes
 * and the request starts as the slash command's would, the answer coming by DM (a modal has no response URL).
 */
import type { Catalog } from '../../../domain/catalog';
import { durationFor, mayRequestTarget, targetByKey } from '../../../domain/catalogPolicy';
import { readReason } from '../../../domain/requestText';
import type { Logger } from '../../../logger';
import { REQUEST_MODAL } from '../../../views/requestModal';
import type { GroupMembersCache } from '../../groupMembers';
import { requesterFacts, type requestStarter } from '../../startRequest';
import type { ModalErrors, SlackClient } from '../types';

/** A submitted request modal as the listener reads it: a select's choice comes as selected_option. */
export interface RequestModalSubmission {
  ack: (response?: ModalErrors) => Promise<void>;
  body: { user: { id: string } };
  view: {
    private_metadata: string;
    state: {
      values: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;
    };
  };
  client: SlackClient;
}

/** The modal's metadata is the request id the command made (requestIdFor); anything else starts nothing. */
const REQUEST_ID = /^[0-9a-f]{24}$/;

export interface RequestModalDependencies {
  catalog: Catalog;
  groups: GroupMembersCache;
  start: ReturnType<typeof requestStarter>;
  logger: Logger;
}

export function requestSubmitted({ catalog, groups, start, logger }: RequestModalDependencies) {
  return async ({ ack, body, view, client }: RequestModalSubmission): Promise<void> => {
    const values = view.state.values;
    const errors = (block: string, message: string) => ack({ response_action: 'errors', errors: { [block]: message } });
    const requestId = view.private_metadata;
    if (!REQUEST_ID.test(requestId)) {
      await errors(
        REQUEST_MODAL.targetBlock,
        'This form does not belong to a Keycard request. Type /prod-access again.',
      );
      return;
    }
    const key = values[REQUEST_MODAL.targetBlock]?.[REQUEST_MODAL.targetAction]?.selected_option?.value;
    if (!key) {
      await errors(REQUEST_MODAL.targetBlock, 'Choose what you need access to.');
      return;
    }
    const found = targetByKey(catalog, key);
    if (!found.allowed) {
      await errors(REQUEST_MODAL.targetBlock, found.message);
      return;
    }
    // Membership is read again: the modal may have stayed open while a group changed.
    const facts = await requesterFacts(groups, client, catalog, body.user.id);
    const allowed = mayRequestTarget(catalog, found.target, facts);
    if (!allowed.allowed) {
      await errors(REQUEST_MODAL.targetBlock, allowed.message);
      return;
    }
    const chosen = values[REQUEST_MODAL.durationBlock]?.[REQUEST_MODAL.durationAction]?.selected_option?.value;
    const duration = durationFor(found.target, chosen ?? undefined);
    if (!duration.allowed) {
      await errors(REQUEST_MODAL.durationBlock, duration.message);
      return;
    }
    const reason = readReason(
      values[REQUEST_MODAL.reasonBlock]?.[REQUEST_MODAL.reasonAction]?.value,
      'Say why you need this access; the approvers read it.',
    );
    if (!reason.ok) {
      await errors(REQUEST_MODAL.reasonBlock, reason.message);
      return;
    }
    // Closed now: finding the person in Identity Center may take longer than Slack waits for this answer.
    await ack();
    try {
      const answer = await start(client, {
        userId: body.user.id,
        requestId,
        target: found.target,
        durationMs: duration.durationMs,
        reason: reason.reason,
        facts,
      });
      if (!answer) return;
      const { channel } = await client.conversations.open({ users: body.user.id });
      await client.chat.postMessage({ channel: channel?.id as string, text: answer.text, blocks: answer.blocks });
    } catch (error) {
      logger.error({ err: error }, 'could not start a request from the request modal');
      const { channel } = await client.conversations.open({ users: body.user.id });
      await client.chat.postMessage({
        channel: channel?.id as string,
        text: 'Keycard could not send your request just now. Nothing was requested; try /prod-access again in a minute.',
      });
    }
  };
}
