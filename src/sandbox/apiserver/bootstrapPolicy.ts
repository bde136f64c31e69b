/** One RBAC policy rule, as in a Role or ClusterRole. */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A subject of a RoleBinding or ClusterRoleBinding. */
export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** A ClusterRoleBinding of the default policy: one ClusterRole granted to groups. */
export interface BootstrapBinding {
  name: string;
  clusterRole: string;
  subjects: RbacSubject[];
}

const group = (name: string): RbacSubject => ({
  kind: 'Group',
  apiGroup: 'rbac.authorization.k8s.io',
  name,
});

const healthUrls = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

/**
 * The part of Kubernetes' bootstrap RBAC policy that decides what any authenticated client may
 * do on a fresh cluster: `system:masters` is cluster-admin; every authenticated user may read
 * discovery and health (`system:discovery`, `system:public-info-viewer`) and ask what it may do
 * (`system:basic-user`). The sandbox does not store these objects; the authorizer consults them
 * after the stored ones, and a stored ClusterRole of the same name takes precedence.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings
 */
export const bootstrapPolicy: {
  clusterRoles: ReadonlyMap<string, readonly PolicyRule[]>;
  clusterRoleBindings: readonly BootstrapBinding[];
} = {
  clusterRoles: new Map<string, PolicyRule[]>([
    [
      'cluster-admin',
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    ],
    [
      'system:discovery',
      [
        {
          nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*'].concat(
            healthUrls,
          ),
          verbs: ['get'],
        },
      ],
    ],
    [
      'system:basic-user',
      [
        {
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
          verbs: ['create'],
        },
        {
          apiGroups: ['authentication.k8s.io'],
          resources: ['selfsubjectreviews'],
          verbs: ['create'],
        },
      ],
    ],
    ['system:public-info-viewer', [{ nonResourceURLs: healthUrls, verbs: ['get'] }]],
  ]),
  clusterRoleBindings: [
    { name: 'cluster-admin', clusterRole: 'cluster-admin', subjects: [group('system:masters')] },
    {
      name: 'system:discovery',
      clusterRole: 'system:discovery',
      subjects: [group('system:authenticated')],
    },
    {
      name: 'system:basic-user',
      clusterRole: 'system:basic-user',
      subjects: [group('system:authenticated')],
    },
    {
      name: 'system:public-info-viewer',
      clusterRole: 'system:public-info-viewer',
      subjects: [group('system:authenticated'), group('system:unauthenticated')],
    },
  ],
};
