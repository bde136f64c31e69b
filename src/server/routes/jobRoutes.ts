import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import { ClusterParams } from '../../shared/api/clusterSchemas.ts';
import {
  JobDetail,
  JobList,
  JobListQuery,
  JobLogChunk,
  JobLogQuery,
  JobParams,
  type JobStreamEvents,
  PackageUploadResponse,
  ResubmitResponse,
  SubmitCatalogRequest,
  SubmitRayJobRequest,
  SubmitToClusterRequest,
  terminalJobPhases,
} from '../../shared/api/jobSchemas.ts';
import { auditorOf } from '../audit/auditedMutation.ts';
import { signedInUser } from '../auth/signedInUser.ts';
import { watchCaller } from '../auth/watchCaller.ts';
import type { JobService } from '../services/JobService.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };

/** Bytes of log per SSE `log` event at most (a viewer catching up gets several). */
const streamChunkBytes = 256 * 1024;
/** Milliseconds between SSE keepalive comments. */
const heartbeatMs = 15_000;

/**
 * `/api/v1/jobs…`: the jobs list and detail from the store, submit (to a running cluster, as a
 * RayJob from a template, from the catalog), working-dir package upload, stop, delete, resubmit,
 * the stored log (range, tail, download) and a per-job SSE stream of log and status. Every
 * mutation is audited with its outcome (target kind `job`).
 */
export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobService }> = async (app, { jobs }) => {
  const audited = auditorOf('job');

  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'List jobs you may see (filtered, paged, newest first)',
        querystring: JobListQuery,
        response: { 200: JobList, 400: ApiErrorBody },
      },
    },
    async (request) => jobs.list(signedInUser(request), request.query),
  );

  app.get(
    '/api/v1/jobs/:team/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One job: summary, timeline, why it is not running, runtime env',
        params: JobParams,
        response: { 200: JobDetail, ...errors },
      },
    },
    async (request) => jobs.detail(signedInUser(request), request.params.team, request.params.id),
  );

  app.post(
    '/api/v1/jobs/submissions',
    {
      schema: {
        tags: ['jobs'],
        summary: "Submit a job to a running cluster's Ray Jobs API",
        body: SubmitToClusterRequest,
        response: { 201: JobDetail, ...errors, 502: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const detail = await audited(
        request,
        'job.submit',
        { namespace: body.team, name: body.submissionId ?? body.cluster },
        () => jobs.submitToCluster(signedInUser(request), body),
        { cluster: body.cluster, entrypoint: body.entrypoint.slice(0, 500) },
        (created) => ({ id: created.summary.id, submissionId: created.summary.submissionId }),
      );
      return reply.code(201).send(detail);
    },
  );

  app.post(
    '/api/v1/jobs/rayjobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Submit a RayJob on a new cluster from a template (template and quota checked)',
        body: SubmitRayJobRequest,
        response: { 201: JobDetail, ...errors, 422: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const detail = await audited(
        request,
        'job.submitRayJob',
        { namespace: body.team, name: body.name },
        () => jobs.submitRayJob(signedInUser(request), body),
        { template: body.cluster.template, entrypoint: body.entrypoint.slice(0, 500) },
        (created) => ({ id: created.summary.id }),
      );
      return reply.code(201).send(detail);
    },
  );

  app.post(
    '/api/v1/jobs/catalog',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Run a catalog workload on a running cluster or as a RayJob from a template',
        body: SubmitCatalogRequest,
        response: {
          201: JobDetail,
          ...errors,
          422: ApiErrorBody,
          502: ApiErrorBody,
          503: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const detail = await audited(
        request,
        'job.submitCatalog',
        { namespace: body.team, name: body.catalogId },
        () => jobs.submitCatalog(signedInUser(request), body),
        { catalogId: body.catalogId, cluster: body.cluster, template: body.template },
        (created) => ({ id: created.summary.id }),
      );
      return reply.code(201).send(detail);
    },
  );

  // The zip travels as the raw body (as `ray job submit` PUTs it to Ray); only this plugin's
  // routes get the buffer parser, with the configured package size as the limit.
  app.addContentTypeParser(
    ['application/zip', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: jobs.settings.packageMaxBytes },
    (_request, body, done) => done(null, body),
  );
  app.post(
    '/api/v1/clusters/:team/:name/packages',
    {
      bodyLimit: jobs.settings.packageMaxBytes,
      schema: {
        tags: ['jobs'],
        summary: "Upload a working-dir zip to a cluster's Ray head (gcs://_ray_pkg_<hash>.zip)",
        description:
          'Body: the zip (`content-type: application/zip`). Stored on the head with `PUT /api/packages/gcs/_ray_pkg_<sha1>.zip` as the Ray SDK does; use the answered `uri` as `runtimeEnv.workingDir`.',
        params: ClusterParams,
        response: { 200: PackageUploadResponse, ...errors, 413: ApiErrorBody, 502: ApiErrorBody },
      },
    },
    async (request) => {
      const { team, name } = request.params;
      const body: unknown = request.body;
      return audited(
        request,
        'job.uploadPackage',
        { namespace: team, name },
        () => jobs.uploadPackage(signedInUser(request), team, name, body),
        { bytes: Buffer.isBuffer(body) ? body.length : 0 },
        (uploaded) => ({ uri: uploaded.uri }),
      );
    },
  );

  app.post(
    '/api/v1/jobs/:team/:id/stop',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Stop a running job',
        params: JobParams,
        response: { 204: Type.Null(), ...errors, 502: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { team, id } = request.params;
      await audited(request, 'job.stop', { namespace: team, name: id }, () =>
        jobs.stopJob(signedInUser(request), team, id),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/jobs/:team/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Delete a job: the Ray job (or RayJob), its record and its stored log',
        params: JobParams,
        response: { 204: Type.Null(), ...errors, 502: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { team, id } = request.params;
      await audited(request, 'job.delete', { namespace: team, name: id }, () =>
        jobs.deleteJob(signedInUser(request), team, id),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/jobs/:team/:id/resubmit',
    {
      schema: {
        tags: ['jobs'],
        summary: 'The request that submits this job again (to edit, then POST)',
        params: JobParams,
        response: { 200: ResubmitResponse, ...errors },
      },
    },
    async (request) => jobs.resubmit(signedInUser(request), request.params.team, request.params.id),
  );

  app.get(
    '/api/v1/jobs/:team/:id/log',
    {
      schema: {
        tags: ['jobs'],
        summary: "A byte range (or the tail) of the job's stored log",
        params: JobParams,
        querystring: JobLogQuery,
        response: { 200: JobLogChunk, ...errors },
      },
    },
    async (request) =>
      jobs.readLog(signedInUser(request), request.params.team, request.params.id, request.query),
  );

  app.get(
    '/api/v1/jobs/:team/:id/log.txt',
    {
      schema: {
        tags: ['jobs'],
        summary: "The job's whole stored log as text (download)",
        params: JobParams,
        response: {
          200: {
            description: 'The stored log, UTF-8.',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { team, id } = request.params;
      const row = await jobs.readableRow(signedInUser(request), team, id);
      reply.header('content-type', 'text/plain; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${id}.log"`);
      const parts: string[] = [];
      let offset = row.log_stored_from;
      for (;;) {
        const chunk = await jobs.logChunk(row, { offset, limit: 4 * 2 ** 20 });
        parts.push(chunk.text);
        if (chunk.nextOffset <= offset || chunk.nextOffset >= chunk.totalBytes) break;
        offset = chunk.nextOffset;
      }
      return reply.send(parts.join(''));
    },
  );

  app.get(
    '/api/v1/jobs/:team/:id/stream',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Follow a job live: log and status as Server-Sent Events',
        description:
          'Events: `status` (JobSummary, first and on every change), `log` ({offset, text}; SSE id = next offset), `gap` ({from, to}: bytes dropped from the stored log before they were sent), `end` ({phase}: the job ended and its whole log was sent; the stream closes). Resume with `?offset=` or `Last-Event-ID`.',
        params: JobParams,
        querystring: Type.Object(
          { offset: Type.Optional(Type.Integer({ minimum: 0 })) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'Server-Sent Events.',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { team, id } = request.params;
      const user = signedInUser(request);
      await jobs.readableRow(user, team, id);
      const lastEventId = Number(request.headers['last-event-id']);
      let offset =
        request.query.offset ??
        (Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : 0);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = <K extends keyof JobStreamEvents>(
        event: K,
        data: JobStreamEvents[K],
        eventId?: number,
      ) => {
        response.write(
          `${eventId !== undefined ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
        );
      };
      let closed = false;
      let lastStatus = '';
      let running: Promise<void> | undefined;
      let again = false;
      // Sends whatever is new since the last pass; passes never overlap, a change during one
      // schedules one more.
      const pump = async (): Promise<void> => {
        const row = await jobs.row(id);
        if (closed) return;
        if (!row) return close();
        const summary = jobs.summaryOf(row);
        const statusText = JSON.stringify({ ...summary, gpuSeconds: 0, updatedAt: '' });
        if (statusText !== lastStatus) {
          lastStatus = statusText;
          send('status', summary);
        }
        if (offset < row.log_stored_from) {
          send('gap', { from: offset, to: row.log_stored_from });
          offset = row.log_stored_from;
        }
        while (!closed && offset < row.log_total_bytes) {
          const chunk = await jobs.logChunk(row, { offset, limit: streamChunkBytes });
          if (chunk.nextOffset <= offset) break;
          send('log', { offset: chunk.offset, text: chunk.text }, chunk.nextOffset);
          offset = chunk.nextOffset;
          // Let the socket drain before reading more, so a slow viewer does not buffer it all.
          if (response.writableNeedDrain)
            await new Promise((resolve) => response.once('drain', resolve));
        }
        if (
          row.log_complete === 1 &&
          offset >= row.log_total_bytes &&
          terminalJobPhases.includes(summary.status.phase)
        ) {
          send('end', { phase: summary.status.phase });
          close();
          response.end();
        }
      };
      const schedule = () => {
        if (running) {
          again = true;
          return;
        }
        running = pump()
          .catch(() => undefined)
          .finally(() => {
            running = undefined;
            if (again && !closed) {
              again = false;
              schedule();
            }
          });
      };
      const onChange = (changed: string) => {
        if (changed === id) schedule();
      };
      jobs.changes.on('job', onChange);
      const heartbeat = setInterval(() => response.write(': keepalive\n\n'), heartbeatMs);
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        jobs.changes.off('job', onChange);
        stopWatching();
      };
      const stopWatching = watchCaller(request, () => {
        close();
        response.end();
      });
      request.raw.on('close', close);
      response.on('close', close);
      schedule();
      return reply;
    },
  );
};
