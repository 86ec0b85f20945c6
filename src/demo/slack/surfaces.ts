/**
 * What each person sees besides channel messages, kept per person as Slack keeps it: ephemeral answers (response_url
 * and chat.postEphemeral), the open modal (views.open, views.push, views.update) and the App Home (views.publish).
 * A modal opens from a trigger_id, so the fake learns whose trigger each one is when the request carrying it is sent.
 */
export type View = Record<string, unknown> & { id: string };

export interface Ephemeral {
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
}

export class FakeSlackSurfaces {
  readonly ephemerals = new Map<string, Ephemeral[]>();
  readonly homes = new Map<string, View>();
  /** Each person's modal stack, the one on top shown. */
  readonly modals = new Map<string, View[]>();
  private readonly triggers = new Map<string, string>();
  private readonly responseUrls = new Map<string, string>();
  private counter = 0;

  /** The request carrying this trigger id (and response URL id) was sent on behalf of `user`. */
  sentBy(user: string, ids: { triggerId?: string; responseId?: string }): void {
    if (ids.triggerId) this.triggers.set(ids.triggerId, user);
    if (ids.responseId) this.responseUrls.set(ids.responseId, user);
  }

  userOfTrigger(triggerId: unknown): string | undefined {
    return this.triggers.get(String(triggerId));
  }

  /** An answer sent to a response URL reaches the person who sent the request, as an ephemeral or a replacement. */
  answered(responseId: string, body: Record<string, unknown>): void {
    const user = this.responseUrls.get(responseId);
    if (!user) return;
    this.addEphemeral(user, {
      channel: 'response_url',
      text: String(body.text ?? ''),
      blocks: Array.isArray(body.blocks) ? (body.blocks as Record<string, unknown>[]) : [],
    });
  }

  addEphemeral(user: string, message: Omit<Ephemeral, 'ts'>): string {
    const ts = `${1_800_000_000 + this.counter++}.000300`;
    this.ephemerals.set(user, [...(this.ephemerals.get(user) ?? []), { ...message, ts }]);
    return ts;
  }

  openModal(triggerId: unknown, view: Record<string, unknown>, push: boolean): View | undefined {
    const user = this.userOfTrigger(triggerId);
    const stored = { ...view, id: this.newViewId() };
    if (!user) return stored;
    this.modals.set(user, push ? [...(this.modals.get(user) ?? []), stored] : [stored]);
    return stored;
  }

  /** views.update by view id: the modal (or home) keeps its id and shows the new content. */
  updateView(viewId: unknown, view: Record<string, unknown>): View | undefined {
    for (const stack of this.modals.values()) {
      const index = stack.findIndex((candidate) => candidate.id === viewId);
      if (index >= 0) return (stack[index] = { ...view, id: stack[index].id });
    }
    for (const [user, home] of this.homes) {
      if (home.id === viewId) {
        const updated = { ...view, id: home.id };
        this.homes.set(user, updated);
        return updated;
      }
    }
    return undefined;
  }

  publishHome(user: string, view: Record<string, unknown>): View {
    const stored = { ...view, id: this.homes.get(user)?.id ?? this.newViewId() };
    this.homes.set(user, stored);
    return stored;
  }

  topModal(user: string): View | undefined {
    const stack = this.modals.get(user) ?? [];
    return stack[stack.length - 1];
  }

  /** The person closed the modal (or it was submitted): the one below it, if any, shows again. */
  closeModal(user: string, viewId: string): void {
    const stack = (this.modals.get(user) ?? []).filter((view) => view.id !== viewId);
    this.modals.set(user, stack);
  }

  private newViewId(): string {
    return `V${String(this.counter++).padStart(9, '0')}`;
  }
}
