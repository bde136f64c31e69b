const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * An ISO 8601 timestamp from the API in the reader's locale and time zone, e.g.
 * `Nov 26, 2026, 7:13 AM`; `fallback` (default `—`) when absent or unreadable.
 */
export function formatTime(iso: string | null | undefined, fallback = '—'): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? fallback : dateTime.format(date);
}
