import { CloseButton, Group, NativeSelect, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

import { clusterPhases } from '../../../shared/ray/clusterPhase.ts';
import type { FilterOption } from './clusterFilterOptions.ts';

/** The phase filter's options: every phase of the shared model, in lifecycle order. */
const phaseOptions = [
  { value: '', label: 'All phases' },
  ...clusterPhases.map((phase) => ({ value: phase, label: phase })),
];

/** Props of {@link ClusterFilters}: the current choices, their options and change handlers. */
export interface ClusterFiltersProps {
  team: string;
  phase: string;
  gpuType: string;
  search: string;
  teams: readonly FilterOption[];
  gpuTypes: readonly FilterOption[];
  onChange: (change: Partial<{ team: string; phase: string; gpuType: string }>) => void;
  onSearch: (text: string) => void;
}

/**
 * The list's filter bar: team, phase and GPU type selects (native selects: keyboard and
 * screen-reader friendly everywhere) and the "Search clusters" box. Labels avoid a bare "Team",
 * which names the frame's team switcher.
 */
export function ClusterFilters(props: ClusterFiltersProps) {
  const { team, phase, gpuType, search, teams, gpuTypes, onChange, onSearch } = props;
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <NativeSelect
        label="Filter by team"
        value={team}
        onChange={(event) => onChange({ team: event.currentTarget.value })}
        data={[{ value: '', label: 'All teams' }, ...teams]}
        w={170}
      />
      <NativeSelect
        label="Filter by phase"
        value={phase}
        onChange={(event) => onChange({ phase: event.currentTarget.value })}
        data={phaseOptions}
        w={150}
      />
      <NativeSelect
        label="Filter by GPU type"
        value={gpuType}
        onChange={(event) => onChange({ gpuType: event.currentTarget.value })}
        data={[{ value: '', label: 'Any GPU type' }, ...gpuTypes]}
        w={200}
      />
      <TextInput
        label="Search clusters"
        placeholder="Name, team, owner or template"
        value={search}
        onChange={(event) => onSearch(event.currentTarget.value)}
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={
          search ? <CloseButton aria-label="Clear search" onClick={() => onSearch('')} /> : null
        }
        style={{ flex: '1 1 200px' }}
        miw={200}
        maw={360}
      />
    </Group>
  );
}
