"""Ray Serve: the smallest useful HTTP app, and a check that it answers.

As a module, `serve_hello:app_builder` builds the application that
manifests/rayservice-hello.yaml deploys (its import_path; Serve calls a function found there
with the config's `args`). Each replica answers with a greeting, its count and its host.

As a script it deploys the app on the cluster it runs on, sends requests through Serve's
HTTP proxy, checks the answers, and (unless --keep) removes the app again.
Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python serve_hello.py --requests 20
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import urllib.request

GREETING = "hello from Ray Serve"


def build_app():
    """The Serve application: a deployment with two replicas behind an HTTP route."""
    from ray import serve

    @serve.deployment(num_replicas=2, ray_actor_options={"num_cpus": 0.5})
    class Hello:
        def __init__(self) -> None:
            self.host = socket.gethostname()
            self.served = 0

        async def __call__(self, request) -> dict:
            self.served += 1
            name = request.query_params.get("name", "world")
            return {"message": f"{GREETING}, {name}", "host": self.host, "served": self.served}

    return Hello.bind()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--port", type=int, default=8000, help="Serve HTTP port (default 8000)")
    parser.add_argument("--keep", action="store_true", help="leave the app running afterwards")
    args = parser.parse_args()

    import ray
    from ray import serve

    ray.init()
    serve.start(http_options={"host": "0.0.0.0", "port": args.port})
    serve.run(build_app(), name="hello", route_prefix="/hello")

    hosts, failures = set(), 0
    for index in range(args.requests):
        url = f"http://127.0.0.1:{args.port}/hello?name=check{index}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                body = json.load(response)
            if body.get("message") != f"{GREETING}, check{index}":
                failures += 1
            hosts.add(body.get("host"))
        except OSError as error:
            print(f"  request {index} failed: {error}")
            failures += 1
    if not args.keep:
        serve.delete("hello")

    print(f"{args.requests} requests, {failures} failed, answered from {sorted(hosts)}")
    if failures:
        print(f"FAIL: {failures} of {args.requests} requests got no or a wrong answer")
        return 1
    print(f"PASS: Ray Serve answered {args.requests} requests at /hello")
    return 0


def app_builder(args: dict):
    """What `import_path: serve_hello:app_builder` names; `args` is unused."""
    return build_app()


if __name__ == "__main__":
    sys.exit(main())
