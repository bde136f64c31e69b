import { afterEach, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { bootstrapWorld, nodeSystemInfo } from './bootstrapWorld.ts';
import { defaultWorldYaml, parseWorldConfig } from './worldConfig.ts';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** The fields python3-kubernetes' V1NodeSystemInfo refuses to be without. */
const requiredNodeInfoFields = [
  'architecture',
  'bootID',
  'containerRuntimeVersion',
  'kernelVersion',
  'kubeProxyVersion',
  'kubeletVersion',
  'machineID',
  'operatingSystem',
  'osImage',
  'systemUUID',
];

describe('bootstrapWorld nodes', () => {
  it('serves every nodeInfo field real clients require, with ids stable per node and distinct between nodes', async () => {
    sandbox = await startTestSandbox();
    bootstrapWorld(sandbox.apiServer.api, parseWorldConfig(defaultWorldYaml));
    const list = (await sandbox.request('GET', '/api/v1/nodes')).body as {
      items: { metadata: { name: string }; status: { nodeInfo: Record<string, unknown> } }[];
    };
    expect(list.items.length).toBeGreaterThan(1);
    for (const node of list.items) {
      const info = node.status.nodeInfo;
      for (const field of requiredNodeInfoFields) expect(typeof info[field]).toBe('string');
      expect(info).toMatchObject({
        machineID: expect.stringMatching(/^[0-9a-f]{32}$/),
        systemUUID: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        bootID: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kubeletVersion: 'v1.35.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      });
      expect(info).toEqual(nodeSystemInfo(node.metadata.name));
    }
    const machineIds = new Set(list.items.map((node) => node.status.nodeInfo['machineID']));
    expect(machineIds.size).toBe(list.items.length);
  });
});
