import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { StreamEvents } from '../../shared/api/streamSchemas.ts';
import { AppProviders } from '../AppProviders.tsx';
import { StreamProvider } from '../stream/StreamProvider.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';

/** An EventSource the test drives: open, fail, and deliver named events. */
class FakeEventSource {
  static latest: FakeEventSource | undefined;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly listeners = new Map<string, (message: MessageEvent<string>) => void>();
  constructor() {
    FakeEventSource.latest = this;
  }
  addEventListener(name: string, listener: (message: MessageEvent<string>) => void): void {
    this.listeners.set(name, listener);
  }
  close(): void {}
  emit(name: string, data: unknown): void {
    this.listeners.get(name)?.(new MessageEvent(name, { data: JSON.stringify(data) }));
  }
}

function stream(): FakeEventSource {
  const source = FakeEventSource.latest;
  if (!source) throw new Error('no EventSource opened');
  return source;
}

function renderBanner() {
  render(
    <AppProviders>
      <StreamProvider enabled>
        <ConnectionBanner graceMs={50} />
        <p>page</p>
      </StreamProvider>
    </AppProviders>,
  );
}

beforeEach(() => vi.stubGlobal('EventSource', FakeEventSource));
afterEach(() => vi.unstubAllGlobals());

describe('ConnectionBanner', () => {
  it('says live updates are paused once the stream has been down past the grace time', async () => {
    renderBanner();
    act(() => stream().onopen?.());
    act(() => stream().onerror?.());
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Live updates paused — reconnecting…',
    );
    act(() => stream().onopen?.());
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows nothing while the stream is open', async () => {
    renderBanner();
    act(() => stream().onopen?.());
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('relays the portal’s message while its Kubernetes connection is degraded', async () => {
    renderBanner();
    act(() => stream().onopen?.());
    // The shapes the server sends (ConnectionHealth): typed by the shared stream schema.
    const degraded: StreamEvents['connection'] = {
      state: 'degraded',
      since: '2026-12-01T09:00:00.000Z',
      message:
        "Kubernetes is not answering the portal's watch of pods (connect ECONNREFUSED); what you see may be out of date.",
      informers: ['pods'],
    };
    const ok: StreamEvents['connection'] = {
      state: 'ok',
      since: '2026-12-01T09:01:00.000Z',
      message: 'Connected to Kubernetes.',
      informers: [],
    };
    act(() => stream().emit('connection', ok));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    act(() => stream().emit('connection', degraded));
    const banner = await screen.findByRole('status');
    expect(banner).toHaveTextContent('Kubernetes connection degraded');
    expect(banner).toHaveTextContent("not answering the portal's watch of pods");
    act(() => stream().emit('connection', ok));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
