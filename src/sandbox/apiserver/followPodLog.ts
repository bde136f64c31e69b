import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ObjectApi } from './objectApi.ts';
import type { KubeObject, ResourceType } from './resourceType.ts';

/** How often a followed log is read again, in real milliseconds. */
export const followPollMs = 100;

interface ContainerStatus {
  name?: string;
  containerID?: string;
  state?: { running?: unknown };
}

/** The status of `container` in the pod, init containers included. */
function containerStatusOf(pod: KubeObject, container: string): ContainerStatus | undefined {
  const status = (pod['status'] ?? {}) as {
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
  return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
    (entry) => entry.name === container,
  );
}

/** The container a log request is about: the named one, else the pod's only container. */
export function logContainerName(pod: KubeObject, container: string | undefined): string {
  if (container) return container;
  const containers = (pod['spec'] as { containers?: { name?: string }[] } | undefined)?.containers;
  return containers?.[0]?.name ?? '';
}

/**
 * `GET pods/{name}/log?follow=true`, as the kubelet serves it: what the container wrote so far,
 * then each new line as the simulated container writes it (the log is read again every
 * {@link followPollMs}), until the followed container instance stops running (it exited, or
 * restarted under a new container ID), the pod is deleted, or the client goes away.
 * `readLog` answers the whole current log (tail applied to the first read only).
 */
export function followPodLog(input: {
  request: IncomingMessage;
  response: ServerResponse;
  api: ObjectApi;
  type: ResourceType;
  namespace: string;
  name: string;
  container: string;
  /** The first text, already read (it carried any request errors). */
  initial: string;
  /** The container's whole log now. */
  readLog: (pod: KubeObject) => string;
}): void {
  const { request, response, api, type, namespace, name, container } = input;
  response.writeHead(200, {
    'content-type': 'text/plain',
    'transfer-encoding': 'chunked',
    'cache-control': 'no-cache, private',
  });
  response.write(input.initial);
  const firstPod = api.find(type, namespace, name);
  const followedId = firstPod && containerStatusOf(firstPod, container)?.containerID;
  const running = (pod: KubeObject | undefined): boolean => {
    const status = pod && containerStatusOf(pod, container);
    return Boolean(status?.state?.running) && status?.containerID === followedId;
  };
  if (!running(firstPod)) {
    response.end();
    return;
  }
  let sent = firstPod ? input.readLog(firstPod) : '';
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    response.end();
  };
  const timer = setInterval(() => {
    const pod = api.find(type, namespace, name);
    if (pod && pod.metadata?.uid === firstPod?.metadata?.uid) {
      let text = sent;
      try {
        text = input.readLog(pod);
      } catch {
        // The container left the state logs are served in: what was sent is all there is.
      }
      // Same instance: the log only grows. Anything else belongs to a new instance.
      if (text.startsWith(sent) && text.length > sent.length) {
        response.write(text.slice(sent.length));
        sent = text;
      }
      if (running(pod)) return;
    }
    finish();
  }, followPollMs);
  timer.unref();
  request.on('close', finish);
  response.on('close', finish);
}
