import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

import { useApiClient } from '../../hooks/useApiClient.ts';
import { useStreamEvent } from '../../stream/StreamProvider.tsx';
import { useInventoryRefresh } from '../gpus/useInventoryRefresh.ts';
import type { FitState } from './TemplateCards.tsx';

/** Prefix of the availability queries (`[…, team]`); inventory events refresh them all. */
const availabilityKey = ['templates', 'availability'] as const;

/**
 * The templates users may pick (`GET /api/v1/templates`, retired ones left out) and whether
 * each fits now for `team` (`GET /api/v1/templates/availability`). Live: `templates` events
 * refetch both, `inventory` events refetch availability (throttled), never polled.
 */
export function useTemplateFit(team: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const templates = useQuery({
    queryKey: ['templates', 'list'],
    queryFn: () => client.listTemplates(),
  });
  const availability = useQuery({
    queryKey: [...availabilityKey, team],
    queryFn: () => client.templateAvailability(team),
    enabled: team !== '',
  });
  useInventoryRefresh(availabilityKey);
  useStreamEvent('templates', () => {
    void queryClient.invalidateQueries({ queryKey: ['templates'] });
  });

  const items = availability.data?.items;
  const failure = availability.error?.message;
  const fitOf = useCallback(
    (template: string): FitState => {
      if (team === '') return { kind: 'unknown', reason: 'Pick a team to see whether it fits.' };
      const found = items?.find((entry) => entry.template === template);
      if (found) return { kind: 'known', availability: found };
      if (failure) return { kind: 'unknown', reason: failure };
      return items
        ? { kind: 'unknown', reason: 'No answer for this template.' }
        : { kind: 'loading' };
    },
    [items, failure, team],
  );
  return {
    templates: templates.data?.items.filter((template) => !template.retired),
    templatesError: templates.error,
    templatesPending: templates.isPending,
    fitOf,
  };
}
