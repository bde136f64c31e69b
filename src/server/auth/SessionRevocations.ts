/**
 * Something that may end or change what an open connection's caller may do. Emitted after the
 * change is committed to the store, so a listener that re-reads the store sees it.
 */
export type RevocationEvent =
  /** A browser session ended (logout, replaced by a new sign-in). */
  | { kind: 'session'; sessionId: string }
  /** An API token was deleted. */
  | { kind: 'token'; tokenId: string }
  /** A user changed: role, disabled, password, their tokens or sessions, their teams. */
  | { kind: 'user'; userId: string }
  /** Teams changed (created, deleted, members replaced): anyone's team list may differ. */
  | { kind: 'teams' };

/** A listener of {@link SessionRevocations}. */
export type RevocationListener = (event: RevocationEvent) => void;

/**
 * The in-process bus on which auth routes announce revocations, so that long-lived connections
 * (the SSE stream) re-check their caller at once instead of keeping the scope they opened with.
 * Per process: another replica learns of a change only by its own periodic re-check.
 */
export class SessionRevocations {
  readonly #listeners = new Set<RevocationListener>();

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Tells every listener, synchronously. A listener that throws does not keep the others from
   * hearing it, nor fails the request that revoked something.
   */
  emit(event: RevocationEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // Listeners only schedule re-checks; one failing must not break the revoking request.
      }
    }
  }

  /** How many listeners are subscribed (open streams), for tests and metrics. */
  get size(): number {
    return this.#listeners.size;
  }
}
