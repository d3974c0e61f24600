# syntax=docker/dockerfile:1
#
# pascom Connector: the UCS App Center Docker app described by ucs-app.ini.
#   docker build -t docker.software-univention.de/pascom-connector:0.1.0 .
#
# Runtime contract with the App Center (appcenter/README_EN, docs/install.md):
# - PID 1 is tini; appcenter/image/entrypoint fixes the volumes' ownership as root, applies the
#   App settings, then runs the command (DockerScriptInit = CMD = serve) as the user "node".
# - State in the data volume, config.yaml and secrets in the conf volume (both bind-mounted at
#   the same path by the App Center; they survive upgrades).
# - App Center scripts run with "docker exec -u root" and drop to "node" the same way.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS builder
WORKDIR /app
# Toolchain for better-sqlite3 when no prebuilt binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY app ./app
COPY listener ./listener
COPY umc ./umc
COPY scripts/copy-assets.mjs ./scripts/copy-assets.mjs
# `npm run build` compiles, copies the views and static files next to the compiled code, and
# builds the UMC module.
RUN npm run build \
 && node umc/build.mjs --out /app/umc-dist \
 && npm prune --omit=dev

FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PASCOM_CONNECTOR_CONFIG=/var/lib/univention-appcenter/apps/pascom-connector/conf/config.yaml \
    PASCOM_CONNECTOR_DATA_DIR=/var/lib/univention-appcenter/apps/pascom-connector/data
WORKDIR /app
COPY --from=builder /app/package.json ./package.json
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/dist ./dist
# The UMC module; the join script copies it from here onto the UCS host.
COPY --from=builder /app/umc-dist ./umc
COPY appcenter ./appcenter
RUN chmod 0755 appcenter/setup appcenter/configure appcenter/store_data appcenter/listener_trigger \
        appcenter/image/entrypoint appcenter/image/as-app appcenter/image/fix-permissions appcenter/image/reload \
        appcenter/image/pascom-connector \
 && ln -s /app/appcenter/image/pascom-connector /usr/local/bin/pascom-connector \
 && mkdir -p /var/lib/univention-appcenter/apps/pascom-connector/data /var/lib/univention-appcenter/apps/pascom-connector/conf \
 && chown -R node:node /var/lib/univention-appcenter/apps/pascom-connector \
 && chmod 0700 /var/lib/univention-appcenter/apps/pascom-connector/data /var/lib/univention-appcenter/apps/pascom-connector/conf
# Smoke test of the shipped artefact: the CLI loads with its production dependencies.
RUN node dist/app/cli/main.js --help >/dev/null

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:8080/pascom-connector/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# No "USER node" here on purpose: the entrypoint needs root for a moment to hand the App
# Center's root-owned volumes and /etc/machine.secret to "node", then drops to it (setpriv).
ENTRYPOINT ["/usr/bin/tini", "--", "/app/appcenter/image/entrypoint"]
CMD ["node", "/app/dist/app/cli/main.js", "serve"]
