/**
 * The Serve config of the `serve_hello` sample (manifests/rayservice-hello.yaml's serveConfigV2,
 * deploying workloads/serve_hello.py at /hello): the create page's starting point. Kept equal to
 * the manifest by serveHelloSample.test.ts.
 */
export const serveHelloServeConfig = `applications:
  - name: hello
    import_path: serve_hello:app_builder
    route_prefix: /hello
    deployments:
      - name: Hello
        num_replicas: 2
        ray_actor_options:
          num_cpus: 0.5
`;
