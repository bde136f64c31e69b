import type { ConfigMapResource } from '../k8s/kubeKinds.ts';
import type { KubeRayApiServerClient } from '../k8s/KubeRayApiServerClient.ts';

/** Milliseconds between reads of the compute templates (v1 has no watch). Default 30 s. */
const defaultRefreshMs = 30_000;

/**
 * The compute templates of a KubeRay APIServer's v1 API, for a portal run with
 * `--apiserver-url` (the APIServer forwards no ConfigMaps, so no informer can hold them): read
 * at start and every `refreshMs`, kept as template ConfigMaps for TemplateService. A failed read
 * keeps the last answer and is retried at the next tick.
 */
export class KubeRayTemplateSource {
  private readonly client: KubeRayApiServerClient;
  private readonly namespace: string;
  private readonly refreshMs: number;
  private latest: readonly ConfigMapResource[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The last read's failure, until a read succeeds. */
  lastError: string | undefined;

  constructor(options: { client: KubeRayApiServerClient; namespace: string; refreshMs?: number }) {
    this.client = options.client;
    this.namespace = options.namespace;
    this.refreshMs = options.refreshMs ?? defaultRefreshMs;
  }

  configMaps(): readonly ConfigMapResource[] {
    return this.latest;
  }

  /** Reads the templates now; never rejects (see {@link lastError}). */
  async refresh(): Promise<void> {
    try {
      this.latest = await this.client.computeTemplates(this.namespace);
      this.lastError = undefined;
    } catch (error) {
      this.lastError = (error as Error).message;
    }
  }

  /** Reads now, then every `refreshMs`. */
  async start(): Promise<void> {
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
    await this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
