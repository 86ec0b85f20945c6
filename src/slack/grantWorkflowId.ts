import { GRANT_WORKFLOW_ID_PREFIX } from '../domain/grant';

/** Button values and modal metadata carry a grant's workflow id and nothing else; anything else reads as ''. */
export function grantWorkflowIdFrom(value: string | undefined): string {
  return typeof value === 'string' &&
    /^prod-access-[a-f0-9-]{8,64}$/.test(value) &&
    value.startsWith(GRANT_WORKFLOW_ID_PREFIX)
    ? value
    : '';
}
