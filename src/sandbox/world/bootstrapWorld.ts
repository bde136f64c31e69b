import { createHash } from 'node:crypto';

import type { ObjectApi } from '../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../apiserver/resourceType.ts';
import type { WorldConfig, WorldNodePool } from './worldConfig.ts';

function typeOf(api: ObjectApi, group: string, plural: string): ResourceType {
  const type = api.registry.lookup(group, 'v1', plural);
  if (!type) throw new Error(`${plural} is not served`);
  return type;
}

/**
 * `status.nodeInfo` as a 1.35 kubelet reports it. Clients such as python3-kubernetes require
 * every field; the machine, system and boot ids are derived from the node name so they stay the
 * same across restarts of the sandbox. `kubeProxyVersion` is empty: kubelets stopped reporting
 * it (DisableNodeKubeProxyVersion, on since 1.31).
 */
export function nodeSystemInfo(nodeName: string): Record<string, string> {
  const hex = (label: string) =>
    createHash('sha256').update(`${label}:${nodeName}`).digest('hex').slice(0, 32);
  const uuid = (text: string) =>
    `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-a${text.slice(17, 20)}-${text.slice(20, 32)}`;
  return {
    machineID: hex('machine-id'),
    systemUUID: uuid(hex('system-uuid')),
    bootID: uuid(hex('boot-id')),
    kernelVersion: '6.8.0-raydeck',
    osImage: 'Ubuntu 24.04.3 LTS (simulated by Raydeck)',
    containerRuntimeVersion: 'containerd://2.1.4',
    kubeletVersion: 'v1.35.0',
    kubeProxyVersion: '',
    operatingSystem: 'linux',
    architecture: 'amd64',
  };
}

/** The Node objects of a pool, with GPU feature discovery labels and a Ready kubelet status. */
export function nodesOfPool(pool: WorldNodePool, firstIpOffset: number, now: string): KubeObject[] {
  return Array.from({ length: pool.count }, (_unused, index) => {
    const name = `${pool.name}-${index + 1}`;
    const capacity: Record<string, string> = {
      cpu: String(pool.cpu),
      memory: pool.memory,
      pods: String(pool.pods),
      'ephemeral-storage': '500Gi',
    };
    const gpuLabels: Record<string, string> = {};
    if (pool.gpu) {
      capacity[pool.gpu.resource] = String(pool.gpu.count);
      Object.assign(gpuLabels, {
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': pool.gpu.product,
        'nvidia.com/gpu.memory': String(pool.gpu.memoryMiB),
        'nvidia.com/gpu.count': String(pool.gpu.count),
      });
    }
    const ip = firstIpOffset + index;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'raydeck.dev/node-pool': pool.name,
          ...gpuLabels,
          ...pool.labels,
        },
        annotations: { 'raydeck.dev/simulated': 'true' },
      },
      spec: {
        // /24 per node from 10.244.0.0/14, as kube-controller-manager hands them out.
        podCIDR: `10.${244 + Math.floor(ip / 256)}.${ip % 256}.0/24`,
        ...(pool.taints.length > 0 ? { taints: pool.taints } : {}),
      },
      status: {
        capacity,
        allocatable: capacity,
        conditions: [
          [
            'MemoryPressure',
            'False',
            'KubeletHasSufficientMemory',
            'kubelet has sufficient memory available',
          ],
          ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
          [
            'PIDPressure',
            'False',
            'KubeletHasSufficientPID',
            'kubelet has sufficient PID available',
          ],
          ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
        ].map(([type, status, reason, message]) => ({
          type,
          status,
          reason,
          message,
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        })),
        addresses: [
          { type: 'InternalIP', address: `10.0.${Math.floor(ip / 250)}.${(ip % 250) + 2}` },
          { type: 'Hostname', address: name },
        ],
        nodeInfo: nodeSystemInfo(name),
      },
    };
  });
}

/**
 * Creates the world's nodes, namespaces and quotas through the API (skipping any that exist, so
 * a restored snapshot is left alone).
 */
export function bootstrapWorld(api: ObjectApi, world: WorldConfig): void {
  const nodes = typeOf(api, '', 'nodes');
  const namespaces = typeOf(api, '', 'namespaces');
  const quotas = typeOf(api, '', 'resourcequotas');
  let ipOffset = 0;
  for (const pool of world.nodePools) {
    for (const node of nodesOfPool(pool, ipOffset, api.timestamp())) {
      const name = node.metadata?.name ?? '';
      if (!api.find(nodes, undefined, name)) {
        const created = api.create(nodes, undefined, node).object;
        api.update(
          nodes,
          undefined,
          name,
          { ...created, status: node['status'] },
          { subresource: 'status' },
        );
      }
    }
    ipOffset += pool.count;
  }
  for (const namespace of world.namespaces) {
    if (!api.find(namespaces, undefined, namespace.name)) {
      api.create(namespaces, undefined, {
        metadata: { name: namespace.name, labels: { 'raydeck.dev/team': namespace.name } },
      });
    }
    if (namespace.quota && !api.find(quotas, namespace.name, `${namespace.name}-quota`)) {
      api.create(quotas, namespace.name, {
        metadata: { name: `${namespace.name}-quota` },
        spec: { hard: namespace.quota },
      });
    }
  }
}
