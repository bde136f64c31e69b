import { useEffect, useState } from 'react';

/**
 * The current time in epoch milliseconds, updated every `intervalMs` (default one minute), so
 * relative ages such as `5m` stay true on a page left open. This is a clock, not a data poll.
 */
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
