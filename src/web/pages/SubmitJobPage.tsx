import {
  Alert,
  Anchor,
  Button,
  FileInput,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconFolder, IconSend } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';

import {
  type CatalogEntry,
  type JobDetail,
  jobRequestLimits,
  type RuntimeEnvInput,
  type SubmitRayJobRequest,
  type SubmitToClusterRequest,
} from '../../shared/api/jobSchemas.ts';
import { useApiClient } from '../hooks/useApiClient.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { CatalogCards } from './jobs/CatalogCards.tsx';
import { jobPath } from './jobs/formatJob.ts';
import {
  envLines,
  type JobFieldErrors,
  jobFieldErrors,
  parseEnvLines,
} from './jobs/jobFormErrors.ts';
import { PickField, RuntimeEnvFields } from './jobs/JobFormFields.tsx';
import { zipFolder } from './jobs/zipFolder.ts';

type TabName = 'catalog' | 'cluster' | 'rayjob';

function isTab(value: string | null): value is TabName {
  return value === 'catalog' || value === 'cluster' || value === 'rayjob';
}

/** A failed submit: the server's message, always shown; its field errors go next to the fields. */
function SubmitError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title="Not submitted" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}

/** The team's running clusters, for a job or a catalog run on one of them. */
function useReadyClusters(team: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: ['clusters', 'ready-for-jobs', team],
    queryFn: () => client.listClusters({ ...(team ? { team } : {}), phase: 'Ready', limit: 200 }),
    enabled: !!team,
  });
}

/** The team's templates with whether each fits now. */
function useTemplateChoices(team: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: ['templates', 'availability', team],
    queryFn: () => client.templateAvailability(team ?? ''),
    enabled: !!team,
  });
}

function useOpenJob() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (job: JobDetail) => {
    void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    navigate(jobPath(job.summary));
  };
}

function CatalogTab({ team }: { team: string | undefined }) {
  const client = useApiClient();
  const open = useOpenJob();
  const catalog = useQuery({ queryKey: ['catalog'], queryFn: () => client.listCatalog() });
  const templates = useTemplateChoices(team);
  const clusters = useReadyClusters(team);
  const [target, setTarget] = useState<'template' | 'cluster'>('template');
  const [template, setTemplate] = useState<string | null>(null);
  const [cluster, setCluster] = useState<string | null>(null);
  const [running, setRunning] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const errors = jobFieldErrors(error);

  const run = async (entry: CatalogEntry) => {
    if (!team) return;
    setRunning(entry.id);
    setError(undefined);
    try {
      const job = await client.submitCatalogJob({
        team,
        catalogId: entry.id,
        ...(target === 'template' && template ? { template } : {}),
        ...(target === 'cluster' && cluster ? { cluster } : {}),
      });
      open(job);
    } catch (caught) {
      setError(caught);
    } finally {
      setRunning(undefined);
    }
  };
  const disabledReason = !team
    ? 'You are in no team'
    : target === 'template' && !template
      ? 'Pick a template to run it on'
      : target === 'cluster' && !cluster
        ? 'Pick a running cluster to run it on'
        : undefined;

  return (
    <Stack gap="md">
      <Group align="flex-end" gap="md" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="catalog-target-label">
            Run on
          </Text>
          <SegmentedControl
            aria-labelledby="catalog-target-label"
            value={target}
            onChange={(value) => setTarget(value === 'cluster' ? 'cluster' : 'template')}
            data={[
              { value: 'template', label: 'A new cluster (RayJob)' },
              { value: 'cluster', label: 'A running cluster' },
            ]}
          />
        </Stack>
        {target === 'template' ? (
          <PickField
            label="Template"
            placeholder="Pick a template"
            data={(templates.data?.items ?? []).map((item) => ({
              value: item.template,
              label: `${item.template}${item.fits ? '' : ' (does not fit now)'}`,
            }))}
            value={template}
            onChange={setTemplate}
            error={errors['template'] ?? templates.error?.message}
            w={280}
          />
        ) : (
          <PickField
            label="Cluster"
            placeholder="Pick a running cluster"
            data={(clusters.data?.items ?? []).map((item) => item.name)}
            value={cluster}
            onChange={setCluster}
            error={errors['cluster'] ?? clusters.error?.message}
            w={280}
          />
        )}
      </Group>
      <SubmitError error={error} />
      <CatalogCards
        entries={catalog.data?.items}
        loading={catalog.isPending}
        error={catalog.error}
        onRun={(entry) => void run(entry)}
        disabledReason={disabledReason}
        running={running}
      />
    </Stack>
  );
}

/** Reads the picked zip, or zips the picked folder; undefined when neither was picked. */
async function workingDirBytes(
  zip: File | null,
  folder: readonly File[],
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (zip) return new Uint8Array(await zip.arrayBuffer());
  if (folder.length) return zipFolder(folder);
  return undefined;
}

/** The runtime env a form asks for, without the parts left empty. */
function runtimeEnvOf(
  workingDir: string | undefined,
  pip: string[],
  envVars: Record<string, string>,
): RuntimeEnvInput {
  return {
    ...(workingDir ? { workingDir } : {}),
    ...(pip.length ? { pip } : {}),
    ...(Object.keys(envVars).length ? { envVars } : {}),
  };
}

/** The job's shell command, in a monospaced box, limited as the server limits it. */
function EntrypointField(props: {
  description: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  return (
    <Textarea
      label="Entrypoint"
      description={props.description}
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error}
      maxLength={jobRequestLimits.entrypointMaxLength}
      required
      rows={2}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
    />
  );
}

function ClusterJobForm({
  team,
  initial,
  initialCluster,
}: {
  team: string | undefined;
  initial?: SubmitToClusterRequest | undefined;
  initialCluster?: string | undefined;
}) {
  const client = useApiClient();
  const open = useOpenJob();
  const clusters = useReadyClusters(team);
  const [cluster, setCluster] = useState<string | null>(initial?.cluster ?? initialCluster ?? null);
  const [entrypoint, setEntrypoint] = useState(initial?.entrypoint ?? '');
  const [submissionId, setSubmissionId] = useState('');
  const [pip, setPip] = useState<string[]>(initial?.runtimeEnv?.pip ?? []);
  const [envText, setEnvText] = useState(envLines(initial?.runtimeEnv?.envVars));
  const [keptWorkingDir] = useState(initial?.runtimeEnv?.workingDir);
  const [zip, setZip] = useState<File | null>(null);
  const [folder, setFolder] = useState<File[]>([]);
  const [numCpus, setNumCpus] = useState<number | string>(
    initial?.entrypointResources?.numCpus ?? '',
  );
  const [numGpus, setNumGpus] = useState<number | string>(
    initial?.entrypointResources?.numGpus ?? '',
  );
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not in React's input attributes: the browser's folder picker is switched on by hand.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const errors: JobFieldErrors = jobFieldErrors(error);
  const env = parseEnvLines(envText);

  const submit = async () => {
    if (!team || !cluster || env.bad) return;
    setError(undefined);
    try {
      let workingDir = zip || folder.length ? undefined : keptWorkingDir;
      const bytes = await workingDirBytes(zip, folder);
      if (bytes) {
        setBusy('Uploading the working dir…');
        workingDir = (await client.uploadPackage(team, cluster, bytes)).uri;
      }
      setBusy('Submitting…');
      const runtimeEnv = runtimeEnvOf(workingDir, pip, env.vars);
      const resources = {
        ...(typeof numCpus === 'number' ? { numCpus } : {}),
        ...(typeof numGpus === 'number' ? { numGpus } : {}),
      };
      const job = await client.submitJob({
        team,
        cluster,
        entrypoint,
        ...(submissionId.trim() ? { submissionId: submissionId.trim() } : {}),
        ...(Object.keys(runtimeEnv).length ? { runtimeEnv } : {}),
        ...(Object.keys(resources).length ? { entrypointResources: resources } : {}),
        ...(initial?.metadata ? { metadata: initial.metadata } : {}),
      });
      open(job);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      aria-label="Submit to a running cluster"
    >
      <Stack gap="sm" maw={720}>
        <PickField
          label="Cluster"
          placeholder="Pick a running cluster"
          data={(clusters.data?.items ?? []).map((item) => item.name)}
          value={cluster}
          onChange={setCluster}
          error={errors['cluster'] ?? clusters.error?.message}
          required
        />
        <EntrypointField
          description="The shell command Ray runs in the working dir, e.g. python train.py --epochs 3"
          value={entrypoint}
          onChange={setEntrypoint}
          error={errors['entrypoint']}
        />
        <Group align="flex-end" gap="sm" wrap="wrap">
          <FileInput
            label="Working dir (zip)"
            description="Uploaded to the cluster's head as Ray does it."
            placeholder="Pick a .zip"
            accept=".zip,application/zip"
            value={zip}
            onChange={(file) => {
              setZip(file);
              setFolder([]);
            }}
            error={errors['runtimeEnv.workingDir']}
            w={280}
          />
          <Button
            variant="default"
            leftSection={<IconFolder size={16} aria-hidden />}
            onClick={() => folderInput.current?.click()}
          >
            Pick a folder
          </Button>
          <input
            ref={folderInput}
            type="file"
            multiple
            hidden
            aria-label="Working dir folder"
            onChange={(event) => {
              setFolder([...(event.currentTarget.files ?? [])]);
              setZip(null);
            }}
          />
        </Group>
        {folder.length > 0 && (
          <Text size="xs">
            Folder with {folder.length} files; it is zipped in the browser and uploaded.
          </Text>
        )}
        {keptWorkingDir && !zip && folder.length === 0 && (
          <Text size="xs" c="dimmed">
            Keeps the working dir of the job resubmitted: {keptWorkingDir}
          </Text>
        )}
        <RuntimeEnvFields
          pip={pip}
          onPip={setPip}
          envText={envText}
          onEnvText={setEnvText}
          errors={errors}
          envLineError={env.bad}
        />
        <Group gap="sm" wrap="wrap">
          <NumberInput
            label="Entrypoint CPUs"
            value={numCpus}
            onChange={setNumCpus}
            min={0}
            max={1024}
            error={errors['entrypointResources.numCpus']}
            w={160}
          />
          <NumberInput
            label="Entrypoint GPUs"
            value={numGpus}
            onChange={setNumGpus}
            min={0}
            max={64}
            error={errors['entrypointResources.numGpus']}
            w={160}
          />
          <TextInput
            label="Submission id"
            description="Optional; Ray makes one when empty."
            value={submissionId}
            onChange={(event) => setSubmissionId(event.currentTarget.value)}
            error={errors['submissionId']}
            maxLength={jobRequestLimits.submissionIdMaxLength}
            w={260}
          />
        </Group>
        <SubmitError error={error} />
        <Group>
          <Button
            type="submit"
            leftSection={<IconSend size={16} aria-hidden />}
            loading={busy !== undefined}
            disabled={!team || !cluster || !entrypoint.trim()}
          >
            Submit job
          </Button>
          {busy && <Text size="sm">{busy}</Text>}
        </Group>
      </Stack>
    </form>
  );
}

function optionalInteger(value: number | string): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : undefined;
}

function RayJobForm({
  team,
  initial,
}: {
  team: string | undefined;
  initial?: SubmitRayJobRequest | undefined;
}) {
  const client = useApiClient();
  const open = useOpenJob();
  const templates = useTemplateChoices(team);
  const [name, setName] = useState(initial ? `${initial.name}-2`.slice(0, 47) : '');
  const [template, setTemplate] = useState<string | null>(initial?.cluster.template ?? null);
  const [entrypoint, setEntrypoint] = useState(initial?.entrypoint ?? '');
  const [workingDir, setWorkingDir] = useState(initial?.runtimeEnv?.workingDir ?? '');
  const [pip, setPip] = useState<string[]>(initial?.runtimeEnv?.pip ?? []);
  const [envText, setEnvText] = useState(envLines(initial?.runtimeEnv?.envVars));
  const [shutdown, setShutdown] = useState(initial?.shutdownAfterJobFinishes ?? true);
  const [ttl, setTtl] = useState<number | string>(initial?.ttlSecondsAfterFinished ?? 60);
  const [deadline, setDeadline] = useState<number | string>(initial?.activeDeadlineSeconds ?? '');
  const [backoff, setBackoff] = useState<number | string>(initial?.backoffLimit ?? 0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const errors = jobFieldErrors(error);
  const env = parseEnvLines(envText);

  const submit = async () => {
    if (!team || !template || env.bad) return;
    setBusy(true);
    setError(undefined);
    try {
      const runtimeEnv = runtimeEnvOf(workingDir.trim(), pip, env.vars);
      const ttlSeconds = optionalInteger(ttl);
      const deadlineSeconds = optionalInteger(deadline);
      const retries = optionalInteger(backoff);
      const job = await client.submitRayJob({
        ...(initial ?? {}),
        team,
        name: name.trim(),
        cluster: { ...(initial?.cluster ?? {}), template },
        entrypoint,
        ...(Object.keys(runtimeEnv).length ? { runtimeEnv } : { runtimeEnv: undefined }),
        shutdownAfterJobFinishes: shutdown,
        ...(shutdown && ttlSeconds !== undefined ? { ttlSecondsAfterFinished: ttlSeconds } : {}),
        ...(deadlineSeconds !== undefined ? { activeDeadlineSeconds: deadlineSeconds } : {}),
        ...(retries !== undefined ? { backoffLimit: retries } : {}),
        submissionId: undefined,
      });
      open(job);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      aria-label="Submit a RayJob on a new cluster"
    >
      <Stack gap="sm" maw={720}>
        <Group gap="sm" align="flex-start" wrap="wrap">
          <TextInput
            label="RayJob name"
            description="Lowercase letters, digits and -, at most 47."
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={errors['name']}
            maxLength={jobRequestLimits.rayJobNameMaxLength}
            required
            w={280}
          />
          <PickField
            label="Template"
            description="The new cluster's shape; quota is checked as for clusters."
            placeholder="Pick a template"
            data={(templates.data?.items ?? []).map((item) => ({
              value: item.template,
              label: `${item.template}${item.fits ? '' : ' (does not fit now)'}`,
            }))}
            value={template}
            onChange={setTemplate}
            error={errors['cluster.template'] ?? errors['cluster'] ?? templates.error?.message}
            required
            w={300}
          />
        </Group>
        <EntrypointField
          description="The shell command the RayJob's submitter runs, e.g. python gpu_check.py"
          value={entrypoint}
          onChange={setEntrypoint}
          error={errors['entrypoint']}
        />
        <TextInput
          label="Working dir URL"
          description="An https:// zip the cluster downloads (there is no cluster to upload to yet)."
          value={workingDir}
          onChange={(event) => setWorkingDir(event.currentTarget.value)}
          error={errors['runtimeEnv.workingDir']}
        />
        <RuntimeEnvFields
          pip={pip}
          onPip={setPip}
          envText={envText}
          onEnvText={setEnvText}
          errors={errors}
          envLineError={env.bad}
        />
        <Switch
          label="Delete the cluster when the job finishes"
          checked={shutdown}
          onChange={(event) => setShutdown(event.currentTarget.checked)}
        />
        <Group gap="sm" wrap="wrap" align="flex-start">
          <NumberInput
            label="TTL after finish (s)"
            value={ttl}
            onChange={setTtl}
            min={0}
            max={604800}
            disabled={!shutdown}
            error={errors['ttlSecondsAfterFinished']}
            w={180}
          />
          <NumberInput
            label="Active deadline (s)"
            description="Empty: no deadline"
            value={deadline}
            onChange={setDeadline}
            min={1}
            max={2592000}
            error={errors['activeDeadlineSeconds']}
            w={180}
          />
          <NumberInput
            label="Backoff limit"
            description="Retries, each on a new cluster"
            value={backoff}
            onChange={setBackoff}
            min={0}
            max={10}
            error={errors['backoffLimit']}
            w={180}
          />
        </Group>
        <SubmitError error={error} />
        <Group>
          <Button
            type="submit"
            leftSection={<IconSend size={16} aria-hidden />}
            loading={busy}
            disabled={!team || !template || !name.trim() || !entrypoint.trim()}
          >
            Submit RayJob
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * `/jobs/new`: submit work three ways: a catalog workload in one click, a job on a running
 * cluster (entrypoint, working dir zip or folder uploaded to its head, pip, env vars, entrypoint
 * resources, submission id), or a RayJob on a new cluster from a template (shutdown after finish,
 * TTL, deadline, retries). `?resubmit=<team>/<id>` fills the matching form from an earlier job;
 * `?cluster=<name>` preselects a cluster. Server errors land next to their field and in an alert.
 */
export function SubmitJobPage() {
  const client = useApiClient();
  const { team } = useSession();
  const [params] = useSearchParams();
  const resubmit = params.get('resubmit') ?? '';
  const [resubmitTeam = '', resubmitId = ''] = resubmit.split('/');
  const previous = useQuery({
    queryKey: ['job', resubmitTeam, resubmitId, 'resubmit'],
    queryFn: () => client.resubmitJob(resubmitTeam, resubmitId),
    enabled: !!resubmitTeam && !!resubmitId,
  });
  const requestedTab = params.get('tab');
  const [chosenTab, setTab] = useState<TabName | undefined>(undefined);
  const tab: TabName =
    chosenTab ??
    (previous.data
      ? previous.data.kind === 'rayjob'
        ? 'rayjob'
        : 'cluster'
      : isTab(requestedTab)
        ? requestedTab
        : params.get('cluster')
          ? 'cluster'
          : 'catalog');
  const formTeam = previous.data?.submission?.team ?? previous.data?.rayJob?.team ?? team;

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Anchor component={Link} to="/jobs" size="sm">
          ← Jobs
        </Anchor>
        <Title order={2}>{resubmit ? 'Resubmit job' : 'Submit job'}</Title>
        <Text size="sm" c="dimmed">
          In team {formTeam ?? '—'}. The portal keeps the job’s status and log after its cluster is
          gone.
        </Text>
      </Stack>
      {previous.isError && (
        <Alert color="red" variant="light" role="alert" title="Could not load the job to resubmit">
          {previous.error.message}
        </Alert>
      )}
      <Paper withBorder radius="md" p="md">
        <Tabs value={tab} onChange={(value) => isTab(value) && setTab(value)} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="catalog">From the catalog</Tabs.Tab>
            <Tabs.Tab value="cluster">On a running cluster</Tabs.Tab>
            <Tabs.Tab value="rayjob">RayJob on a new cluster</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="catalog" pt="md">
            <CatalogTab team={formTeam} />
          </Tabs.Panel>
          <Tabs.Panel value="cluster" pt="md">
            <ClusterJobForm
              key={previous.data ? 'resubmit' : 'new'}
              team={formTeam}
              initial={previous.data?.submission}
              initialCluster={params.get('cluster') ?? undefined}
            />
          </Tabs.Panel>
          <Tabs.Panel value="rayjob" pt="md">
            <RayJobForm
              key={previous.data ? 'resubmit' : 'new'}
              team={formTeam}
              initial={previous.data?.rayJob}
            />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}
