/** The one way Keycard shows a moment to people: '15:42 UTC' today, '2026-11-24 15:42 UTC' otherwise. */
export function formatUtc(at: Date | string | number, now: Date = new Date()): string {
  const moment = new Date(at);
  const iso = moment.toISOString();
  const clock = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? clock : `${iso.slice(0, 10)} ${clock}`;
}
