import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { PodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

/** A kubernetes-models class: built from plain JSON, `validate()` throws on a schema error. */
type ModelClass = new (data: never) => { validate(): void };

/**
 * The core kinds the deploy kit may contain, keyed `apiVersion/kind`, each with its
 * kubernetes-models schema (Kubernetes 1.3x OpenAPI). A kind missing here fails the tests,
 * so a new kind in the kit gets a validator rather than a pass.
 */
const coreModels: Readonly<Record<string, ModelClass>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/**
 * Validates one core object against its Kubernetes schema. Returns the problem as text, or
 * undefined when the object is valid.
 */
export function validateCoreObject(object: {
  apiVersion: string;
  kind: string;
}): string | undefined {
  const model = coreModels[`${object.apiVersion}/${object.kind}`];
  if (!model) return `no validator for ${object.apiVersion} ${object.kind}`;
  return validationProblem(() => new model(object as never).validate());
}

/** Validates a pod template (as embedded in ray.io objects) against the core schema. */
export function validatePodTemplate(template: unknown): string | undefined {
  return validationProblem(() => new PodTemplateSpec(template as never).validate());
}

function validationProblem(validate: () => void): string | undefined {
  try {
    validate();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
