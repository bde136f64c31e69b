import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadServerConfig, runsInCluster } from './serverConfig.ts';

const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-web-'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html>');

describe('loadServerConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = loadServerConfig({ flags: { webRoot } });
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      logRequests: 'api',
      webRoot,
      dataDir: resolve('.raydeck'),
      kubeconfig: undefined,
      context: undefined,
      inCluster: 'auto',
      serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount',
      apiserverUrl: undefined,
      apiserverToken: undefined,
      namespaces: undefined,
      templatesNamespace: 'raydeck',
      sandboxWorld: undefined,
      sandboxSpeed: 1,
      trustedProxies: undefined,
      oidcScopes: ['openid', 'profile', 'email', 'groups'],
      oidcUsernameClaim: 'preferred_username',
      oidcGroupsClaim: 'groups',
      localLogin: true,
      jobLogMaxMb: 16,
      jobRetentionDays: 30,
      jobPackageMaxMb: 100,
    });
  });

  it('checks the OIDC settings: URLs, the callback path, team=group pairs, secrets unechoed', () => {
    const config = loadServerConfig({
      flags: {
        webRoot,
        oidcIssuer: 'https://idp.example.com/realms/ml',
        oidcRedirectUri: 'http://127.0.0.1:8080/api/v1/auth/oidc/callback',
        oidcTeamGroups: 'team-a=ml-team-a, team-a=ml-extra,team-b=ml-team-b',
        oidcAdminGroups: 'platform-admins,ops',
        localLogin: 'false',
      },
    });
    expect(config.oidcIssuer?.href).toBe('https://idp.example.com/realms/ml');
    expect(config.oidcAdminGroups).toEqual(['platform-admins', 'ops']);
    expect(config.localLogin).toBe(false);
    const bad = (): unknown =>
      loadServerConfig({
        flags: {
          webRoot,
          oidcIssuer: 'http://idp.example.com',
          oidcRedirectUri: 'https://portal.example.com/callback',
          oidcTeamGroups: 'Team_A=ml',
          oidcClientSecret: 'x'.repeat(5000),
        },
      });
    expect(bad).toThrow(/--oidc-issuer: must be https \(http only to 127\.0\.0\.1/);
    expect(bad).toThrow(/--oidc-redirect-uri: must end in \/api\/v1\/auth\/oidc\/callback/);
    expect(bad).toThrow(/--oidc-team-groups: "Team_A=ml" is not team=group/);
    expect(bad).toThrow(/--oidc-client-secret: must be at most 4096 characters\n/);
    expect(bad).not.toThrow(/xxxx/);
  });

  it('parses list, boolean and URL settings, naming each bad one', () => {
    const config = loadServerConfig({
      flags: {
        webRoot,
        namespaces: 'team-a, team-b',
        inCluster: 'true',
        apiserverUrl: 'http://10.0.0.5:31888/',
      },
    });
    expect(config.namespaces).toEqual(['team-a', 'team-b']);
    expect(config.inCluster).toBe(true);
    expect(config.apiserverUrl).toBe('http://10.0.0.5:31888');
    expect(() =>
      loadServerConfig({
        flags: { webRoot, namespaces: 'Team_A', inCluster: 'maybe', sandboxSpeed: '0' },
      }),
    ).toThrow(
      /--in-cluster: must be true or false[\s\S]*--namespaces: "Team_A" is not a namespace name[\s\S]*--sandbox-speed: must be a number above 0/,
    );
  });

  it('takes a PostgreSQL URL for the store, and never echoes a bad one (it holds a password)', () => {
    const url = 'postgres://raydeck:s3cret@db.internal:5432/raydeck?sslmode=require';
    expect(
      loadServerConfig({ flags: { webRoot }, env: { RAYDECK_DATABASE_URL: url } }).databaseUrl,
    ).toBe(url);
    for (const [bad, problem] of [
      [
        'mysql://raydeck:s3cret@db/raydeck',
        /RAYDECK_DATABASE_URL: must be a postgres:\/\/ URL, not mysql:/,
      ],
      ['postgres://raydeck:s3cret@db.internal', /must name a host and a database/],
      ['raydeck:s3cret@db', /must be a postgres:\/\/ URL/],
    ] as const) {
      let message = '';
      try {
        loadServerConfig({ flags: { webRoot }, env: { RAYDECK_DATABASE_URL: bad } });
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(problem);
      expect(message).not.toContain('s3cret');
    }
  });

  it('prefers a flag over the environment and the environment over the default', () => {
    const env = { RAYDECK_PORT: '9000', RAYDECK_HOST: '0.0.0.0', RAYDECK_WEB_ROOT: webRoot };
    expect(loadServerConfig({ env }).port).toBe(9000);
    expect(loadServerConfig({ env, flags: { port: '9100' } }).port).toBe(9100);
    expect(loadServerConfig({ env }).host).toBe('0.0.0.0');
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadServerConfig({ env: { RAYDECK_PORT: '', RAYDECK_WEB_ROOT: webRoot } }).port).toBe(
      8080,
    );
  });

  it('reports every invalid setting at once, naming its flag or variable', () => {
    let caught: unknown;
    try {
      loadServerConfig({
        flags: { port: '70000', webRoot },
        env: { RAYDECK_LOG_LEVEL: 'loud', RAYDECK_HOST: 'bad host' },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'RAYDECK_HOST: must be a host name or IP address (got "bad host")',
      '--port: must be an integer from 0 to 65535 (got "70000")',
      'RAYDECK_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
  });

  it('rejects a web root without a built app', () => {
    const empty = mkdtempSync(join(tmpdir(), 'raydeck-empty-'));
    expect(() => loadServerConfig({ flags: { webRoot: empty } })).toThrow(
      /--web-root: has no index.html .* run `npm run build` first/,
    );
  });

  it('rejects ports that are not plain integers', () => {
    for (const port of ['-1', '80.5', '1e3', ' 80']) {
      expect(() => loadServerConfig({ flags: { port, webRoot } }), port).toThrow(ConfigError);
    }
  });
});

describe('runsInCluster', () => {
  const mount = mkdtempSync(join(tmpdir(), 'raydeck-sa-'));
  writeFileSync(join(mount, 'token'), 'sa-token');
  const pod = { KUBERNETES_SERVICE_HOST: '10.43.0.1' };
  const auto = {
    inCluster: 'auto' as const,
    serviceAccountDir: mount,
    kubeconfig: undefined,
    apiserverUrl: undefined,
  };

  it('is on inside a pod: the service host set and a token mounted', () => {
    expect(runsInCluster(auto, pod)).toBe(true);
    expect(runsInCluster(auto, {})).toBe(false);
    expect(runsInCluster({ ...auto, serviceAccountDir: join(mount, 'absent') }, pod)).toBe(false);
  });

  it('yields to a kubeconfig or APIServer URL, and to an explicit choice', () => {
    expect(runsInCluster({ ...auto, kubeconfig: '/k' }, pod)).toBe(false);
    expect(runsInCluster({ ...auto, apiserverUrl: 'http://x' }, pod)).toBe(false);
    expect(runsInCluster({ ...auto, inCluster: false }, pod)).toBe(false);
    expect(runsInCluster({ ...auto, inCluster: true }, {})).toBe(true);
  });
});
