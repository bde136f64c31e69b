/**
 * How suites shared by both modes run the portal, chosen per Vitest project by the environment
 * variable {@link portalTestModeVariable} (vitest.config.ts): `embedded` (the default) runs it
 * against a sandbox it owns; `deployed` runs `raydeck serve` as the deploy kit's pod, against an
 * RBAC-enforcing sandbox with the kit applied (test/support/startDeployedPortal.ts).
 */
export type PortalTestMode = 'embedded' | 'deployed';

/** The variable the `*-deployed` Vitest projects set. Unset means `embedded`. */
export const portalTestModeVariable = 'RAYDECK_TEST_PORTAL_MODE';

/** The mode of this test run; throws on an unknown value rather than silently testing the other. */
export function portalTestMode(
  env: Readonly<Record<string, string | undefined>> = process.env,
): PortalTestMode {
  const value = env[portalTestModeVariable] ?? 'embedded';
  if (value !== 'embedded' && value !== 'deployed') {
    throw new Error(`${portalTestModeVariable} must be embedded or deployed, got "${value}"`);
  }
  return value;
}
