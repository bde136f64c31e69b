import type { JobSummary } from '../../../shared/api/jobSchemas.ts';

/** The name a person knows a job by: its RayJob name, else its Ray submission id, else its id. */
export function jobTitle(job: Pick<JobSummary, 'rayJobName' | 'submissionId' | 'id'>): string {
  return job.rayJobName ?? job.submissionId ?? job.id;
}

/** Route of a job's page. */
export function jobPath(job: Pick<JobSummary, 'team' | 'id'>): string {
  return `/jobs/${encodeURIComponent(job.team)}/${encodeURIComponent(job.id)}`;
}

/**
 * A duration in seconds compactly: `42s`, `3m 5s`, `2h 10m`, `3d 4h`.
 * @param seconds - whole or fractional seconds, never negative in practice (clamped to 0)
 */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${total % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/**
 * How long a job ran: from `startedAt` to `endedAt`, or to `nowMs` while running; `—` before it
 * started.
 */
export function jobDuration(job: Pick<JobSummary, 'startedAt' | 'endedAt'>, nowMs: number): string {
  const start = job.startedAt ? Date.parse(job.startedAt) : Number.NaN;
  if (Number.isNaN(start)) return '—';
  const end = job.endedAt ? Date.parse(job.endedAt) : nowMs;
  return formatDuration((end - start) / 1000);
}

/** GPU-seconds as GPU-hours with two decimals (`0.25 GPU-h`); `—` for a job without GPUs. */
export function formatGpuHours(gpuSeconds: number, gpus: number): string {
  if (gpus === 0 && gpuSeconds === 0) return '—';
  return `${(gpuSeconds / 3600).toFixed(2)} GPU-h`;
}

/** Bytes in binary units, e.g. `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'GiB'}`;
}
