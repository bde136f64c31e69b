/**
 * How long ago `iso` was, compactly, as `kubectl get` shows ages: `<1m`, `42m`, `5h`, `3d`. The
 * list refreshes it each minute, so it never shows seconds. Times in the future (clock skew
 * between browser and cluster) read `<1m`; an unparsable time reads `—`.
 * @param iso - an RFC 3339 time, e.g. `2026-11-27T09:00:00Z`
 * @param nowMs - the current time in epoch milliseconds
 */
export function formatAge(iso: string | undefined, nowMs: number): string {
  const then = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(then)) return '—';
  const minutes = Math.floor((nowMs - then) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/**
 * A full local date and time for a tooltip next to a compact age, e.g. `27 Nov 2026, 09:00:00`;
 * empty for a missing or unparsable time.
 */
export function formatTimestamp(iso: string | undefined): string {
  const then = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(then)) return '';
  return new Date(then).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
