/** Who and what the demo workspace holds: four people, the approvers' channel, two AWS accounts, one permission set. */
export interface DemoPerson {
  id: string;
  name: string;
  email: string;
  role: 'requester' | 'approver';
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'U0ALICE', name: 'Alice', email: 'alice@example.com', role: 'requester' },
  { id: 'U0BOB', name: 'Bob', email: 'bob@example.com', role: 'requester' },
  { id: 'U0CAROL', name: 'Carol', email: 'carol@example.com', role: 'approver' },
  { id: 'U0DAVE', name: 'Dave', email: 'dave@example.com', role: 'approver' },
];

export const APPROVERS_CHANNEL = { id: 'C0APPROVERS', name: 'approvers' } as const;

/** Keycard grants to the first; the second shows that Identity Center holds more than Keycard's target. */
export const DEMO_ACCOUNTS = [
  { id: '111111111111', name: 'production' },
  { id: '222222222222', name: 'staging' },
] as const;

export const DEMO_PERMISSION_SET = 'ProdAdmin';

export const DEMO_BANNER =
  'Demo: no real access is granted. Slack is played by this page and AWS Identity Center by moto, on this machine only; a grant lasts 2 minutes.';
