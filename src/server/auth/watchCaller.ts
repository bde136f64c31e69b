import type { FastifyRequest } from 'fastify';

import type { AuthenticatedUser } from './authorize.ts';
import type { AuthCredential, AuthServices } from './authPlugin.ts';
import type { RevocationEvent } from './SessionRevocations.ts';

/** Default milliseconds between periodic re-checks of a watched caller: one minute. */
export const defaultRecheckIntervalMs = 60_000;

/** Options of {@link watchCaller}. */
export interface WatchCallerOptions {
  /**
   * Milliseconds between re-checks made without any event, which catch what no event announces
   * in this process: expiry, and changes made through another replica. Defaults to
   * {@link defaultRecheckIntervalMs}.
   */
  recheckIntervalMs?: number;
}

/**
 * Watches the caller of a long-lived request (the SSE stream) and calls `onRevoked` once, as soon
 * as the caller is no longer who the request was authorized as: the session or token ended, the
 * user is gone or disabled, or their role or teams changed (so the client reconnects with its
 * new scope). Re-checks on every relevant {@link RevocationEvent} (within milliseconds of the
 * revoking request) and every `recheckIntervalMs`. Returns the function that stops watching;
 * call it when the request ends. An anonymous request is not watched.
 */
export function watchCaller(
  request: FastifyRequest,
  onRevoked: () => void,
  options: WatchCallerOptions = {},
): () => void {
  const user = request.user;
  const credential = request.authCredential;
  if (!user || !credential) return () => undefined;
  const services = request.server.authServices;

  let stopped = false;
  let running: Promise<void> | undefined;
  let pending = false;

  const stop = () => {
    stopped = true;
    unsubscribe();
    clearInterval(timer);
  };

  const checkOnce = async () => {
    const current = await resolveCredential(services, credential, user.id);
    if (stopped || sameScope(user, current)) return;
    stop();
    onRevoked();
  };

  // One check at a time; events arriving meanwhile cause exactly one more check afterwards,
  // so a change committed during a check is never missed.
  const check = (): void => {
    if (stopped) return;
    if (running) {
      pending = true;
      return;
    }
    running = checkOnce()
      .catch((error: unknown) => {
        request.log.warn({ err: error }, 're-checking the caller of a long-lived request failed');
      })
      .finally(() => {
        running = undefined;
        if (pending) {
          pending = false;
          check();
        }
      });
  };

  const unsubscribe = services.revocations.subscribe((event) => {
    if (concerns(event, user, credential)) check();
  });
  const timer = setInterval(check, options.recheckIntervalMs ?? defaultRecheckIntervalMs);
  timer.unref();
  return stop;
}

/** Whether an event may change what this caller is. */
function concerns(
  event: RevocationEvent,
  user: AuthenticatedUser,
  credential: AuthCredential,
): boolean {
  switch (event.kind) {
    case 'session':
      return credential.via === 'session' && credential.sessionId === event.sessionId;
    case 'token':
      return credential.via === 'token' && credential.tokenId === event.tokenId;
    case 'user':
      return event.userId === user.id;
    case 'teams':
      return true;
  }
}

/** The caller as the store now sees it, or null when the credential or user is gone. */
async function resolveCredential(
  services: AuthServices,
  credential: AuthCredential,
  userId: string,
): Promise<AuthenticatedUser | null> {
  switch (credential.via) {
    case 'session': {
      const owner = await services.sessions.liveUserId(credential.sessionId);
      return owner === userId ? services.users.authenticated(userId, 'session') : null;
    }
    case 'token': {
      const owner = await services.tokens.liveUserId(credential.tokenId);
      return owner === userId ? services.users.authenticated(userId, 'token') : null;
    }
    case 'header': {
      const groupTeams = await services.teams.existing(credential.groups);
      return services.users.authenticated(userId, 'header', groupTeams);
    }
  }
}

/** True when `current` may do exactly what `before` could: same user, role and teams. */
function sameScope(before: AuthenticatedUser, current: AuthenticatedUser | null): boolean {
  if (!current || current.id !== before.id || current.role !== before.role) return false;
  const teams = [...before.teams].sort();
  const now = [...current.teams].sort();
  return teams.length === now.length && teams.every((team, i) => team === now[i]);
}
