import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import { ClusterParams } from '../../shared/api/clusterSchemas.ts';
import {
  ClusterServeDeployRequest,
  CreateServiceRequest,
  ServiceDetail,
  ServiceDryRunResult,
  ServiceList,
  ServiceParams,
  ServiceRequestInput,
  ServiceRequestResult,
  ServiceUpdatePlan,
  UpdateServiceRequest,
} from '../../shared/api/serviceSchemas.ts';
import { auditorOf } from '../audit/auditedMutation.ts';
import { signedInUser } from '../auth/signedInUser.ts';
import type { RayServiceService } from '../services/RayServiceService.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };

/**
 * `/api/v1/services`: RayServices (list, detail, dry run, create, plan and apply an update,
 * delete, send a request to the app) and `/api/v1/clusters/{team}/{name}/serve/applications`
 * (Serve on a plain RayCluster through its dashboard). Every mutation and every request sent to
 * an app is audited with its outcome.
 */
export const serviceRoutes: FastifyPluginAsyncTypebox<{ services: RayServiceService }> = async (
  app,
  { services },
) => {
  const audited = auditorOf('rayservice');

  app.get(
    '/api/v1/services',
    {
      schema: {
        tags: ['services'],
        summary: 'List the RayServices you may see',
        response: { 200: ServiceList },
      },
    },
    async (request) => services.list(signedInUser(request)),
  );

  app.get(
    '/api/v1/services/:team/:name',
    {
      schema: {
        tags: ['services'],
        summary:
          'One RayService: apps, deployments, active and pending clusters, endpoints, timeline',
        params: ServiceParams,
        response: { 200: ServiceDetail, ...errors },
      },
    },
    async (request) =>
      services.detail(signedInUser(request), request.params.team, request.params.name),
  );

  app.post(
    '/api/v1/services/dry-run',
    {
      schema: {
        tags: ['services'],
        summary: 'Validate a RayService create and run it as a server dry run (creates nothing)',
        body: CreateServiceRequest,
        response: { 200: ServiceDryRunResult, ...errors },
      },
    },
    async (request) => services.dryRun(signedInUser(request), request.body),
  );

  app.post(
    '/api/v1/services',
    {
      schema: {
        tags: ['services'],
        summary: 'Create a RayService from a template and a Serve config',
        body: CreateServiceRequest,
        response: { 201: ServiceDetail, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await audited(
        request,
        'service.create',
        { namespace: body.team, name: body.name },
        () => services.create(signedInUser(request), body),
        { template: body.template },
      );
      return reply.code(201).send(created);
    },
  );

  app.post(
    '/api/v1/services/:team/:name/plan',
    {
      schema: {
        tags: ['services'],
        summary: 'Say what an update would do (in place or new cluster), changing nothing',
        params: ServiceParams,
        body: UpdateServiceRequest,
        response: { 200: ServiceUpdatePlan, ...errors },
      },
    },
    async (request) => {
      const { team, name } = request.params;
      return (await services.planUpdate(signedInUser(request), team, name, request.body)).plan;
    },
  );

  app.put(
    '/api/v1/services/:team/:name',
    {
      schema: {
        tags: ['services'],
        summary: 'Update the Serve config (in place) or the cluster (new cluster, zero downtime)',
        params: ServiceParams,
        body: UpdateServiceRequest,
        response: { 200: ServiceUpdatePlan, ...errors },
      },
    },
    async (request) => {
      const { team, name } = request.params;
      return audited(
        request,
        'service.update',
        { namespace: team, name },
        () => services.update(signedInUser(request), team, name, request.body),
        {},
        (plan) => ({ kind: plan.kind }),
      );
    },
  );

  app.delete(
    '/api/v1/services/:team/:name',
    {
      schema: {
        tags: ['services'],
        summary: 'Delete a RayService and its clusters',
        params: ServiceParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { team, name } = request.params;
      await audited(request, 'service.delete', { namespace: team, name }, () =>
        services.delete(signedInUser(request), team, name),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/services/:team/:name/request',
    {
      schema: {
        tags: ['services'],
        summary: "Send a request to the service's Serve HTTP proxy (your own teams only)",
        params: ServiceParams,
        body: ServiceRequestInput,
        response: { 200: ServiceRequestResult, ...errors, 502: ApiErrorBody },
      },
    },
    async (request) => {
      const { team, name } = request.params;
      const body = request.body;
      return audited(
        request,
        'service.request',
        { namespace: team, name },
        () => services.sendRequest(signedInUser(request), team, name, body),
        { method: body.method, path: body.path.slice(0, 256) },
        (result) => ({ status: result.status, latencyMs: result.latencyMs }),
      );
    },
  );

  app.put(
    '/api/v1/clusters/:team/:name/serve/applications',
    {
      schema: {
        tags: ['services'],
        summary: "Deploy (replace) a RayCluster's Serve applications through its dashboard",
        params: ClusterParams,
        body: ClusterServeDeployRequest,
        response: { 204: Type.Null(), ...errors, 502: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { team, name } = request.params;
      await audited(
        request,
        'cluster.serve.deploy',
        { namespace: team, name, kind: 'raycluster' },
        () => services.deployOnCluster(signedInUser(request), team, name, request.body.serveConfig),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/clusters/:team/:name/serve/applications',
    {
      schema: {
        tags: ['services'],
        summary: 'Delete every Serve application of a RayCluster through its dashboard',
        params: ClusterParams,
        response: { 204: Type.Null(), ...errors, 502: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { team, name } = request.params;
      await audited(
        request,
        'cluster.serve.delete',
        { namespace: team, name, kind: 'raycluster' },
        () => services.deleteOnCluster(signedInUser(request), team, name),
      );
      return reply.code(204).send(null);
    },
  );
};
