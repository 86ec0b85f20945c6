/**
 * An HTTP proxy between the AWS SDK and moto that injects what moto never does: throttling, 5xx, IN_PROGRESS
 * and FAILED assignment statuses, and lying deletions. Faults are queued per operation (the x-amz-target action).
 * `quota()` adds what AWS does and moto does not: a calls-per-second quota on the SSO Admin API, as a token bucket.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsCall {
  operation: string;
  /** The JSON request body. */
  input: Record<string, unknown>;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Answers one call: return a response, or call `forward()` to ask moto (and change its answer if you like). */
export type FaultHandler = (call: AwsCall, forward: () => Promise<ProxyResponse>) => Promise<ProxyResponse>;

interface QueuedFault {
  operation: string;
  remaining: number;
  handler: FaultHandler;
}

export class AwsFaultProxy {
  private server?: Server;
  private faults: QueuedFault[] = [];
  /** Every call, with its answer's status and the time (ms since the epoch) the answer went back. */
  readonly calls: (AwsCall & { status: number; injected: boolean; throttled: boolean; at: number })[] = [];
  endpoint = '';
  private bucket?: { perSecond: number; tokens: number; refilledAt: number };

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.handle(req.method ?? 'POST', req.url ?? '/', req.headers, body)
          .then((response) => {
            res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
            res.end(response.body);
          })
          .catch((error: Error) => {
            res.writeHead(502, { 'content-type': 'text/plain' });
            res.end(`proxy error: ${error.message}`);
          });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` calls of `operation` (e.g. 'CreateAccountAssignment') are answered by `handler`. */
  inject(operation: string, times: number, handler: FaultHandler): void {
    this.faults.push({ operation, remaining: times, handler });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * SSO Admin calls beyond `perSecond` (a bucket of `perSecond` tokens, refilled continuously) are answered with
   * AWS's ThrottlingException, as Identity Center does past its quota. `undefined` lifts the quota.
   */
  quota(perSecond: number | undefined): void {
    this.bucket = perSecond ? { perSecond, tokens: perSecond, refilledAt: Date.now() } : undefined;
  }

  private overQuota(service: string): boolean {
    const bucket = this.bucket;
    if (!bucket || service !== SSO_ADMIN_SERVICE) return false;
    const now = Date.now();
    bucket.tokens = Math.min(bucket.perSecond, bucket.tokens + ((now - bucket.refilledAt) / 1000) * bucket.perSecond);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  callsOf(operation: string) {
    return this.calls.filter((call) => call.operation === operation);
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<ProxyResponse> {
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.includes('.') ? target.slice(target.indexOf('.') + 1) : target;
    let input: Record<string, unknown> = {};
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      // not JSON: passed through as is
    }
    const call = { operation, input };
    if (this.overQuota(target.split('.')[0])) {
      const response = await throttle()(call, () => Promise.reject(new Error('not forwarded')));
      this.calls.push({ ...call, status: response.status, injected: false, throttled: true, at: Date.now() });
      return response;
    }
    const forward = () => this.forward(method, url, headers, body);
    const fault = this.faults.find((candidate) => candidate.operation === operation && candidate.remaining > 0);
    if (fault) fault.remaining -= 1;
    const response = fault ? await fault.handler(call, forward) : await forward();
    this.calls.push({ ...call, status: response.status, injected: Boolean(fault), throttled: false, at: Date.now() });
    return response;
  }

  private forward(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<ProxyResponse> {
    const upstream = new URL(url, this.upstream);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(upstream, { method, headers: { ...headers, host: upstream.host } }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding') {
              responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
            }
          }
          resolve({ status: incoming.statusCode ?? 500, headers: responseHeaders, body: Buffer.concat(chunks) });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

/** The x-amz-target prefix of the SSO Admin API (Identity Center's assignments); the Identity Store's differs. */
const SSO_ADMIN_SERVICE = 'SWBExternalService';

function json(status: number, value: unknown, headers: Record<string, string> = {}): ProxyResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

/** An AWS JSON-protocol error, as AWS sends it. */
export function awsError(status: number, type: string, message: string): FaultHandler {
  return async () => json(status, { __type: type, message }, { 'x-amzn-errortype': type });
}

export const throttle = () => awsError(400, 'ThrottlingException', 'Rate exceeded');
export const internalError = () => awsError(500, 'InternalServerException', 'injected: internal failure');

/** Moto's answer with the assignment status replaced (IN_PROGRESS while AWS is still working). */
export function withStatus(statusKey: string, status: string, failureReason?: string): FaultHandler {
  return async (_call, forward) => {
    const response = await forward();
    const value = JSON.parse(response.body.toString('utf8'));
    value[statusKey] = {
      ...value[statusKey],
      Status: status,
      ...(failureReason ? { FailureReason: failureReason } : {}),
    };
    return json(response.status, value);
  };
}

/**
 * A creation AWS half made and then reported FAILED: the assignment really exists in moto (the proxy lets it through)
 * while its status says FAILED, so the cleanup of a failed grant meets a real assignment to remove.
 */
export function failingCreation(proxy: AwsFaultProxy, failureReason: string): void {
  proxy.inject('CreateAccountAssignment', 1, withStatus('AccountAssignmentCreationStatus', 'IN_PROGRESS'));
  proxy.inject(
    'DescribeAccountAssignmentCreationStatus',
    1,
    withStatus('AccountAssignmentCreationStatus', 'FAILED', failureReason),
  );
}

/**
 * A deletion reported FAILED. `applied`: AWS removed the assignment anyway (moto deleted it), so it is gone whatever
 * the status says; otherwise moto never sees the deletion and the assignment stays.
 */
export function failingDeletion(proxy: AwsFaultProxy, failureReason: string, { applied }: { applied: boolean }): void {
  const requestId = `injected-${Math.random().toString(16).slice(2)}`;
  proxy.inject(
    'DeleteAccountAssignment',
    1,
    applied
      ? withStatus('AccountAssignmentDeletionStatus', 'IN_PROGRESS')
      : async (call) =>
          json(200, {
            AccountAssignmentDeletionStatus: { ...pick(call.input), RequestId: requestId, Status: 'IN_PROGRESS' },
          }),
  );
  proxy.inject(
    'DescribeAccountAssignmentDeletionStatus',
    1,
    applied
      ? withStatus('AccountAssignmentDeletionStatus', 'FAILED', failureReason)
      : async () =>
          json(200, {
            AccountAssignmentDeletionStatus: { RequestId: requestId, Status: 'FAILED', FailureReason: failureReason },
          }),
  );
}

/** A deletion that reports SUCCEEDED while moto keeps the assignment (the "revoke shown as success" bug). */
export function lyingDeletion(proxy: AwsFaultProxy): void {
  const requestId = `injected-${Math.random().toString(16).slice(2)}`;
  proxy.inject('DeleteAccountAssignment', 1, async (call) =>
    json(200, {
      AccountAssignmentDeletionStatus: { ...pick(call.input), RequestId: requestId, Status: 'IN_PROGRESS' },
    }),
  );
  proxy.inject('DescribeAccountAssignmentDeletionStatus', 1, async () =>
    json(200, { AccountAssignmentDeletionStatus: { RequestId: requestId, Status: 'SUCCEEDED' } }),
  );
}

function pick(input: Record<string, unknown>) {
  const { TargetId, TargetType, PermissionSetArn, PrincipalType, PrincipalId } = input;
  return { TargetId, TargetType, PermissionSetArn, PrincipalType, PrincipalId };
}
