# syntax=docker/dockerfile:1
# Build stage: compiles TypeScript and the sqlite3 native addon.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config ./config
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled output and production dependencies only, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY package.json ./
# /config holds the Butler YAML file, /certs the QRS client certificates (client.pem,
# client_key.pem, root.pem), /data the SQLite key-value file and, with Butler.fileLogging,
# the log files (/data/log). Mount all three.
RUN mkdir -p /config /certs /data && chown node:node /data
VOLUME ["/config", "/certs", "/data"]
USER node
ENV STG_SERVER_HOST=0.0.0.0 \
    STG_CLIENT_CERT=/certs/client.pem \
    STG_CLIENT_CERT_KEY=/certs/client_key.pem \
    STG_CLIENT_CERT_CA=/certs/root.pem \
    STG_KV_SQLITE_PATH=/data/keyvalues.sqlite \
    STG_LOG_DIRECTORY=/data/log
EXPOSE 8080
# Reads the same config file and STG_* variables as the service, so it finds the port and
# speaks HTTPS when tls.enable is true.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "dist/src/healthcheck/main.js", "--configfile", "/config/butler.yaml"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["--configfile", "/config/butler.yaml"]
