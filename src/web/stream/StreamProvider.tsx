import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

import {
  type StreamEventName,
  streamEventNames,
  type StreamEvents,
} from '../../shared/api/streamSchemas.ts';

type Listener<K extends StreamEventName> = (data: StreamEvents[K]) => void;

/** The live connection to `/api/v1/stream` shared by every page. */
export interface LiveStream {
  /** True while the EventSource is open. */
  connected: boolean;
  /** Subscribes to one event type; returns the unsubscribe function. */
  subscribe: <K extends StreamEventName>(event: K, listener: Listener<K>) => () => void;
}

const StreamContext = createContext<LiveStream | undefined>(undefined);

/** The shared live stream; only inside {@link StreamProvider}. */
export function useLiveStream(): LiveStream {
  const stream = useContext(StreamContext);
  if (!stream) throw new Error('useLiveStream needs a StreamProvider');
  return stream;
}

/** Calls `listener` for every `event` of the live stream while the component is mounted. */
export function useStreamEvent<K extends StreamEventName>(event: K, listener: Listener<K>): void {
  const { subscribe } = useLiveStream();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribe(event, (data) => latest.current(data)), [subscribe, event]);
}

/**
 * Opens one EventSource for the signed-in user (the browser reconnects by itself) and fans its
 * events out to subscribers. A `hello` after a reconnect tells pages to refetch once.
 */
export function StreamProvider({ children, enabled }: { children: ReactNode; enabled: boolean }) {
  const listeners = useRef(new Map<StreamEventName, Set<(data: unknown) => void>>());
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return undefined;
    const source = new EventSource('/api/v1/stream');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    for (const name of streamEventNames) {
      source.addEventListener(name, (message) => {
        const data: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const listener of listeners.current.get(name) ?? []) listener(data);
      });
    }
    return () => {
      source.close();
      setConnected(false);
    };
  }, [enabled]);

  const stream = useMemo<LiveStream>(
    () => ({
      connected,
      subscribe: (event, listener) => {
        let set = listeners.current.get(event);
        if (!set) {
          set = new Set();
          listeners.current.set(event, set);
        }
        const entry = listener as (data: unknown) => void;
        set.add(entry);
        return () => set.delete(entry);
      },
    }),
    [connected],
  );
  return <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>;
}
