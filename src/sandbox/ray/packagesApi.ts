import type { IncomingMessage } from 'node:http';

import { type DashboardRouter, sendEmpty, sendText } from './dashboardHttp.ts';
import type { PackageStore } from './PackageStore.ts';
import { pythonTraceback, rayFrame } from './pythonTraceback.ts';

/** `protocol://name`, as Ray's `http_uri_components_to_uri`. */
function packageUri(protocol: string, name: string): string {
  return `${protocol}://${name}`;
}

/** A 500 with the traceback `upload_package_to_gcs` raising `error` produces. */
function uploadFailure(error: string): string {
  return pythonTraceback(
    [
      rayFrame(
        'dashboard/modules/job/job_head.py',
        351,
        'upload_package',
        'await get_or_create_event_loop().run_in_executor(',
      ),
      rayFrame(
        '_private/runtime_env/packaging.py',
        432,
        'upload_package_to_gcs',
        '_store_package_in_gcs(pkg_uri, pkg_bytes)',
      ),
    ],
    error,
  );
}

/**
 * Reads the body; undefined when it is larger than `limit` bytes (the rest is read and dropped,
 * so the connection stays usable for the answer).
 */
async function readBytes(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

/**
 * Ray's package routes (`job_head.py`), with which `ray job submit --working-dir` uploads the
 * local directory: `GET` answers 200 when the package is stored (404 `Package <uri> does not
 * exist` otherwise), `PUT` stores the raw ZIP or wheel. The protocol must be `gcs` and the name
 * must end in `.zip` or `.whl`; anything else is a 500 with a traceback, as Ray answers
 * exceptions of the upload.
 */
export function addPackagesRoutes(router: DashboardRouter, store: PackageStore): void {
  router.add('GET', '/api/packages/{protocol}/{package_name}', ({ response, params }) => {
    const uri = packageUri(params.protocol ?? '', params.package_name ?? '');
    if (!store.has(uri)) return sendText(response, 404, `Package ${uri} does not exist`);
    sendEmpty(response);
  });

  router.add(
    'PUT',
    '/api/packages/{protocol}/{package_name}',
    async ({ request, response, params }) => {
      const protocol = params.protocol ?? '';
      const name = params.package_name ?? '';
      const uri = packageUri(protocol, name);
      if (protocol !== 'gcs') {
        request.resume();
        return sendText(
          response,
          500,
          uploadFailure(`NotImplementedError: Protocol ${protocol} is not supported`),
        );
      }
      if (!name.endsWith('.zip') && !name.endsWith('.whl')) {
        request.resume();
        return sendText(
          response,
          500,
          uploadFailure(
            `ValueError: Invalid package name ${name}: a package must end in .zip or .whl`,
          ),
        );
      }
      const bytes = await readBytes(request, store.maxPackageBytes);
      if (!bytes) {
        request.resume();
        const limit = (store.maxPackageBytes / 1024 ** 2).toFixed(2);
        return sendText(
          response,
          500,
          uploadFailure(
            `ValueError: Package size exceeds the maximum size of ${limit}MiB (the Raydeck sandbox's limit per Ray head). You can exclude large files using the 'excludes' option to the runtime_env or provide a remote URI of a zip file using protocols such as 's3://', 'https://' and so on, refer to https://docs.ray.io/en/latest/ray-core/handling-dependencies.html#api-reference.`,
          ),
        );
      }
      store.put(uri, bytes);
      sendEmpty(response);
    },
  );
}
