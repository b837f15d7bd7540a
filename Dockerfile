# echodesk: one image, two processes.
#   api:    node dist/api/main.js     (HTTP on $PORT, default 3000; Prometheus metrics on $METRICS_PORT,
#                                      default 9464, never published; runs DB migrations at start)
#   worker: node dist/worker/main.js  (Temporal worker)
# docker-compose.yml runs both from this image.

# Node 22, the maintained LTS line (Node 20 reached its end of life in April 2026).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: message and page templates, the pages' CSS and scripts, the SLA policy
# (ECHODESK_SLA_POLICY), migrations. test/compose.test.ts finds every folder the code reads.
COPY templates ./templates
COPY public ./public
COPY config ./config
COPY db/migrations ./db/migrations
# The app's files stay owned by root: the process can read them, not change them.
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
