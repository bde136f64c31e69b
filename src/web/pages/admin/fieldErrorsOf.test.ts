import { describe, expect, it } from 'vitest';

import { ApiError } from '../../../shared/client/ApiError.ts';
import { fieldErrorsOf } from './fieldErrorsOf.ts';

function validationError(fields: { path: string; message: string }[]): ApiError {
  return new ApiError(
    400,
    { status: 400, reason: 'ValidationFailed', message: 'invalid', requestId: 'r1', fields },
    '400',
  );
}

describe('fieldErrorsOf', () => {
  it('maps body paths to the nearest form key, first message first', () => {
    const error = validationError([
      { path: 'body.head.memory', message: 'must match pattern' },
      { path: 'body.allowedRayVersions[1]', message: 'must match pattern "^\\d+"' },
      { path: 'body.allowedRayVersions.0', message: 'second message' },
      { path: 'body.worker', message: 'must have required property gpu' },
    ]);
    expect(fieldErrorsOf(error, ['head.memory', 'allowedRayVersions', 'worker.gpu'])).toEqual({
      'head.memory': 'must match pattern',
      allowedRayVersions: 'has characters or a form that is not allowed',
    });
  });

  it('words schema messages for people', () => {
    const error = validationError([
      { path: 'body.allowedImages', message: 'must NOT have fewer than 1 items' },
    ]);
    expect(fieldErrorsOf(error, ['allowedImages'])).toEqual({ allowedImages: 'pick at least one' });
  });

  it('gives nothing for errors without fields or that are not API errors', () => {
    expect(fieldErrorsOf(new Error('network down'), ['name'])).toEqual({});
    expect(fieldErrorsOf(validationError([]), ['name'])).toEqual({});
  });

  it('honours another prefix', () => {
    const error = validationError([{ path: 'query.actor', message: 'is too long' }]);
    expect(fieldErrorsOf(error, ['actor'], 'query.')).toEqual({ actor: 'is too long' });
  });
});
