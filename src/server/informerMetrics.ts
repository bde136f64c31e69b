import { Counter, Gauge, type Registry } from 'prom-client';

import type { KubeCache } from './k8s/KubeCache.ts';
import type { InformerObserver } from './k8s/ResourceInformer.ts';

/**
 * Watch health metrics: restarts by reason (error, stale, expired = 410 relist, closed), events
 * received by type, relist durations, and per informer the seconds since its last event or
 * bookmark (the event lag a dashboard alerts on) and whether it has synced.
 */
export function informerMetrics(registry: Registry): {
  observer: InformerObserver;
  track: (cache: KubeCache) => void;
} {
  const restarts = new Counter({
    name: 'raydeck_informer_restarts_total',
    help: 'Watch restarts of the Kubernetes informers, by reason.',
    labelNames: ['informer', 'reason'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'raydeck_informer_events_total',
    help: 'Watch events received, by informer and type.',
    labelNames: ['informer', 'type'] as const,
    registers: [registry],
  });
  const relistSeconds = new Gauge({
    name: 'raydeck_informer_last_relist_seconds',
    help: 'Duration of the last full list of each informer, in seconds.',
    labelNames: ['informer'] as const,
    registers: [registry],
  });
  let tracked: KubeCache | undefined;
  new Gauge({
    name: 'raydeck_informer_idle_seconds',
    help: 'Seconds since each informer last received an event, bookmark or list (watch staleness).',
    labelNames: ['informer'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const informer of tracked?.status() ?? []) {
        if (Number.isFinite(informer.idleMs))
          this.set({ informer: informer.name }, informer.idleMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'raydeck_informer_synced',
    help: '1 when the informer has listed at least once, else 0.',
    labelNames: ['informer'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const informer of tracked?.status() ?? [])
        this.set({ informer: informer.name }, informer.synced ? 1 : 0);
    },
  });
  return {
    observer: {
      onRestart: (informer, reason) => restarts.inc({ informer, reason }),
      onEvent: (informer, type) => events.inc({ informer, type }),
      onRelist: (informer, _items, milliseconds) =>
        relistSeconds.set({ informer }, milliseconds / 1000),
    },
    track: (cache) => {
      tracked = cache;
    },
  };
}
