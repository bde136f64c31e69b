import {
  Anchor,
  Badge,
  EmptyState,
  Group,
  Radio,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
} from '@mantine/core';
import { IconTemplate } from '@tabler/icons-react';
import { type KeyboardEvent, useRef } from 'react';
import { Link } from 'react-router-dom';

import type { Template, TemplateAvailability } from '../../../shared/api/templateSchemas.ts';
import { accessibleColors } from '../gpus/accessibleColors.ts';
import { fitDetail, templateShapeLines } from './templateShape.ts';

/** What the cards know about a template's fit: loading, an answer, or why there is none. */
export type FitState =
  | { kind: 'loading' }
  | { kind: 'known'; availability: TemplateAvailability }
  | { kind: 'unknown'; reason: string };

/** Props of {@link TemplateCards}. */
export interface TemplateCardsProps {
  templates: readonly Template[];
  /** Fit of each template by name, for the wizard's team. */
  fitOf: (template: string) => FitState;
  /** The team the fit is judged for; shown above the cards. */
  team: string;
  selected: string | undefined;
  /** `advance` is true for a click or Enter, false for arrow keys moving the choice. */
  onSelect: (template: string, advance: boolean) => void;
  /** A server error for `body.template`, shown under the cards. */
  error?: string | undefined;
}

function FitBadge({ fit, id }: { fit: FitState; id: string }) {
  if (fit.kind === 'loading') return <Skeleton h={20} w={90} radius="xl" id={id} />;
  if (fit.kind === 'unknown') {
    return (
      <Badge color="gray" variant="dot" id={id} style={{ flexShrink: 0 }}>
        Fit unknown
      </Badge>
    );
  }
  const fits = fit.availability.fits;
  return (
    <Badge color={fits ? 'teal' : 'orange'} variant="dot" id={id} style={{ flexShrink: 0 }}>
      {fits ? 'Fits now' : 'Does not fit now'}
    </Badge>
  );
}

function fitText(template: Template, fit: FitState): string | undefined {
  if (fit.kind === 'known') return fitDetail(template, fit.availability);
  if (fit.kind === 'unknown') return fit.reason;
  return undefined;
}

/**
 * Step 1: one radio-like card per template (accessible name = the template's name) with its
 * description, shape and whether it fits now for the team. Arrow keys move the choice between
 * cards (one tab stop for the group); a click, Enter or Space picks a card and moves on.
 */
export function TemplateCards({
  templates,
  fitOf,
  team,
  selected,
  onSelect,
  error,
}: TemplateCardsProps) {
  const cards = useRef<(HTMLButtonElement | null)[]>([]);
  const focusIndex = Math.max(
    0,
    templates.findIndex((template) => template.name === selected),
  );

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      const next = (index + step + templates.length) % templates.length;
      const template = templates[next];
      if (!template) return;
      cards.current[next]?.focus();
      onSelect(template.name, false);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      const next = event.key === 'Home' ? 0 : templates.length - 1;
      const template = templates[next];
      if (!template) return;
      cards.current[next]?.focus();
      onSelect(template.name, false);
    }
  };

  if (templates.length === 0) {
    return (
      <EmptyState
        icon={<IconTemplate size={28} stroke={1.5} aria-hidden />}
        title="No templates to pick from yet"
        align="left"
      >
        <Text size="sm">
          Clusters are created from templates an admin defines (GPU type, CPU, memory, worker
          limits).{' '}
          <Anchor component={Link} to="/templates">
            Open Templates
          </Anchor>{' '}
          to create one, or ask your admin.
        </Text>
      </EmptyState>
    );
  }

  return (
    <Stack gap="sm">
      <Text size="sm" c={accessibleColors.muted} id="template-cards-hint">
        Whether each template fits now counts free GPUs of its type and the quota of team{' '}
        <Text span fw={600} inherit>
          {team || 'none picked'}
        </Text>
        . A template that does not fit can still be created; it waits until GPUs free up.
      </Text>
      <SimpleGrid
        cols={{ base: 1, sm: 2, lg: 3 }}
        role="radiogroup"
        aria-label="Template"
        aria-describedby="template-cards-hint"
      >
        {templates.map((template, index) => {
          const fit = fitOf(template.name);
          const detail = fitText(template, fit);
          const id = `template-${template.name}`;
          return (
            <Radio.Card
              key={template.name}
              ref={(element) => {
                cards.current[index] = element;
              }}
              checked={template.name === selected}
              value={template.name}
              tabIndex={index === focusIndex ? 0 : -1}
              aria-labelledby={`${id}-name`}
              aria-describedby={`${id}-badge ${id}-description ${id}-fit`}
              onClick={() => onSelect(template.name, true)}
              onKeyDown={(event) => onKeyDown(event, index)}
              p="md"
              radius="md"
              h="100%"
            >
              <Stack gap="xs" h="100%">
                <Group justify="space-between" align="flex-start" gap="xs">
                  <Group gap="xs" wrap="nowrap">
                    <Radio.Indicator aria-hidden />
                    <Text fw={700} id={`${id}-name`} style={{ whiteSpace: 'nowrap' }}>
                      {template.name}
                    </Text>
                  </Group>
                  <FitBadge fit={fit} id={`${id}-badge`} />
                </Group>
                <Text size="sm" id={`${id}-description`}>
                  {template.description}
                </Text>
                <Stack gap={2}>
                  {templateShapeLines(template).map((line) => (
                    <Group key={line.label} gap={6} wrap="nowrap" align="baseline">
                      <Text
                        size="xs"
                        c={accessibleColors.muted}
                        w={64}
                        fw={600}
                        style={{ flexShrink: 0 }}
                      >
                        {line.label}
                      </Text>
                      <Text size="sm">{line.value}</Text>
                    </Group>
                  ))}
                </Stack>
                <Text
                  size="sm"
                  mt="auto"
                  id={`${id}-fit`}
                  c={
                    fit.kind === 'known' && !fit.availability.fits
                      ? undefined
                      : accessibleColors.muted
                  }
                  fw={fit.kind === 'known' && !fit.availability.fits ? 500 : undefined}
                >
                  {detail ?? 'Checking free GPUs and quota…'}
                </Text>
              </Stack>
            </Radio.Card>
          );
        })}
      </SimpleGrid>
      {error && (
        <Text c="var(--mantine-color-error)" size="sm" role="alert">
          Template: {error}
        </Text>
      )}
    </Stack>
  );
}

/** Skeleton cards while templates load. */
export function TemplateCardsSkeleton() {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} aria-busy="true" aria-label="Loading templates">
      {[0, 1, 2].map((index) => (
        <Skeleton key={index} h={210} radius="md" />
      ))}
    </SimpleGrid>
  );
}
