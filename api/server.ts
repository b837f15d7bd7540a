import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiDeps } from './deps';
import { createApp } from './app';

export interface RunningApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves the app on host:port (port 0 picks a free one) and closes gracefully, finishing requests in flight. */
export async function startApiServer(deps: ApiDeps, host: string, port: number): Promise<RunningApi> {
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: actualPort,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      })),
  };
}
