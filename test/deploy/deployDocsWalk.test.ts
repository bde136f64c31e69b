/**
 * docs/deploy.md walked as a user would: every command of its fenced shell blocks is either run,
 * in the order the page gives them, with the real kubectl 1.35 as admin against a sandbox that
 * enforces RBAC over HTTPS, or named below with the reason it cannot run here. A command the
 * page gains that is neither fails the test, and so does a listed command the page dropped.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';

import { type KubectlResult, kubectlRunner } from '../support/runKubectl.ts';
import { type RbacTestSandbox, startRbacSandbox } from '../support/startRbacSandbox.ts';
import { describeWithUpstream, upstreamKuberayDir } from '../support/upstream.ts';
import { findKustomizations, repoRoot } from './buildOverlay.ts';

const docPath = join(repoRoot, 'docs', 'deploy.md');
/**
 * Four server-side applies of the KubeRay kit (75,000 lines of CRDs, built by kubectl's
 * Kustomize each time) take most of the walk: about 25 s of CPU, 60 s on a busy 2-core machine.
 */
const walkTimeout = 150_000;

/** Commands of the page that cannot run here, each with the reason. */
const cannotRunHere: readonly { commands: readonly string[]; reason: string }[] = [
  {
    commands: [
      'docker build -t raydeck:0.1.0 .',
      'docker save raydeck:0.1.0 | sudo /var/lib/rancher/rke2/bin/ctr --address /run/k3s/containerd/containerd.sock -n k8s.io images import -',
    ],
    reason:
      "builds the image with Docker and imports it into an RKE2 node's containerd (dockerfile.test.ts checks the Dockerfile)",
  },
  {
    commands: [
      'ray job submit --address http://127.0.0.1:8265 --working-dir workloads -- python pi_tasks.py',
      'ray job submit --address http://127.0.0.1:8266 --working-dir workloads -- python gpu_check.py',
      'ray job submit --address http://192.168.1.50:31265 --working-dir workloads -- python pi_tasks.py',
    ],
    reason: 'needs the Ray CLI and a running Ray head (the last one a node on a LAN)',
  },
  {
    commands: [
      'kubectl port-forward -n ray svc/ray-cpu-head-svc 8265:8265',
      'kubectl port-forward -n ray svc/ray-gpu-1-head-svc 8266:8265',
    ],
    reason: 'forwards to a running head pod; the sandbox API server has no kubelet or pods',
  },
  {
    commands: ['kubectl logs -n raydeck deploy/raydeck | grep -i password'],
    reason:
      "reads a running pod's log; no kubelet here (ensureAdminUser.test.ts checks the printed line)",
  },
  {
    commands: ['kubectl get runtimeclass'],
    reason: 'the sandbox serves no node.k8s.io RuntimeClass (the GPU Operator creates nvidia)',
  },
];

/** One command of the page: the words before the first pipe, then each filter's words. */
interface DocCommand {
  text: string;
  stages: string[][];
}

/** The lines of every ```sh, ```bash or ```shell block, indented ones included. */
function shellBlockLines(markdown: string): string[] {
  const lines: string[] = [];
  let inShell = false;
  let inOther = false;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```(\w*)\s*$/.exec(line);
    if (fence) {
      if (inShell || inOther) {
        inShell = false;
        inOther = false;
      } else if (['sh', 'bash', 'shell'].includes(fence[1] ?? '')) inShell = true;
      else inOther = true;
      continue;
    }
    if (inShell) lines.push(line);
  }
  return lines;
}

/**
 * Splits a shell line into words, honouring '…', "…" and backslash escapes, and stops at an
 * unquoted `#`. Operators `|`, `&` and `&&` become words of their own.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  const finish = (): void => {
    if (started) words.push(word);
    word = '';
    started = false;
  };
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i] ?? '';
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${line}`);
      word += line.slice(i + 1, end);
      started = true;
      i = end;
    } else if (char === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unclosed " in: ${line}`);
      word += line.slice(i + 1, end).replace(/\\(["\\$`])/g, '$1');
      started = true;
      i = end;
    } else if (char === '\\') {
      word += line[i + 1] ?? '';
      started = true;
      i += 1;
    } else if (/\s/.test(char)) {
      finish();
    } else if (char === '#' && !started) {
      break;
    } else if (char === '|' || char === '&') {
      finish();
      const double = line[i + 1] === char;
      words.push(double ? char + char : char);
      if (double) i += 1;
    } else {
      word += char;
      started = true;
    }
  }
  finish();
  return words;
}

/** The page's commands in order: continuation lines joined, comments and `&` dropped. */
function docCommands(markdown: string): DocCommand[] {
  const joined = shellBlockLines(markdown)
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  const commands: DocCommand[] = [];
  for (const line of joined) {
    const words = shellWords(line.trim());
    if (words.length === 0) continue;
    if (words.includes('&&') || words.includes(';')) {
      throw new Error(`one command per line, please: ${line}`);
    }
    const stages: string[][] = [[]];
    for (const word of words) {
      if (word === '|') stages.push([]);
      else if (word !== '&') stages.at(-1)?.push(word);
    }
    commands.push({ text: stages.map((stage) => stage.join(' ')).join(' | '), stages });
  }
  return commands;
}

const kuberayRemoteBase =
  /https:\/\/github\.com\/ray-project\/kuberay\/ray-operator\/config\/([\w/-]+)\?ref=v\d+\.\d+\.\d+/g;

/** A copy of deploy/ whose remote KubeRay base points at the local upstream tree. */
function copyDeployOffline(target: string): void {
  cpSync(join(repoRoot, 'deploy'), target, { recursive: true });
  for (const file of findKustomizations(target)) {
    const path = join(target, file);
    const text = readFileSync(path, 'utf8');
    const local = text.replace(kuberayRemoteBase, (_all, configPath: string) =>
      relative(dirname(path), join(upstreamKuberayDir, 'operator-config', configPath)),
    );
    if (local !== text) writeFileSync(path, local);
  }
}

/**
 * The user's working directory: this repository's deploy/ (offline), the same beside it as
 * `raydeck-src/` (where the page's own overlays point), and each YAML block of the page that
 * starts `# platform/…/kustomization.yaml` written to that path.
 */
function userWorkspace(markdown: string): string {
  const root = mkdtempSync(join(tmpdir(), 'raydeck-docs-walk-'));
  copyDeployOffline(join(root, 'deploy'));
  copyDeployOffline(join(root, 'raydeck-src', 'deploy'));
  for (const match of markdown.matchAll(/```yaml\n(# (platform\/[\w/-]+\.yaml)\n[\s\S]*?)```/g)) {
    const path = join(root, match[2] ?? '');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, match[1] ?? '');
  }
  return root;
}

/** What `grep [-i] PATTERN` keeps of `text`, as grep's exit status would judge it. */
function grep(text: string, args: readonly string[]): string[] {
  const ignoreCase = args.includes('-i');
  const pattern = args.filter((arg) => !arg.startsWith('-'))[0] ?? '';
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matcher = new RegExp(escaped, ignoreCase ? 'i' : '');
  return text.split('\n').filter((line) => matcher.test(line));
}

/** Nodes as the GPU Operator leaves them, named as the page names them. */
function gpuNode(name: string, product: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'nvidia.com/gpu.product': product } },
    status: {
      capacity: { cpu: '32', memory: '256Gi', 'nvidia.com/gpu': '1', pods: '110' },
      allocatable: { cpu: '32', memory: '256Gi', 'nvidia.com/gpu': '1', pods: '110' },
    },
  };
}

describeWithUpstream('docs/deploy.md, walked', () => {
  const markdown = readFileSync(docPath, 'utf8');
  const commands = docCommands(markdown);
  const listed = new Map(
    cannotRunHere.flatMap(({ commands: texts, reason }) => texts.map((text) => [text, reason])),
  );
  let sandbox: RbacTestSandbox;
  let workspace = '';
  let kubectl: (args: string[]) => Promise<KubectlResult>;

  beforeAll(async () => {
    sandbox = await startRbacSandbox({ tls: true });
    workspace = userWorkspace(markdown);
    kubectl = kubectlRunner(sandbox.kubeconfig);
    // What the page assumes exists already: GPU nodes with the GPU Operator's labels, and the
    // NodePort cluster of manifests/raycluster-nodeport.yaml that its remote-access part reads.
    const nodePortCluster = parse(
      readFileSync(join(repoRoot, 'manifests', 'raycluster-nodeport.yaml'), 'utf8'),
    ) as { metadata: object };
    await sandbox.apply([
      gpuNode('gpu-node-1', 'NVIDIA-GeForce-RTX-4090'),
      gpuNode('a100-node', 'NVIDIA-A100-SXM4-80GB'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ray' } },
      { ...nodePortCluster, metadata: { ...nodePortCluster.metadata, namespace: 'ray' } },
    ]);
    // The sandbox starts with its own ray.io CRDs, owned by nobody (before-first-apply); a fresh
    // cluster has none. Handing them to kubectl's field manager first lets the page's first
    // `apply --server-side` meet what it meets on a fresh cluster: nothing of anyone else's.
    const crds = await kubectl([
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(upstreamKuberayDir, 'crds'),
    ]);
    expect(crds.code, crds.stderr).toBe(0);
  }, walkTimeout);
  afterAll(async () => {
    await sandbox?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('has shell commands, each one run below or listed as not runnable here', () => {
    expect(commands.length).toBeGreaterThan(10);
    const unknown = commands
      .map((command) => command.text)
      .filter((text) => !listed.has(text) && !text.startsWith('kubectl '));
    expect(unknown, 'neither run nor listed in cannotRunHere').toEqual([]);
  });

  it('still has every command listed as not runnable here', () => {
    const texts = new Set(commands.map((command) => command.text));
    expect([...listed.keys()].filter((text) => !texts.has(text))).toEqual([]);
  });

  it(
    'runs every kubectl command, in order, against a cluster that enforces RBAC',
    async () => {
      const ran: string[] = [];
      for (const command of commands) {
        if (listed.has(command.text) || !command.text.startsWith('kubectl ')) continue;
        const [kubectlWords = [], ...filters] = command.stages;
        const args = kubectlWords.slice(1).flatMap((word, index, words): string[] => {
          const flag = words[index - 1];
          // Paths are the repository's (manifests/) or the user's working directory's (-k).
          if (flag === '-k') return [join(workspace, word)];
          if (flag === '-f' && word.startsWith('manifests/')) return [join(repoRoot, word)];
          // `get -w` watches until interrupted; one get shows the same first rows.
          if (word === '-w') return [];
          return [word];
        });
        const result = await kubectl(args);
        // `kubectl diff` exits 1 when it found differences, which is its answer, not a failure.
        const okCodes = args[0] === 'diff' ? [0, 1] : [0];
        expect(okCodes, `${command.text}\n${result.stderr}`).toContain(result.code);
        let output = result.stdout;
        for (const filter of filters) {
          expect(filter[0], `${command.text}: only grep filters are run`).toBe('grep');
          const kept = grep(output, filter.slice(1));
          expect(kept.length, `${command.text}: grep finds nothing in\n${output}`).toBeGreaterThan(
            0,
          );
          output = kept.join('\n');
        }
        ran.push(command.text);
      }
      expect(ran.length).toBeGreaterThan(10);

      // What the page promises once walked: the operator watches every namespace, Raydeck's
      // Secret holds the chosen password, and the team namespace exists.
      const args = await kubectl([
        'get',
        'deploy',
        'kuberay-operator',
        '-n',
        'ray-system',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].args}',
      ]);
      expect(args.stdout).toContain('--feature-gates=');
      expect(args.stdout).not.toContain('--watch-namespace');
      const secret = await sandbox.request(
        'GET',
        '/api/v1/namespaces/raydeck/secrets/raydeck-secrets',
      );
      expect(secret.status).toBe(200);
      expect(Object.keys((secret.body as { data: object }).data)).toEqual([
        'RAYDECK_ADMIN_PASSWORD',
      ]);
      expect((await sandbox.request('GET', '/api/v1/namespaces/team-a')).status).toBe(200);
    },
    walkTimeout,
  );
});
