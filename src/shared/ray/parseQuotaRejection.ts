/** A ResourceQuota admission rejection, parsed from an API error text. */
export type QuotaRejection =
  | {
      kind: 'exceeded';
      /** ResourceQuota name. */
      quota: string;
      /** The rejected pod's name (or `generateName` prefix), when the error names it. */
      pod: string | undefined;
      /** Quota resource → quantity, only for the resources that would exceed. */
      requested: Record<string, string>;
      used: Record<string, string>;
      limited: Record<string, string>;
      raw: string;
    }
  | {
      kind: 'mustSpecify';
      quota: string;
      pod: string | undefined;
      /** Resources the pod must set, with the containers missing them (empty before k8s 1.29). */
      missing: { resource: string; containers: string[] }[];
      raw: string;
    };

const exceeded = /exceeded quota: ([^,\s]+), requested: (\S+?), used: (\S+?), limited: ([^\s"']+)/i;
const mustSpecify = /failed quota: ([^:\s]+): must specify ([^\n]+)/i;
const forbiddenPod = /pods "([^"]*)" is forbidden/;

function resourceMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) map[pair.slice(0, at)] = pair.slice(at + 1).replace(/\.$/, '');
  }
  return map;
}

/**
 * Finds and parses a ResourceQuota rejection inside any text: a KubeRay
 * `FailedToCreateWorkerPod` event (`Failed to create worker Pod for the cluster ns/name, pods
 * "x" is forbidden: exceeded quota: …`), a `ReplicaFailure` condition message, or a
 * ReplicaSet `FailedCreate` event. Formats are those of the quota admission plugin
 * (`plugin/pkg/admission/resourcequota/controller.go`): `exceeded quota: NAME, requested:
 * r=q[,r=q…], used: …, limited: …` (resources sorted), and `failed quota: NAME: must specify
 * r1,r2` or, since k8s 1.29, `must specify r1 for: c1,c2; r2 for: c1`. Undefined otherwise.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export function parseQuotaRejection(text: string): QuotaRejection | undefined {
  const pod = forbiddenPod.exec(text)?.[1];
  const over = exceeded.exec(text);
  if (over?.[1] && over[2] && over[3] && over[4]) {
    return {
      kind: 'exceeded',
      quota: over[1],
      pod,
      requested: resourceMap(over[2]),
      used: resourceMap(over[3]),
      limited: resourceMap(over[4]),
      raw: over[0],
    };
  }
  const must = mustSpecify.exec(text);
  if (must?.[1] && must[2]) {
    const list = must[2].trim();
    const missing = list.includes(' for: ')
      ? list.split(/;\s*/).map((part) => {
          const [resource = '', containers = ''] = part.split(' for: ');
          return { resource: resource.trim(), containers: containers.split(',').filter(Boolean) };
        })
      : list.split(',').map((resource) => ({ resource: resource.trim(), containers: [] }));
    return { kind: 'mustSpecify', quota: must[1], pod, missing, raw: must[0] };
  }
  return undefined;
}
