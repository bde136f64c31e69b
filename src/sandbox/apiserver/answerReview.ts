import type { RbacAuthorizer } from './RbacAuthorizer.ts';
import type { RequestAttributes } from './requestAttributes.ts';
import type { ResourceType } from './resourceType.ts';
import { badRequest, StatusError } from './statusError.ts';
import type { UserInfo } from './userInfo.ts';

/** `spec.resourceAttributes` of an access review. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** `spec.nonResourceAttributes` of an access review. */
export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface ReviewBody {
  spec?: {
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: NonResourceAttributes;
    user?: string;
    uid?: string;
    groups?: string[];
    namespace?: string;
  };
}

const allowAllReason = 'the sandbox allows every request (start it with --rbac to evaluate RBAC)';

/**
 * Answers the create-only review kinds, never stored: SelfSubjectAccessReview and
 * SubjectAccessReview (`kubectl auth can-i`), SelfSubjectRulesReview (`kubectl auth can-i
 * --list`) and authentication.k8s.io SelfSubjectReview (`kubectl auth whoami`). With an
 * authorizer they are decided from RBAC; without one (no `--rbac`) everything is allowed, as the
 * sandbox then allows every request.
 */
export function answerReview(
  type: ResourceType,
  body: unknown,
  user: UserInfo,
  authorizer: RbacAuthorizer | undefined,
): object {
  const spec = (body as ReviewBody | undefined)?.spec ?? {};
  const answer = (status: object, echoedSpec: object | undefined = spec): object => ({
    kind: type.kind,
    apiVersion: `${type.group}/${type.version}`,
    metadata: { creationTimestamp: null },
    ...(echoedSpec ? { spec: echoedSpec } : {}),
    status,
  });
  if (type.kind === 'SelfSubjectReview') {
    return answer(
      {
        userInfo: {
          username: user.username,
          ...(user.uid ? { uid: user.uid } : {}),
          groups: user.groups,
          ...(user.extra ? { extra: user.extra } : {}),
        },
      },
      undefined,
    );
  }
  if (type.kind === 'SelfSubjectRulesReview') {
    if (!spec.namespace) throw badRequest('no namespace on request');
    return answer(
      authorizer
        ? authorizer.rulesFor(user, spec.namespace)
        : {
            resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
            incomplete: false,
          },
    );
  }
  if (!spec.resourceAttributes === !spec.nonResourceAttributes) {
    throw new StatusError(
      422,
      'Invalid',
      `${type.kind}.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    );
  }
  const subject: UserInfo =
    type.kind === 'SubjectAccessReview'
      ? { username: spec.user ?? '', groups: spec.groups ?? [] }
      : user;
  const decision = authorizer
    ? authorizer.authorize(subject, reviewAttributes(spec))
    : { allowed: true, reason: allowAllReason };
  return answer({
    allowed: decision.allowed,
    ...(decision.reason ? { reason: decision.reason } : {}),
  });
}

function reviewAttributes(spec: NonNullable<ReviewBody['spec']>): RequestAttributes {
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes ?? {};
  return {
    resourceRequest: !!resource,
    verb: resource ? (resource.verb ?? '') : (nonResource.verb ?? ''),
    path: nonResource.path ?? '',
    apiGroup: resource?.group ?? '',
    apiVersion: resource?.version ?? '',
    namespace: resource?.namespace ?? '',
    resource: resource?.resource ?? '',
    subresource: resource?.subresource ?? '',
    name: resource?.name ?? '',
  };
}
