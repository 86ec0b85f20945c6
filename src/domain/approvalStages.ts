/**
 * Approvals past one approver (issue 16, not wired yet): a target's ordered stages, each satisfied by `count`
 * distinct approvers, the same person counting once across all stages, the requester never; one deny at any stage
 * ends the request. Break-glass bounds and the kill switch's scope are here too. Pure functions from plain data to a
 * decision, like policy.ts, so the workflow's handlers and the Slack app will ask the same questions.
 */
import { formatDuration } from './duration';
import { Refusal, type RefusalType } from './errors';
import type { Requester } from './grant';

/** One stage: who may give it (Slack users and user groups) and how many distinct approvals it needs. */
export interface ApprovalStage {
  approvers: readonly string[];
  count: number;
}

/** An approval the grant has taken: who, for which stage (0-based), and the approvers entry that made them one. */
export interface StageApproval {
  by: string;
  stage: number;
  entry: string;
}

/** A target's plain `approvers` list is one stage of one approval. */
export function stagesOf(target: { approvers: readonly string[]; stages?: readonly ApprovalStage[] }): ApprovalStage[] {
  return target.stages && target.stages.length > 0 ? [...target.stages] : [{ approvers: target.approvers, count: 1 }];
}

/** The first stage not yet satisfied, or undefined once every stage is. */
export function currentStage(
  stages: readonly ApprovalStage[],
  approvals: readonly StageApproval[],
): number | undefined {
  const index = stages.findIndex(
    (stage, at) => new Set(approvals.filter((approval) => approval.stage === at).map((a) => a.by)).size < stage.count,
  );
  return index < 0 ? undefined : index;
}

export interface StageClick {
  actor: string;
  action: 'approve' | 'deny';
  requester: Requester;
  /**
   * The approvers entries that name this person when they click: their own user id, and every user group they are a
   * member of (read from Slack at the click).
   */
  entries: ReadonlySet<string>;
  /** A deny's reason, trimmed. */
  reason?: string;
}

export type StageDecision =
  | { allowed: true; action: 'approve'; stage: number; entry: string; granted: boolean }
  | { allowed: true; action: 'deny'; stage: number; entry: string }
  | { allowed: false; refusal: RefusalType; message: string };

function refused(refusal: RefusalType, message: string): StageDecision {
  return { allowed: false, refusal, message };
}

function entryFor(stage: ApprovalStage, entries: ReadonlySet<string>): string | undefined {
  return stage.approvers.find((approver) => entries.has(approver));
}

/**
 * What a click on a pending request does with ordered stages. An approval counts for the current stage only, by an
 * approver of that stage, once per person across every stage; the request is granted when the last stage is
 * satisfied. A deny by an approver of any stage ends the request (a reason is needed).
 */
export function decideStage(
  stages: readonly ApprovalStage[],
  approvals: readonly StageApproval[],
  click: StageClick,
): StageDecision {
  if (click.actor === click.requester.slackUserId || click.actor === click.requester.email)
    return refused(Refusal.selfApproval, 'You cannot decide your own request.');
  const stage = currentStage(stages, approvals);
  if (stage === undefined)
    return refused(Refusal.alreadyDecided, 'This request is no longer pending: every stage approved it.');
  if (click.action === 'deny') {
    const denying = stages.map((each) => entryFor(each, click.entries)).find((entry) => entry !== undefined);
    if (!denying) return refused(Refusal.notAnApprover, 'Only Keycard approvers of this target can deny its requests.');
    if (!click.reason) return refused(Refusal.reasonRequired, 'Say why you deny the request.');
    return { allowed: true, action: 'deny', stage, entry: denying };
  }
  if (approvals.some((approval) => approval.by === click.actor))
    return refused(
      Refusal.alreadyDecided,
      'You approved this request already; one person counts once, whatever the stage.',
    );
  const entry = entryFor(stages[stage], click.entries);
  if (!entry) {
    return refused(
      Refusal.notAnApprover,
      `This request waits for stage ${stage + 1} of ${stages.length}, which ${stages[stage].approvers.join(', ')} give.`,
    );
  }
  const after = [...approvals, { by: click.actor, stage, entry }];
  return { allowed: true, action: 'approve', stage, entry, granted: currentStage(stages, after) === undefined };
}

/** A target's break-glass rule: how long at most, and who reviews; undefined: not allowed on it. */
export interface BreakGlassRule {
  maxMs: number;
  reviewers: readonly string[];
}

/** May this target be broken into, for how long: refused where it is not allowed; never past its max. */
export function breakGlassFor(
  target: { key: string; name: string; breakGlass?: BreakGlassRule },
  askedMs: number | undefined,
): { allowed: true; durationMs: number } | { allowed: false; refusal: RefusalType; message: string } {
  const rule = target.breakGlass;
  if (!rule) {
    return {
      allowed: false,
      refusal: Refusal.notAllowed,
      message: `${target.name} (${target.key}) has no break-glass: ask for it with /prod-access ${target.key} <reason>.`,
    };
  }
  if (askedMs === undefined) return { allowed: true, durationMs: rule.maxMs };
  if (askedMs > rule.maxMs) {
    return {
      allowed: false,
      refusal: Refusal.maxDurationExceeded,
      message: `Break-glass on ${target.name} lasts at most ${formatDuration(rule.maxMs)}; ask for that or less.`,
    };
  }
  return { allowed: true, durationMs: askedMs };
}

/** What the kill switch takes: every live grant of a target, or of a person, or of a person on a target. */
export interface KillSwitchScope {
  target?: string;
  person?: string;
}

/** Is this live grant in the kill switch's scope (a scope names at least a target or a person)? */
export function inKillSwitchScope(
  grant: { targetKey: string; requesterEmail: string; state: string },
  scope: KillSwitchScope,
): boolean {
  if (scope.target === undefined && scope.person === undefined) return false;
  if (grant.state !== 'active' && grant.state !== 'pending') return false;
  if (scope.target !== undefined && grant.targetKey !== scope.target) return false;
  if (scope.person !== undefined && grant.requesterEmail.toLowerCase() !== scope.person.toLowerCase()) return false;
  return true;
}
