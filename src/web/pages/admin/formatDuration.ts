/**
 * A duration in seconds as people read it, largest units first, at most two of them:
 * `1800` → `30 min`, `5400` → `1 h 30 min`, `90000` → `1 d 1 h`, `45` → `45 s`. Used for idle
 * timeouts and TTLs, which the API counts in seconds.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 && parts.length < 2) {
      parts.push(`${count} ${unit}`);
      rest -= count * size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}
