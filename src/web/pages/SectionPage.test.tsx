import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { NavigationEntry } from '../navigation.ts';
import { renderWithFakeApi } from './admin/renderWithFakeApi.tsx';
import { SectionPage } from './SectionPage.tsx';

/** An upcoming section as navigation.ts describes one (no section is upcoming right now). */
const upcomingEntry: NavigationEntry = {
  label: 'Notebooks',
  path: '/notebooks',
  summary: 'Jupyter on your clusters.',
  upcoming: {
    issue: 'Notebooks',
    features: ['Open a notebook on a running cluster.'],
    meanwhile: { caption: 'Until then:', command: 'ray job submit -- jupyter lab' },
  },
};

describe('SectionPage', () => {
  it('says a section is not built yet and teaches what will be there', async () => {
    const upcoming = upcomingEntry.upcoming;
    if (!upcoming) throw new Error('the fixture has no upcoming description');
    renderWithFakeApi(<SectionPage entry={upcomingEntry} />, { path: upcomingEntry.path });
    expect(
      await screen.findByRole('heading', { level: 2, name: upcomingEntry.label }),
    ).toBeVisible();
    expect(screen.getByText(`${upcomingEntry.label} arrive with their own issue`)).toBeVisible();
    for (const feature of upcoming.features) expect(screen.getByText(feature)).toBeVisible();
    expect(screen.getByText(/ray job submit/)).toBeVisible();
  });
});
