/** One entry of the main navigation. `path` is the route; `summary` explains the page. */
export interface NavigationEntry {
  label: string;
  path: string;
  summary: string;
}

/** The portal's sections, in the order the sidebar lists them. */
export const navigationEntries: readonly NavigationEntry[] = [
  {
    label: 'Clusters',
    path: '/clusters',
    summary: 'Your Ray clusters: status, why pending, workers, endpoints and the Ray dashboard.',
  },
  { label: 'Jobs', path: '/jobs', summary: 'Ray jobs: submit, follow logs, keep history.' },
  { label: 'Services', path: '/services', summary: 'Ray Serve applications and their health.' },
  {
    label: 'GPUs',
    path: '/gpus',
    summary: 'GPU inventory per node and product, and who holds what.',
  },
  { label: 'Templates', path: '/templates', summary: 'Governed cluster templates to pick from.' },
  {
    label: 'Admin',
    path: '/admin',
    summary: 'Teams, users, quotas, idle policy, usage and audit.',
  },
];
