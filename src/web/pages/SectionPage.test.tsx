import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { navigationEntries } from '../navigation.ts';
import { renderWithFakeApi } from './admin/renderWithFakeApi.tsx';
import { SectionPage } from './SectionPage.tsx';

describe('SectionPage', () => {
  it.each(['/services'])(
    'says %s is not built yet and teaches what will be there',
    async (path) => {
      const entry = navigationEntries.find((candidate) => candidate.path === path);
      if (!entry?.upcoming) throw new Error(`${path} has no upcoming description`);
      renderWithFakeApi(<SectionPage entry={entry} />, { path });
      expect(await screen.findByRole('heading', { level: 2, name: entry.label })).toBeVisible();
      expect(screen.getByText(`${entry.label} arrive with their own issue`)).toBeVisible();
      for (const feature of entry.upcoming.features)
        expect(screen.getByText(feature)).toBeVisible();
      expect(screen.getByText(/ray job submit/)).toBeVisible();
    },
  );
});
