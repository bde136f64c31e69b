import { objectKey } from '../apiserver/objectStore.ts';
import type { KubeObject } from '../apiserver/resourceType.ts';
import type { RunningController, WorldContext } from '../world/worldContext.ts';

/** How long events live, as kube-apiserver's `--event-ttl` default: one hour (simulated). */
export const eventTtlSeconds = 3600;
/** How often expired events are swept, in simulated seconds. */
const sweepEverySeconds = 300;

function lastSeen(event: KubeObject): number {
  const times = [
    event['eventTime'],
    event['lastTimestamp'],
    event['firstTimestamp'],
    event.metadata?.creationTimestamp,
  ];
  const series = (event['series'] as { lastObservedTime?: string } | undefined)?.lastObservedTime;
  const latest = [series, ...times]
    .filter((time): time is string => typeof time === 'string')
    .map((time) => Date.parse(time));
  return Math.max(...latest.filter(Number.isFinite), 0);
}

/**
 * Deletes events an hour (simulated) after they were last seen, as the API server's event TTL
 * does through etcd leases; without it a long-running sandbox would keep every event forever.
 */
export function startEventTtl(context: WorldContext): RunningController {
  let stopped = false;
  let cancel = () => {};
  const sweep = () => {
    if (stopped) return;
    const expiry = context.clock.now() - eventTtlSeconds * 1000;
    for (const record of context.api.store.list('events')) {
      // Event times are wall-clock times; the TTL counts simulated time.
      if (context.clock.simTimeOf(lastSeen(record.object)) < expiry) {
        const meta = record.object.metadata ?? {};
        context.api.store.remove('events', objectKey(meta.namespace, meta.name ?? ''));
      }
    }
    cancel = context.clock.setTimer(sweepEverySeconds * 1000, sweep);
  };
  cancel = context.clock.setTimer(sweepEverySeconds * 1000, sweep);
  return {
    stop: () => {
      stopped = true;
      cancel();
    },
  };
}
