/**
 * Visibility queries over grant workflows, built from the search-attribute keys in definitions.ts so no caller retypes
 * an attribute name or quotes a value by hand. Used by the Slack app, the lease check and the reconciler.
 */
import type { GrantState } from '../domain/grant';
import { searchAttributes } from './definitions';

export interface GrantFilter {
  /** One state or any of several. */
  state?: GrantState | GrantState[];
  /** The requester's email (ProdAccessRequester). */
  requester?: string;
  /** A target key, `targetKey(target)` (ProdAccessTarget). */
  target?: string;
  /** Only executions still running. */
  running?: boolean;
  /** Only prodAccess workflows (the reconcile workflow carries none of these attributes, but a query may still say). */
  grantsOnly?: boolean;
}

/**
 * A visibility string literal, in double quotes so an apostrophe (o'brien@…) needs no escaping. A value with a double
 * quote, a backslash or a control character is refused rather than escaped, so no value can change the query's meaning.
 */
export function literal(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\\u0000-\u001f]/.test(value))
    throw new Error(`refusing a visibility query value with quotes: ${value.slice(0, 80)}`);
  return `"${value}"`;
}

export function grantQuery(filter: GrantFilter): string {
  const clauses: string[] = [];
  if (filter.grantsOnly) clauses.push(`WorkflowType = 'prodAccess'`);
  if (filter.running) clauses.push(`ExecutionStatus = 'Running'`);
  if (filter.state !== undefined) {
    const states = Array.isArray(filter.state) ? filter.state : [filter.state];
    clauses.push(
      states.length === 1
        ? `${searchAttributes.state.name} = ${literal(states[0])}`
        : `${searchAttributes.state.name} IN (${states.map(literal).join(', ')})`,
    );
  }
  if (filter.requester !== undefined) clauses.push(`${searchAttributes.requester.name} = ${literal(filter.requester)}`);
  if (filter.target !== undefined) clauses.push(`${searchAttributes.target.name} = ${literal(filter.target)}`);
  return clauses.join(' AND ');
}
