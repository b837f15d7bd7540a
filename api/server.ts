import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { ApiDeps } from './deps';
import { createApp } from './app';
import { createMetrics, metricsApp } from './ops/metrics';

export interface RunningApi {
  server: Server;
  port: number;
  /** Port of the Prometheus endpoint, or null when it is not served. */
  metricsPort: number | null;
  close(): Promise<void>;
}

/** Where to serve `GET /metrics`: a port of its own, never the public one. */
export interface MetricsListen {
  host: string;
  port: number;
}

async function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * Serves the app on host:port (port 0 picks a free one) and, when `metrics` is given, its Prometheus
 * metrics on a second listener; closes gracefully, finishing requests in flight.
 */
export async function startApiServer(
  deps: ApiDeps,
  host: string,
  port: number,
  metrics?: MetricsListen,
): Promise<RunningApi> {
  const collected = createMetrics(deps.pool);
  const server = await listen(createApp(deps, collected), host, port);
  let metricsServer: Server | undefined;
  try {
    if (metrics) metricsServer = await listen(metricsApp(collected.registry), metrics.host, metrics.port);
  } catch (err) {
    await closeServer(server);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : null,
    close: () =>
      (closing ??= Promise.all([closeServer(server), metricsServer && closeServer(metricsServer)]).then(
        () => undefined,
      )),
  };
}
