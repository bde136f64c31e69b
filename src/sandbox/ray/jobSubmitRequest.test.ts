import { describe, expect, it } from 'vitest';

import {
  parseJobSubmitRequest,
  RayDashboardError,
  submitRequestFromJson,
} from './jobSubmitRequest.ts';

const options = { acceptsLabelSelector: false };

describe('parseJobSubmitRequest', () => {
  it('maps Ray’s keys to the request, submission_id before the deprecated job_id', () => {
    expect(
      parseJobSubmitRequest(
        JSON.stringify({
          entrypoint: 'python x.py',
          submission_id: 'new',
          job_id: 'old',
          runtime_env: { pip: ['torch'] },
          metadata: { team: 'a' },
          entrypoint_num_cpus: 1.5,
          entrypoint_num_gpus: 1,
          entrypoint_memory: 2048,
          entrypoint_resources: { TPU: 4 },
        }),
        options,
      ),
    ).toEqual({
      entrypoint: 'python x.py',
      submissionId: 'new',
      runtimeEnv: { pip: ['torch'] },
      metadata: { team: 'a' },
      entrypointNumCpus: 1.5,
      entrypointNumGpus: 1,
      entrypointMemory: 2048,
      entrypointResources: { TPU: 4 },
    });
  });

  it('takes booleans as numbers, as Python’s isinstance(True, int) does', () => {
    expect(
      parseJobSubmitRequest('{"entrypoint": "x", "entrypoint_num_gpus": true}', options),
    ).toMatchObject({
      entrypointNumGpus: 1,
    });
  });

  it('throws RayDashboardError with status and body', () => {
    try {
      parseJobSubmitRequest('{"entrypoint": "x", "bogus": 1}', options);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RayDashboardError);
      expect((error as RayDashboardError).status).toBe(400);
      expect((error as RayDashboardError).body).toContain("unexpected keyword argument 'bogus'");
    }
  });

  it('validates in-process requests the same way', () => {
    expect(submitRequestFromJson({ entrypoint: 'x', entrypoint_memory: null }, options)).toEqual({
      entrypoint: 'x',
    });
    expect(() =>
      submitRequestFromJson({ entrypoint: 'x', metadata: { a: 1 as unknown as string } }, options),
    ).toThrow("metadata values must be strings, got <class 'int'>");
  });
});
