/**
 * An alert in the approvers' channel (a revoke that keeps failing, a grant Keycard could no longer revoke). The
 * workflow writes the words; the siren makes it stand out from requests.
 */
export function alertText(message: string): string {
  return `:rotating_light: ${message}`;
}
