/**
 * What a proof from Keycard's front door covers: the input exactly as sent, without the proof itself. Pure, so the
 * workflow (which hands the check to an activity) and the signer (src/services/frontDoor.ts) agree on it.
 */
export function withoutProof<T extends object>(input: T): Omit<T, 'proof'> {
  const rest = { ...input } as T & { proof?: unknown };
  delete rest.proof;
  return rest;
}
