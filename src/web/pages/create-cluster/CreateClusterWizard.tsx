import { Alert, Anchor, Box, Button, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';

import type { FieldError } from '../../../shared/api/apiErrorBody.ts';
import type { Template } from '../../../shared/api/templateSchemas.ts';
import { ApiError } from '../../../shared/client/ApiError.ts';
import { TeamQuotaMeters } from '../../components/TeamQuotaMeters.tsx';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { accessibleColors, accessibleColorScope } from '../gpus/accessibleColors.ts';
import {
  type ClusterDraft,
  draftFromTemplate,
  draftToRequest,
  type FieldErrors,
  retargetDraft,
  validateDraft,
} from './clusterDraft.ts';
import { newIdempotencyKey } from './newIdempotencyKey.ts';
import { manifestPathOfField, serverFieldErrors } from './serverFieldErrors.ts';
import { ShapeForm } from './ShapeForm.tsx';
import { type FitState, TemplateCards, TemplateCardsSkeleton } from './TemplateCards.tsx';
import { fitDetail, templateGpuName } from './templateShape.ts';
import { useTeamChoices } from './useTeamChoices.ts';
import { useTemplateFit } from './useTemplateFit.ts';
import { YamlPreview } from './YamlPreview.tsx';

/** The wizard's steps: pick a template, shape the cluster, review the YAML and create. */
type Step = 0 | 1 | 2;

/** A failed preview or create, shown above the step as the server said it. */
interface Failure {
  action: 'preview' | 'create';
  message: string;
}

function pathCovered(path: string, edited: readonly string[]): boolean {
  return edited.some((entry) =>
    entry.endsWith('*') ? path.startsWith(entry.slice(0, -1)) : entry === path,
  );
}

/**
 * The create-cluster wizard (`/clusters/new`, loaded on first visit by `CreateClusterPage`).
 * Step 1 picks a template (cards saying whether it fits now), step 2 shapes the cluster with
 * inline validation that mirrors the server's, step 3 shows the server's dry-run YAML.
 * "Create cluster" posts once per attempt with an `Idempotency-Key`, so a double click or a
 * retry never makes two clusters, then opens the new cluster's page. Server field errors land
 * on their inputs and against the YAML. `?template=<name>` starts at step 2 with it.
 */
export function CreateClusterWizard() {
  const client = useApiClient();
  const navigate = useNavigate();
  const { user } = useSession();
  const [searchParams] = useSearchParams();
  const requestedTemplate = searchParams.get('template') ?? undefined;
  const { teams, defaultTeam } = useTeamChoices();

  const [step, setStep] = useState<Step>(requestedTemplate ? 1 : 0);
  const [selected, setSelected] = useState<string | undefined>(requestedTemplate);
  const [editedDraft, setEditedDraft] = useState<ClusterDraft | undefined>(undefined);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAllErrors, setShowAllErrors] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [manifestErrors, setManifestErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [preview, setPreview] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<'preview' | 'create' | undefined>(undefined);
  /** The create attempt in flight or last failed: its key is reused while its body is the same. */
  const attempt = useRef<{ key: string; body: string } | undefined>(undefined);
  const running = useRef(false);
  const content = useRef<HTMLDivElement>(null);
  const shownStep = useRef(step);

  // Moving to another step puts the keyboard focus on its first field, not on the lost element.
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    content.current
      ?.querySelector<HTMLElement>('input:not([type=hidden]), textarea, [role=radio][tabindex="0"]')
      ?.focus();
  }, [step]);

  const team = editedDraft?.team ?? defaultTeam;
  const { templates, templatesError, templatesPending, fitOf } = useTemplateFit(team);
  const template = templates?.find((candidate) => candidate.name === selected);
  const startingDraft = useMemo(
    () => (template ? draftFromTemplate(template, defaultTeam) : undefined),
    [template, defaultTeam],
  );
  const draft = editedDraft ?? startingDraft;
  const clientErrors = useMemo(
    () => (draft && template ? validateDraft(draft, template) : {}),
    [draft, template],
  );

  const errorOf = (path: string): string | undefined =>
    serverErrors[path] ?? (showAllErrors || touched.has(path) ? clientErrors[path] : undefined);

  const changeDraft = (next: ClusterDraft, paths: string[]) => {
    setEditedDraft(next);
    if (paths.length === 0) return;
    setTouched((current) => new Set([...current, ...paths.filter((p) => !p.endsWith('*'))]));
    setServerErrors((current) =>
      Object.fromEntries(Object.entries(current).filter(([path]) => !pathCovered(path, paths))),
    );
  };

  const selectTemplate = (name: string, advance: boolean) => {
    const next = templates?.find((candidate) => candidate.name === name);
    if (!next) return;
    if (name !== selected) {
      setSelected(name);
      setEditedDraft((current) => (current ? retargetDraft(current, next) : undefined));
      setPreview(undefined);
      setServerErrors(({ 'body.template': _dropped, ...rest }) => rest);
    }
    if (advance) setStep(1);
  };

  const showFailure = (error: unknown, action: Failure['action']) => {
    if (error instanceof ApiError) {
      const { inputs, manifest } = serverFieldErrors(error.fields);
      setServerErrors(inputs);
      setManifestErrors(manifest);
      setFailure({ action, message: error.message });
    } else {
      setServerErrors({});
      setManifestErrors([]);
      setFailure({ action, message: (error as Error).message });
    }
  };

  /**
   * Runs one request at a time, and only once the inline checks pass; otherwise shows every
   * inline error on the shape step. A failure is shown as the server said it.
   */
  const guarded = async (action: Failure['action'], run: () => Promise<void>): Promise<void> => {
    if (running.current || !draft || !template) return;
    if (Object.keys(clientErrors).length > 0) {
      setShowAllErrors(true);
      setStep(1);
      // Once the errors render, take the keyboard to the first field that has one.
      requestAnimationFrame(() =>
        content.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    running.current = true;
    setBusy(action);
    setFailure(undefined);
    try {
      await run();
    } catch (error) {
      showFailure(error, action);
    } finally {
      running.current = false;
      setBusy(undefined);
    }
  };

  const runPreview = () =>
    guarded('preview', async () => {
      if (!draft || !template) return;
      const answer = await client.previewCluster(draftToRequest(draft, template.name));
      setPreview(answer.yaml);
      setServerErrors({});
      setManifestErrors([]);
      setStep(2);
    });

  const runCreate = () =>
    guarded('create', async () => {
      if (!draft || !template) return;
      const request = draftToRequest(draft, template.name);
      const body = JSON.stringify(request);
      if (attempt.current?.body !== body) attempt.current = { key: newIdempotencyKey(), body };
      await client.createCluster(request, attempt.current.key);
      navigate(`/clusters/${encodeURIComponent(request.team)}/${encodeURIComponent(request.name)}`);
    });

  // Server errors on request fields are also shown against the YAML, where they land.
  const yamlErrors = [
    ...manifestErrors,
    ...Object.entries(serverErrors).flatMap(([path, message]) => {
      const place = manifestPathOfField(path);
      return place ? [{ path: place, message }] : [];
    }),
  ];

  const goTo = (target: number) => {
    if (target === 2) void runPreview();
    else if (target === 1 && template) setStep(1);
    else if (target === 0) setStep(0);
  };
  const onStepperKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const buttons = [
      ...event.currentTarget.querySelectorAll<HTMLButtonElement>('[data-wizard-step]'),
    ].filter((button) => button.tabIndex >= 0);
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next =
      buttons[(at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length];
    next?.focus();
  };

  const summary = template && draft ? reviewSummary(template, draft) : '';

  return (
    <Stack gap="lg" style={accessibleColorScope}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>New cluster</Title>
          <Text c={accessibleColors.muted}>
            Pick a template, shape the cluster, check the YAML and create it.
          </Text>
        </div>
        <Button component={Link} to="/clusters" variant="default">
          Cancel
        </Button>
      </Group>

      {user?.role === 'viewer' && (
        <Alert color="yellow" title="Read-only account">
          Viewers cannot create clusters; the server will refuse. Ask an admin for the member role.
        </Alert>
      )}

      <nav aria-label="Wizard steps">
        <Stepper
          active={step}
          onStepClick={goTo}
          allowNextStepsSelect={false}
          size="sm"
          onKeyDown={onStepperKeyDown}
        >
          <Stepper.Step
            label="Template"
            description={template?.name ?? 'GPU type and size'}
            data-wizard-step
            aria-current={step === 0 ? 'step' : undefined}
            allowStepSelect
          />
          <Stepper.Step
            label="Shape"
            description={draft?.name || 'Name, team, workers'}
            data-wizard-step
            aria-current={step === 1 ? 'step' : undefined}
            allowStepSelect={template !== undefined}
          />
          <Stepper.Step
            label="Review"
            description="YAML, then create"
            data-wizard-step
            aria-current={step === 2 ? 'step' : undefined}
            allowStepSelect={template !== undefined}
            loading={busy === 'preview'}
          />
        </Stepper>
      </nav>

      {failure && (
        <Alert
          color="red"
          role="alert"
          title={failure.action === 'create' ? 'The cluster was not created' : 'Preview failed'}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setFailure(undefined)}
        >
          <Text size="sm">{failure.message}</Text>
          {step === 2 && Object.keys(serverErrors).length > 0 && (
            <Anchor component="button" type="button" size="sm" onClick={() => setStep(1)}>
              Fix it in the shape step
            </Anchor>
          )}
        </Alert>
      )}

      <Box ref={content}>
        {step === 0 &&
          (templatesPending ? (
            <TemplateCardsSkeleton />
          ) : templatesError ? (
            <Alert color="red" title="Could not load templates">
              {templatesError.message}
            </Alert>
          ) : (
            <Stack gap="md">
              <TeamQuotaMeters team={team} />
              <TemplateCards
                templates={templates ?? []}
                fitOf={fitOf}
                team={team}
                selected={selected}
                onSelect={selectTemplate}
                error={serverErrors['body.template']}
              />
              {template && (
                <Group justify="flex-end">
                  <Button onClick={() => setStep(1)}>Continue with {template.name}</Button>
                </Group>
              )}
            </Stack>
          ))}

        {step === 1 &&
          (template && draft ? (
            <Stack gap="md">
              <FitLine fit={fitOf(template.name)} template={template} team={draft.team} />
              <ShapeForm
                template={template}
                draft={draft}
                onChange={changeDraft}
                errorOf={errorOf}
                teams={teams}
                busy={busy}
                onPreview={() => void runPreview()}
                onCreate={() => void runCreate()}
                onBack={() => setStep(0)}
              />
            </Stack>
          ) : templatesPending ? (
            <TemplateCardsSkeleton />
          ) : (
            <Alert color="yellow" title="Pick a template first">
              {selected ? `There is no template "${selected}". ` : ''}
              <Anchor component="button" type="button" onClick={() => setStep(0)}>
                Choose a template
              </Anchor>
            </Alert>
          ))}

        {step === 2 && (
          <YamlPreview
            yaml={preview}
            errors={yamlErrors}
            summary={summary}
            busy={busy}
            onBack={() => setStep(1)}
            onPreview={() => void runPreview()}
            onCreate={() => void runCreate()}
          />
        )}
      </Box>
    </Stack>
  );
}

/** One line saying what will be created, e.g. "demo in team-a: rtx4090-1, 2 workers, 2× …". */
function reviewSummary(template: Template, draft: ClusterDraft): string {
  const workers = draft.workerGroups.reduce(
    (sum, group) => sum + (typeof group.replicas === 'number' ? group.replicas : 0),
    0,
  );
  const gpus = workers * template.worker.gpu;
  const what = [
    template.name,
    `${workers} worker${workers === 1 ? '' : 's'}`,
    gpus > 0 ? `${gpus}× ${templateGpuName(template)}` : 'CPU only',
    `exposed as ${draft.exposure}`,
  ];
  return `${draft.name || 'unnamed'} in ${draft.team || 'no team'}: ${what.join(', ')}`;
}

/** The chosen template and whether it fits now for the team picked in the form. */
function FitLine({ fit, template, team }: { fit: FitState; template: Template; team: string }) {
  const verdict =
    fit.kind === 'known'
      ? `${fit.availability.fits ? 'Fits now' : 'Does not fit now'} in ${team}`
      : '';
  const text =
    fit.kind === 'known'
      ? `${verdict}: ${fitDetail(template, fit.availability)}`
      : fit.kind === 'unknown'
        ? fit.reason
        : 'Checking free GPUs and quota…';
  return (
    <Text size="sm" c={accessibleColors.muted} aria-live="polite">
      Template{' '}
      <Text span fw={600} inherit>
        {template.name}
      </Text>
      . {text}
    </Text>
  );
}
