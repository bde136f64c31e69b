import { describe, expect, it } from 'vitest';

import { decodeKubernetesProtobuf } from './kubernetesProtobuf.ts';

/** Request bodies kubectl 1.35 sent (from its `-v=8` hex dumps). */
const sent = {
  canIListPods:
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577123d0a100a0012001a0022002a00320038004200121f0a1d0a0764656661756c7412046c6973741a0022002a04706f647332003a001a08080012001a0020001a002200',
  canIGetHealthz:
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577122f0a100a0012001a0022002a003200380042001211120f0a082f6865616c74687a12036765741a08080012001a0020001a002200',
  canIList:
    '6b3873000a310a17617574686f72697a6174696f6e2e6b38732e696f2f7631121653656c665375626a65637452756c657352657669657712200a100a0012001a0022002a0032003800420012060a047465616d1a04180022001a002200',
  whoami:
    '6b3873000a2d0a1861757468656e7469636174696f6e2e6b38732e696f2f7631121153656c665375626a656374526576696577121a0a100a0012001a0022002a0032003800420012060a040a0012001a002200',
  createToken:
    '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e52657175657374123a0a100a0012001a0022002a0032003800420012200a03666f6f0a036261721a110a03506f64120276311a0270782202753120b0091a040a0012001a002200',
};
const decode = (hex: string) => decodeKubernetesProtobuf(Buffer.from(hex, 'hex'));

describe('decodeKubernetesProtobuf on bodies kubectl 1.35 sent', () => {
  it('reads kubectl auth can-i reviews', () => {
    expect(decode(sent.canIListPods)).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
    });
    expect(decode(sent.canIGetHealthz)).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    });
    expect(decode(sent.canIList)).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: 'team' },
    });
  });

  it('reads kubectl auth whoami and kubectl create token', () => {
    expect(decode(sent.whoami)).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(decode(sent.createToken)).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: ['foo', 'bar'],
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'px', uid: 'u1' },
        expirationSeconds: 1200,
      },
    });
  });

  it('declines other kinds, other bytes and truncated messages', () => {
    expect(decode(Buffer.from('not protobuf').toString('hex'))).toBeUndefined();
    const configMap = Buffer.concat([
      Buffer.from('6b387300', 'hex'),
      Buffer.from([0x0a, 0x0d, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x07]),
      Buffer.from('ConfigMap'.slice(0, 7)),
    ]);
    expect(decodeKubernetesProtobuf(configMap)).toBeUndefined();
    expect(decode(sent.createToken.slice(0, 60))).toBeUndefined();
  });
});
