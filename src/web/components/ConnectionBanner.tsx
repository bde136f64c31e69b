import { Alert } from '@mantine/core';
import { IconPlugConnectedX, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';

import type { StreamEvents } from '../../shared/api/streamSchemas.ts';
import { useLiveStream, useStreamEvent } from '../stream/StreamProvider.tsx';

/**
 * Says when the page has stopped being live. Two independent causes:
 * - the browser lost the live stream (`/api/v1/stream`) for longer than `graceMs` (default
 *   3,000 ms, about one EventSource reconnect), so short blips do not flash a banner;
 * - the portal says its connection to Kubernetes is unhealthy (`connection` stream event), so
 *   what the pages show may be stale even though the stream is up.
 * Both are `role="status"` regions: screen readers announce them without stealing focus.
 */
export function ConnectionBanner({ graceMs = 3000 }: { graceMs?: number }) {
  const { connected } = useLiveStream();
  const [overdue, setOverdue] = useState(false);
  const [cluster, setCluster] = useState<StreamEvents['connection'] | undefined>(undefined);
  useStreamEvent('connection', setCluster);

  useEffect(() => {
    if (connected) return undefined;
    const timer = setTimeout(() => setOverdue(true), graceMs);
    return () => {
      clearTimeout(timer);
      setOverdue(false);
    };
  }, [connected, graceMs]);

  const streamPaused = !connected && overdue;
  const clusterDown = connected && cluster?.state === 'degraded';
  if (!streamPaused && !clusterDown) return null;
  return streamPaused ? (
    <Alert
      role="status"
      color="yellow"
      variant="light"
      mb="md"
      icon={<IconRefresh size={18} aria-hidden />}
      title="Live updates paused — reconnecting…"
    >
      The portal’s live stream is not reachable. What you see may be out of date; it refreshes by
      itself once the connection is back.
    </Alert>
  ) : (
    <Alert
      role="status"
      color="orange"
      variant="light"
      mb="md"
      icon={<IconPlugConnectedX size={18} aria-hidden />}
      title="Kubernetes connection degraded"
    >
      {cluster?.message}
      {cluster ? ` Since ${new Date(cluster.since).toLocaleTimeString()}.` : null}
    </Alert>
  );
}
