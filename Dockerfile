# syntax=docker/dockerfile:1
# Raydeck portal image. From the repository root:
#   docker build -t raydeck:0.1.0 .
# Three stages: `build` compiles what `npm run build` produces (dist/node, dist/web) with
# every dependency; `deps` installs production dependencies only; the runtime stage copies
# both into a clean image that runs as a non-root user. Node 26 is the Active LTS line.
ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json tsconfig.build.json vite.config.ts ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    RAYDECK_HOST=0.0.0.0 \
    RAYDECK_PORT=8080
WORKDIR /app
# Owned by root and read-only to the runtime user: the app cannot rewrite itself.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# The sample workloads and their catalog, offered under "Run a sample workload".
COPY workloads ./workloads
# The slim images' `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RAYDECK_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/raydeck.js"]
# No flags here, so RAYDECK_* environment variables (e.g. from a ConfigMap) decide.
CMD ["serve"]
