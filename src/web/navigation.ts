/** What a section that has not landed yet will hold, so its page can teach before it works. */
export interface UpcomingSection {
  /** The issue that brings the section, as people call it. */
  issue: string;
  /** What the section will let you do, one short sentence each. */
  features: readonly string[];
  /** A command line that already works today for the same need, with its caption. */
  meanwhile: { caption: string; command: string };
}

/** One entry of the main navigation. `path` is the route; `summary` explains the page. */
export interface NavigationEntry {
  label: string;
  path: string;
  summary: string;
  /** Shown only to admins; the server refuses the page's calls for everyone else anyway. */
  adminOnly?: boolean;
  /** Set while the section is not built yet: its page describes what is coming. */
  upcoming?: UpcomingSection;
}

/** The portal's sections, in the order the sidebar lists them. */
export const navigationEntries: readonly NavigationEntry[] = [
  {
    label: 'Clusters',
    path: '/clusters',
    summary: 'Your Ray clusters: status, why pending, workers, endpoints and the Ray dashboard.',
  },
  {
    label: 'Jobs',
    path: '/jobs',
    summary:
      'Ray jobs: submit, follow logs live, and keep their history after the cluster is gone.',
  },
  {
    label: 'Services',
    path: '/services',
    summary:
      'Ray Serve on RayServices: deploy from a template, see apps and endpoints, upgrade without downtime.',
  },
  {
    label: 'GPUs',
    path: '/gpus',
    summary: 'GPU inventory per node and product, and who holds what.',
  },
  {
    label: 'Usage',
    path: '/usage',
    summary: 'GPU-hours per team, user and cluster, idle GPU-hours, and a CSV export.',
  },
  { label: 'Templates', path: '/templates', summary: 'Governed cluster templates to pick from.' },
  {
    label: 'Admin',
    path: '/admin',
    summary: 'Users, teams and the audit log.',
    adminOnly: true,
  },
];
