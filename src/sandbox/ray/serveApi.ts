import { type DashboardRouter, readBody, sendEmpty, sendJson, sendText } from './dashboardHttp.ts';
import { aiohttpServerErrorText } from './jobSubmitRequest.ts';
import { PyJsonDecodeError, pythonJsonParse, toPlainJson } from './pythonJsonParse.ts';
import type { ServeController } from './ServeController.ts';
import { validateServeDeployConfig } from './serveDeployConfig.ts';

/**
 * Ray Serve's REST API (`serve_head.py`): `GET`, `PUT` and `DELETE /api/serve/applications/`
 * (trailing slash required, as in Ray). KubeRay reads `?api_type=declarative` and PUTs
 * `serveConfigV2` as JSON.
 */
export function addServeRoutes(router: DashboardRouter, serve: ServeController): void {
  router.add('GET', '/api/serve/applications/', ({ response, query }) => {
    const apiType = query.get('api_type');
    if (apiType) {
      const lower = apiType.toLowerCase();
      if (lower !== 'imperative' && lower !== 'declarative') {
        sendText(
          response,
          400,
          `Invalid 'api_type' value: '${apiType}'. Must be one of: imperative, declarative`,
        );
        return;
      }
      sendJson(response, 200, serve.details(lower));
      return;
    }
    sendJson(response, 200, serve.details());
  });

  router.add('PUT', '/api/serve/applications/', async ({ request, response }) => {
    const body = await readBody(request);
    let parsed: unknown;
    try {
      parsed = toPlainJson(pythonJsonParse(body));
    } catch (error) {
      if (error instanceof PyJsonDecodeError) {
        sendText(response, 500, aiohttpServerErrorText);
        return;
      }
      throw error;
    }
    const result = validateServeDeployConfig(parsed);
    if (!result.ok) {
      sendText(response, 400, result.text);
      return;
    }
    serve.deploy(result.config);
    sendEmpty(response);
  });

  router.add('DELETE', '/api/serve/applications/', ({ response }) => {
    serve.shutdown();
    sendEmpty(response);
  });
}
