# syntax=docker/dockerfile:1
# One image for every HiveMatrix service: the production build (npm run build) run by plain node
# as a non-root user; the service is chosen by the first argument:
#   docker build -t hivematrix .
#   docker run --env-file instance/codex/.env -e HOST=0.0.0.0 hivematrix codex
# `hivematrix deploy kubernetes` writes manifests that run this image (see README, "Production").

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HIVEMATRIX_RUNTIME=build \
    HIVEMATRIX_INSTANCE_DIR=/var/lib/hivematrix
WORKDIR /app
# The bundles keep node_modules external and read their migrations, static files and fonts beside
# their sources (services/<name>/src/db/migrations, services/<name>/static, node_modules), so the
# tree is copied whole and only the production dependencies are installed.
COPY --from=build /app/package.json /app/package-lock.json /app/apps_registry.json ./
COPY --from=build /app/packages ./packages
COPY --from=build /app/services ./services
COPY --from=build /app/scripts/container-entry.sh /app/scripts/container-health.js ./scripts/
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && groupadd --system --gid 10001 hivematrix \
 && useradd --system --uid 10001 --gid hivematrix --home-dir /var/lib/hivematrix --shell /usr/sbin/nologin hivematrix \
 && mkdir -p /var/lib/hivematrix \
 && chown hivematrix:hivematrix /var/lib/hivematrix
USER 10001:10001
VOLUME ["/var/lib/hivematrix"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/scripts/container-health.js"]
ENTRYPOINT ["/app/scripts/container-entry.sh"]
CMD ["nexus"]
