import net from 'node:net';

/** Embedded services listen on loopback only. */
export const LOOPBACK = '127.0.0.1';

/** The preferred port when it is free on `host`, otherwise any free port there. */
export async function pickPort(preferred: number, host: string = LOOPBACK): Promise<number> {
  if (preferred > 0 && (await isPortFree(preferred, host))) return preferred;
  return await freePort(host);
}

/** Whether nothing listens on `host:port` (checked by binding it for a moment). */
export function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error(`No free port on ${host}`))));
    });
  });
}

/** Whether a TCP connection to `host:port` opens within a second. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    const settle = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => settle(true));
    socket.once('timeout', () => settle(false));
    socket.once('error', () => settle(false));
  });
}
