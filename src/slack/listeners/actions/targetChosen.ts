/**
 * A target chosen in the open request modal: the modal is redrawn with that target's durations (its choices up to
 * its max), keeping the reason typed so far. Only a target the person may request is drawn; the submission checks
 * everything again anyway.
 */
import type { Catalog } from '../../../domain/catalog';
import { requestableTargets } from '../../../domain/catalogPolicy';
import { parseDuration } from '../../../domain/duration';
import { REQUEST_MODAL, requestModal } from '../../../views/requestModal';
import type { GroupMembersCache } from '../../groupMembers';
import { requesterFacts } from '../../startRequest';
import type { SlackClient } from '../types';

/** A choice in a select of the open modal, as Bolt passes it. */
export interface ModalSelect {
  ack: () => Promise<void>;
  body: {
    user: { id: string };
    view?: {
      id?: string;
      hash?: string;
      private_metadata?: string;
      state?: {
        values?: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;
      };
    };
  };
  action: { selected_option?: { value?: string } | null };
  client: SlackClient;
}

export function targetChosen({ catalog, groups }: { catalog: Catalog; groups: GroupMembersCache }) {
  return async ({ ack, body, action, client }: ModalSelect): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view?.id) return;
    const facts = await requesterFacts(groups, client, catalog, body.user.id);
    const targets = requestableTargets(catalog, facts);
    const target = targets.find((candidate) => candidate.key === action.selected_option?.value);
    if (!target) return;
    const values = view.state?.values ?? {};
    const reason = values[REQUEST_MODAL.reasonBlock]?.[REQUEST_MODAL.reasonAction]?.value ?? '';
    const chosen = values[REQUEST_MODAL.durationBlock]?.[REQUEST_MODAL.durationAction]?.selected_option?.value;
    // A duration chosen before stays chosen when the new target grants it; otherwise its default is shown.
    const durationMs = chosen ? parseDuration(chosen) : undefined;
    const kept = durationMs !== undefined && durationMs <= target.duration.maxMs ? { durationMs } : {};
    await client.views.update({
      view_id: view.id,
      ...(view.hash ? { hash: view.hash } : {}),
      view: requestModal({ targets, target, ...kept, reason, requestId: view.private_metadata ?? '' }),
    });
  };
}
