import { type DashboardRouter, readBody, sendJson, sendText } from './dashboardHttp.ts';
import type { JobManager } from './JobManager.ts';
import {
  parseJobSubmitRequest,
  RayDashboardError,
  type SubmitRequestOptions,
} from './jobSubmitRequest.ts';

/**
 * The Ray Jobs REST API (`job_head.py`) over a {@link JobManager}. Paths are exactly Ray's:
 * `POST /api/jobs/` and `GET /api/jobs/` need the trailing slash (aiohttp does not fold it, so
 * `/api/jobs` is 404), and `{id}` is a submission id or a Ray job id.
 */
export function addJobsRoutes(
  router: DashboardRouter,
  jobs: JobManager,
  options: SubmitRequestOptions & { version: () => Record<string, string> },
): void {
  router.add('GET', '/api/version', ({ response }) => sendJson(response, 200, options.version()));

  router.add('POST', '/api/jobs/', async ({ request, response }) => {
    const body = await readBody(request);
    try {
      const submissionId = jobs.submit(parseJobSubmitRequest(body, options));
      sendJson(response, 200, { job_id: submissionId, submission_id: submissionId });
    } catch (error) {
      if (!(error instanceof RayDashboardError)) throw error;
      sendText(response, error.status, error.body);
    }
  });

  router.add('GET', '/api/jobs/', ({ response }) => sendJson(response, 200, jobs.list()));

  router.add('GET', '/api/jobs/{job_or_submission_id}', ({ response, params }) => {
    const id = params.job_or_submission_id ?? '';
    const details = jobs.details(id);
    if (!details) return missing(response, id);
    sendJson(response, 200, details);
  });

  router.add('POST', '/api/jobs/{job_or_submission_id}/stop', ({ response, params }) => {
    const id = params.job_or_submission_id ?? '';
    const stopped = jobs.stop(id);
    if (stopped === undefined) return missing(response, id);
    sendJson(response, 200, { stopped });
  });

  router.add('DELETE', '/api/jobs/{job_or_submission_id}', ({ response, params }) => {
    const id = params.job_or_submission_id ?? '';
    try {
      const deleted = jobs.delete(id);
      if (deleted === undefined) return missing(response, id);
      sendJson(response, 200, { deleted });
    } catch (error) {
      if (!(error instanceof RayDashboardError)) throw error;
      sendText(response, error.status, error.body);
    }
  });

  router.add('GET', '/api/jobs/{job_or_submission_id}/logs', ({ response, params }) => {
    const id = params.job_or_submission_id ?? '';
    const logs = jobs.logs(id);
    if (logs === undefined) return missing(response, id);
    sendJson(response, 200, { logs });
  });
}

/** Ray's answer for an unknown job id: 404 with plain text. */
export function missing(response: Parameters<typeof sendText>[0], id: string): void {
  sendText(response, 404, `Job ${id} does not exist`);
}
