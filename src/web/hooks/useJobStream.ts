import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import type { JobDetail, JobPhase, JobStreamEvents } from '../../shared/api/jobSchemas.ts';
import { LogBuffer } from '../components/log/LogBuffer.ts';
import { useApiClient } from './useApiClient.ts';

/** TanStack Query key of one job's detail. */
export function jobDetailKey(team: string, id: string) {
  return ['job', team, id] as const;
}

/** State of a job's live stream. */
export type JobStreamState = 'connecting' | 'live' | 'ended' | 'reconnecting';

function parse<K extends keyof JobStreamEvents>(_name: K, data: string): JobStreamEvents[K] {
  // The server's schema guarantees the shape (JobStreamEventSchemas); parse is the boundary.
  const value: JobStreamEvents[K] = JSON.parse(data);
  return value;
}

/**
 * Follows one job over its SSE stream (`GET /api/v1/jobs/{team}/{id}/stream`): `log` events are
 * appended to a log buffer in order (an event whose offset was already seen, after the browser
 * reconnected with `Last-Event-ID`, is skipped, so no line shows twice), `gap` adds a line saying
 * what was dropped, `status` patches the job's cached detail (the phase chip moves at once) and
 * refetches it for the timeline, `end` closes the stream: the job is terminal and its whole stored
 * log was sent. A job's page after its cluster is gone gets the stored log and `end` the same way.
 */
export function useJobStream(team: string, id: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const key = `${team}/${id}`;
  // A new buffer per job, so moving to another job never shows the last one's lines.
  // `key` is the point: a new job gets a new, empty buffer.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const buffer = useMemo(() => new LogBuffer(), [key]);
  const [version, setVersion] = useState(0);
  // Stream state tagged with the job it belongs to; another job's state reads as `connecting`.
  const [tagged, setTagged] = useState<{ key: string; state: JobStreamState; end?: JobPhase }>({
    key,
    state: 'connecting',
  });
  const state = tagged.key === key ? tagged.state : 'connecting';
  const endPhase = tagged.key === key ? tagged.end : undefined;

  useEffect(() => {
    if (typeof EventSource === 'undefined') return undefined;
    const setState = (update: (current: JobStreamState) => JobStreamState) =>
      setTagged((current) => ({
        ...current,
        key,
        state: update(current.key === key ? current.state : 'connecting'),
      }));
    const append = (text: string) => {
      if (!text) return;
      buffer.append(text);
      setVersion((value) => value + 1);
    };
    // Offset of the next byte not yet shown (UTF-8 byte offsets, as the server counts).
    let nextOffset = 0;
    const encoder = new TextEncoder();
    const source = new EventSource(client.jobStreamPath(team, id));
    source.onopen = () => setState((current) => (current === 'ended' ? current : 'live'));
    source.onerror = () => setState((current) => (current === 'ended' ? current : 'reconnecting'));
    source.addEventListener('log', (message) => {
      const event = parse('log', (message as MessageEvent<string>).data);
      const size = encoder.encode(event.text).length;
      if (event.offset + size <= nextOffset) return;
      // A reconnect may resend a chunk that starts before what was shown: keep only the new part.
      const text =
        event.offset < nextOffset
          ? new TextDecoder().decode(encoder.encode(event.text).slice(nextOffset - event.offset))
          : event.text;
      nextOffset = event.offset + size;
      append(text);
    });
    source.addEventListener('gap', (message) => {
      const gap = parse('gap', (message as MessageEvent<string>).data);
      nextOffset = Math.max(nextOffset, gap.to);
      append(
        `\n[raydeck] ${(gap.to - gap.from).toLocaleString('en-US')} bytes of this log were dropped (over the stored size limit)\n`,
      );
    });
    source.addEventListener('status', (message) => {
      const summary = parse('status', (message as MessageEvent<string>).data);
      queryClient.setQueryData<JobDetail>(jobDetailKey(team, id), (detail) =>
        detail ? { ...detail, summary } : detail,
      );
      void queryClient.invalidateQueries({ queryKey: jobDetailKey(team, id), exact: true });
    });
    source.addEventListener('end', (message) => {
      const end = parse('end', (message as MessageEvent<string>).data);
      setTagged({ key, state: 'ended', end: end.phase });
      source.close();
      void queryClient.invalidateQueries({ queryKey: jobDetailKey(team, id), exact: true });
    });
    return () => source.close();
  }, [client, queryClient, team, id, key, buffer]);

  return { buffer, version, state, endPhase };
}
