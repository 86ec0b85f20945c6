/**
 * Identity Center misbehaving on purpose, through the stand's fault proxy: random throttling and 500s at given rates,
 * added latency, and assignment changes held IN_PROGRESS (the change reaches moto only when the hold ends, so moto
 * lists what AWS would have done by then). Every call is logged with its principal and request id, so a scenario can
 * count the creations that actually created and see which request id a restarted worker polls.
 */
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { internalError, throttle, type AwsCall, type FaultHandler, type ProxyResponse } from './awsFaultProxy';
import { awsClientConfig, stand } from './stand';

export interface FaultRates {
  /** Share of calls answered with ThrottlingException (0..1). */
  throttle: number;
  /** Share of calls answered with InternalServerException, HTTP 500 (0..1). */
  serverError: number;
  /** Added before every answer. */
  latencyMs: number;
}

export type ChangeKind = 'creation' | 'deletion';

export interface ChaosCall {
  operation: string;
  principalId?: string;
  requestId?: string;
  /** What the caller got: forwarded (moto answered), throttled, error500, held (IN_PROGRESS). */
  outcome: 'forwarded' | 'throttled' | 'error500' | 'held' | 'released';
  status: number;
  at: number;
}

interface Held {
  kind: ChangeKind;
  principalId: string;
  input: Record<string, unknown>;
  /** Undefined: until release(). */
  releaseAt?: number;
  released: boolean;
  applied: boolean;
}

const OPERATIONS = [
  'CreateAccountAssignment',
  'DeleteAccountAssignment',
  'DescribeAccountAssignmentCreationStatus',
  'DescribeAccountAssignmentDeletionStatus',
  'ListAccountAssignmentsForPrincipal',
  'ListAccountAssignments',
  'GetUserId',
];

const NO_FAULTS: FaultRates = { throttle: 0, serverError: 0, latencyMs: 0 };

export class IdentityCenterChaos {
  readonly calls: ChaosCall[] = [];
  rates: FaultRates = NO_FAULTS;
  private readonly holds = new Map<string, { forMs?: number }>();
  private readonly held = new Map<string, Held>();
  private readonly principalOfRequest = new Map<string, string>();
  private random: () => number;
  private counter = 0;

  constructor(seed = 11) {
    this.random = mulberry32(seed);
  }

  /** Puts this controller in front of every Identity Center call Keycard makes, until uninstall(). */
  install(): this {
    const { aws } = stand();
    aws.clearFaults();
    for (const operation of OPERATIONS) aws.inject(operation, Number.POSITIVE_INFINITY, this.handler(operation));
    return this;
  }

  uninstall(): void {
    stand().aws.clearFaults();
  }

  /** The next creation or deletion for this principal answers IN_PROGRESS until release(), or for `forMs`. */
  hold(principalId: string, kind: ChangeKind, options: { forMs?: number } = {}): void {
    this.holds.set(`${kind}:${principalId}`, options);
  }

  release(principalId: string, kind: ChangeKind): void {
    this.holds.delete(`${kind}:${principalId}`);
    for (const change of this.held.values()) {
      if (change.principalId === principalId && change.kind === kind) change.released = true;
    }
  }

  /** CreateAccountAssignment calls for this principal that made an assignment in moto. */
  creations(principalId: string): number {
    return this.calls.filter(
      (call) =>
        call.principalId === principalId &&
        ((call.operation === 'CreateAccountAssignment' && call.outcome === 'forwarded' && call.status === 200) ||
          (call.operation === 'DescribeAccountAssignmentCreationStatus' && call.outcome === 'released')),
    ).length;
  }

  /** Every CreateAccountAssignment (or DeleteAccountAssignment) call for this principal that Identity Center accepted. */
  accepted(principalId: string, operation: 'CreateAccountAssignment' | 'DeleteAccountAssignment'): ChaosCall[] {
    return this.calls.filter(
      (call) =>
        call.principalId === principalId &&
        call.operation === operation &&
        (call.outcome === 'held' || (call.outcome === 'forwarded' && call.status === 200)),
    );
  }

  /** Status polls of one request id, after `since`. */
  pollsOf(requestId: string, since = 0): ChaosCall[] {
    return this.calls.filter(
      (call) => call.requestId === requestId && call.operation.startsWith('Describe') && call.at >= since,
    );
  }

  injectedCount(): { throttled: number; error500: number; held: number } {
    const count = (outcome: ChaosCall['outcome']) => this.calls.filter((call) => call.outcome === outcome).length;
    return { throttled: count('throttled'), error500: count('error500'), held: count('held') };
  }

  private handler(operation: string): FaultHandler {
    return async (call, forward) => {
      const principalId = stringOf(call.input.PrincipalId);
      const statusRequestId =
        stringOf(call.input.AccountAssignmentCreationRequestId) ??
        stringOf(call.input.AccountAssignmentDeletionRequestId);
      const log = (entry: Omit<ChaosCall, 'operation' | 'at'>) =>
        this.calls.push({ operation, at: Date.now(), ...entry });
      if (this.rates.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.rates.latencyMs));
      const roll = this.random();
      if (roll < this.rates.throttle) {
        log({ principalId, requestId: statusRequestId, outcome: 'throttled', status: 400 });
        return throttle()(call, forward);
      }
      if (roll < this.rates.throttle + this.rates.serverError) {
        log({ principalId, requestId: statusRequestId, outcome: 'error500', status: 500 });
        return internalError()(call, forward);
      }
      const kind: ChangeKind | undefined =
        operation === 'CreateAccountAssignment'
          ? 'creation'
          : operation === 'DeleteAccountAssignment'
            ? 'deletion'
            : undefined;
      if (kind && principalId && this.holds.has(`${kind}:${principalId}`)) {
        return this.holdChange(kind, principalId, call, log);
      }
      const change = statusRequestId ? this.held.get(statusRequestId) : undefined;
      if (change && statusRequestId) return this.answerHeld(statusRequestId, change, log);
      const response = await forward();
      const requestId = statusRequestId ?? requestIdIn(response);
      const owner = principalId ?? (requestId ? this.principalOfRequest.get(requestId) : undefined);
      if (requestId && principalId) this.principalOfRequest.set(requestId, principalId);
      log({ principalId: owner, requestId, outcome: 'forwarded', status: response.status });
      return response;
    };
  }

  private holdChange(
    kind: ChangeKind,
    principalId: string,
    call: AwsCall,
    log: (entry: Omit<ChaosCall, 'operation' | 'at'>) => void,
  ): ProxyResponse {
    const options = this.holds.get(`${kind}:${principalId}`) ?? {};
    this.holds.delete(`${kind}:${principalId}`);
    const requestId = `chaos-${kind}-${++this.counter}-${principalId.slice(0, 8)}`;
    this.held.set(requestId, {
      kind,
      principalId,
      input: call.input,
      releaseAt: options.forMs === undefined ? undefined : Date.now() + options.forMs,
      released: false,
      applied: false,
    });
    this.principalOfRequest.set(requestId, principalId);
    log({ principalId, requestId, outcome: 'held', status: 200 });
    return statusAnswer(kind, requestId, 'IN_PROGRESS', call.input);
  }

  private async answerHeld(
    requestId: string,
    change: Held,
    log: (entry: Omit<ChaosCall, 'operation' | 'at'>) => void,
  ): Promise<ProxyResponse> {
    const due = change.released || (change.releaseAt !== undefined && Date.now() >= change.releaseAt);
    if (!due) {
      log({ principalId: change.principalId, requestId, outcome: 'held', status: 200 });
      return statusAnswer(change.kind, requestId, 'IN_PROGRESS', change.input);
    }
    if (!change.applied) {
      change.applied = true;
      await applyInMoto(change);
      log({ principalId: change.principalId, requestId, outcome: 'released', status: 200 });
    } else {
      log({ principalId: change.principalId, requestId, outcome: 'forwarded', status: 200 });
    }
    return statusAnswer(change.kind, requestId, 'SUCCEEDED', change.input);
  }
}

/** What AWS would have done when the held change completes: made in moto directly. */
async function applyInMoto(change: Held): Promise<void> {
  const { motoUrl } = stand();
  const client = new SSOAdminClient(awsClientConfig(motoUrl));
  const input = {
    InstanceArn: String(change.input.InstanceArn),
    TargetId: String(change.input.TargetId),
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: String(change.input.PermissionSetArn),
    PrincipalType: 'USER' as const,
    PrincipalId: change.principalId,
  };
  try {
    await client.send(
      change.kind === 'creation'
        ? new CreateAccountAssignmentCommand(input)
        : new DeleteAccountAssignmentCommand(input),
    );
  } catch {
    // a deletion of something already gone is still a deletion
  }
}

function statusAnswer(kind: ChangeKind, requestId: string, status: string, input: Record<string, unknown>) {
  const key = kind === 'creation' ? 'AccountAssignmentCreationStatus' : 'AccountAssignmentDeletionStatus';
  const { TargetId, TargetType, PermissionSetArn, PrincipalType, PrincipalId } = input;
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(
      JSON.stringify({
        [key]: {
          RequestId: requestId,
          Status: status,
          TargetId,
          TargetType,
          PermissionSetArn,
          PrincipalType,
          PrincipalId,
        },
      }),
    ),
  };
}

function requestIdIn(response: ProxyResponse): string | undefined {
  try {
    const value = JSON.parse(response.body.toString('utf8'));
    return stringOf(
      value?.AccountAssignmentCreationStatus?.RequestId ?? value?.AccountAssignmentDeletionStatus?.RequestId,
    );
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A small seeded generator: every run rolls the same dice (which call gets which roll depends on timing). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
