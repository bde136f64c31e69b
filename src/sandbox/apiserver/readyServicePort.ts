import type { ObjectApi } from './objectApi.ts';
import type { ResourceType } from './resourceType.ts';
import { serviceUnavailable } from './statusError.ts';

/**
 * The identifiers (name, port, target port) of the Service port a proxy request names, after
 * the checks a real API server's service proxy makes: the port exists and the Service has a
 * ready endpoint; else 503 `no endpoints available`, as Kubernetes answers. Shared by plain and
 * upgrade (WebSocket) proxy requests.
 */
export function readyServicePort(
  api: ObjectApi,
  namespace: string,
  serviceName: string,
  portPart: string | undefined,
): string[] {
  const services = api.registry.lookup('', 'v1', 'services') as ResourceType;
  const service = api.get(services, namespace, serviceName);
  const ports =
    (
      service['spec'] as {
        ports?: { name?: string; port?: number; targetPort?: number | string }[];
      }
    )?.ports ?? [];
  const port =
    portPart === undefined
      ? ports[0]
      : ports.find(
          (candidate) => candidate.name === portPart || String(candidate.port) === portPart,
        );
  const endpointsType = api.registry.lookup('', 'v1', 'endpoints') as ResourceType;
  const endpoints = api.find(endpointsType, namespace, serviceName);
  const ready = ((endpoints?.['subsets'] as { addresses?: unknown[] }[] | undefined) ?? []).some(
    (subset) => (subset.addresses ?? []).length > 0,
  );
  if (!port || !ready)
    throw serviceUnavailable(`no endpoints available for service "${serviceName}"`);
  return [port.name, port.port, port.targetPort].filter((value) => value !== undefined).map(String);
}
