import { describe, expect, it } from 'vitest';

import { watchEventOf } from './ResourceInformer.ts';

describe('watchEventOf', () => {
  const pod = { metadata: { name: 'p', namespace: 'team-a', resourceVersion: '7' } };

  it('reads ADDED, MODIFIED and unknown types as changes, DELETED as a deleting one', () => {
    expect(watchEventOf('ADDED', pod)).toEqual({ type: 'change', deleted: false, object: pod });
    expect(watchEventOf('MODIFIED', pod)).toEqual({ type: 'change', deleted: false, object: pod });
    expect(watchEventOf('SOMETHING_NEW', pod)).toEqual({
      type: 'change',
      deleted: false,
      object: pod,
    });
    expect(watchEventOf('DELETED', pod)).toEqual({ type: 'change', deleted: true, object: pod });
  });

  it('reads BOOKMARK as a version only and ERROR as a Status', () => {
    expect(watchEventOf('BOOKMARK', pod)).toEqual({ type: 'bookmark', object: pod });
    const status = { kind: 'Status', code: 410, metadata: {} };
    expect(watchEventOf('ERROR', status)).toEqual({ type: 'error', status });
  });
});
