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
# client_key.pem, root.pem), /data the SQLite key-value file. Mount all three.
RUN mkdir -p /config /certs /data && chown node:node /data
VOLUME ["/config", "/certs", "/data"]
USER node
ENV STG_SERVER_HOST=0.0.0.0 \
    STG_CLIENT_CERT=/certs/client.pem \
    STG_CLIENT_CERT_KEY=/certs/client_key.pem \
    STG_CLIENT_CERT_CA=/certs/root.pem \
    STG_KV_SQLITE_PATH=/data/keyvalues.sqlite
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.STG_SERVER_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["--configfile", "/config/butler.yaml"]
