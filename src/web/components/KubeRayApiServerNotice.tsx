import { Alert } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';

/**
 * A calm notice (not an error) for a feature the portal cannot offer through a KubeRay
 * APIServer v2 (`--apiserver-url`): `message` is the server's sentence, e.g. "The GPU inventory
 * is not available through the KubeRay APIServer: it forwards only …".
 */
export function KubeRayApiServerNotice({ message, title }: { message: string; title?: string }) {
  const heading = title ?? 'Not available through the KubeRay APIServer';
  return (
    <Alert
      // A named region, not an alert: nothing went wrong, the connection cannot offer this.
      role="region"
      aria-label={heading}
      color="gray"
      variant="light"
      title={heading}
      icon={<IconPlugConnectedX size={18} aria-hidden />}
      data-testid="kuberay-apiserver-notice"
    >
      {message}
    </Alert>
  );
}
