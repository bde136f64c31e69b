/** Who makes a request: from the bearer token, or from impersonation headers. */
export interface UserInfo {
  username: string;
  groups: readonly string[];
  /** The ServiceAccount's uid, for ServiceAccount tokens. */
  uid?: string;
  /** Extra attributes, e.g. `authentication.kubernetes.io/credential-id` of a bound token. */
  extra?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The identity of the sandbox's own token (and of requests without credentials when no token is
 * configured): a cluster admin, as `kubectl` with an admin kubeconfig is.
 */
export const sandboxAdmin: UserInfo = {
  username: 'sandbox-admin',
  groups: ['system:masters', 'system:authenticated'],
};
