import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import { ApiErrorBody } from '../../shared/api/apiErrorBody.ts';
import {
  Template,
  TemplateAvailabilityList,
  TemplateAvailabilityQuery,
  TemplateInput,
  TemplateList,
  TemplateListQuery,
  TemplateNameParams,
} from '../../shared/api/templateSchemas.ts';
import { auditedMutation } from '../audit/auditedMutation.ts';
import { authorize } from '../auth/authorize.ts';
import { requireRole } from '../auth/authPlugin.ts';
import type { GpuService } from '../services/GpuService.ts';
import { forbidden, notFound } from '../services/serviceErrors.ts';
import type { TemplateService } from '../services/TemplateService.ts';

const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };

/**
 * `/api/v1/templates`: everyone signed in reads templates and whether each fits now for a team;
 * admins create, update (bumping the version), retire and delete them. Mutations are audited.
 */
export const templateRoutes: FastifyPluginAsyncTypebox<{
  templates: TemplateService;
  gpus: GpuService;
}> = async (app, { templates, gpus }) => {
  /** Audits a mutation of the template `name`. */
  const audited = <T>(
    request: FastifyRequest,
    action: string,
    name: string,
    run: () => Promise<T>,
  ) =>
    auditedMutation(
      request,
      { action, targetKind: 'template', targetNamespace: templates.namespace, targetName: name },
      run,
    );

  app.get(
    '/api/v1/templates',
    {
      schema: {
        tags: ['templates'],
        summary: 'List templates',
        querystring: TemplateListQuery,
        response: { 200: TemplateList },
      },
    },
    async (request) => ({
      items: templates.list(request.query.includeRetired === true),
    }),
  );

  app.get(
    '/api/v1/templates/availability',
    {
      schema: {
        tags: ['templates'],
        summary: "Whether each template fits now: free GPUs and the team's quota headroom",
        querystring: TemplateAvailabilityQuery,
        response: { 200: TemplateAvailabilityList, ...errors },
      },
    },
    async (request) => {
      const { team } = request.query;
      if (!authorize(request.user, 'read', team))
        throw forbidden(`you are not a member of team "${team}"`);
      return { items: templates.list().map((template) => gpus.availability(template, team)) };
    },
  );

  app.post(
    '/api/v1/templates',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['templates'],
        summary: 'Create a template (admins)',
        body: TemplateInput,
        response: { 201: Template, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await audited(request, 'template.create', body.name, () =>
        templates.create(body),
      );
      return reply.code(201).send(created);
    },
  );

  app.put(
    '/api/v1/templates/:name',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['templates'],
        summary: 'Update a template, bumping its version (admins)',
        params: TemplateNameParams,
        body: TemplateInput,
        response: { 200: Template, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params;
      return audited(request, 'template.update', name, () => templates.update(name, request.body));
    },
  );

  for (const [verb, retired] of [
    ['retire', true],
    ['restore', false],
  ] as const) {
    app.post(
      `/api/v1/templates/:name/${verb}`,
      {
        preHandler: requireRole('admin'),
        schema: {
          tags: ['templates'],
          summary:
            verb === 'retire'
              ? 'Retire a template: no new clusters from it (admins)'
              : 'Restore a retired template (admins)',
          params: TemplateNameParams,
          response: { 200: Template, ...errors },
        },
      },
      async (request) => {
        const { name } = request.params;
        const current = templates.find(name);
        if (!current) throw notFound(`template "${name}"`);
        const {
          namespace: _n,
          version: _v,
          retired: _r,
          updatedAt: _u,
          origin: _o,
          ...input
        } = current;
        return audited(request, `template.${verb}`, name, () =>
          templates.update(name, input, retired),
        );
      },
    );
  }

  app.delete(
    '/api/v1/templates/:name',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['templates'],
        summary: 'Delete a template (admins)',
        params: TemplateNameParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      await audited(request, 'template.delete', name, () => templates.delete(name));
      return reply.code(204).send(null);
    },
  );
};
