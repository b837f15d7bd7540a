import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { ensureDockerCompose } from '../devstack/docker-compose';

const run = promisify(execFile);

const ROOT = path.resolve(__dirname, '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

type StringOrList = string | string[] | undefined;

interface PortObject {
  target: number | string;
  published?: number | string;
  host_ip?: string;
}

interface ComposeService {
  image?: string;
  build?: { context?: string } | string;
  command?: StringOrList;
  entrypoint?: StringOrList;
  environment?: Record<string, string | number | boolean | null>;
  ports?: Array<string | PortObject>;
  depends_on?: Record<string, { condition?: string }>;
  container_name?: string;
  healthcheck?: { test?: StringOrList };
  cpu_shares?: number;
}

interface ComposeConfig {
  services: Record<string, ComposeService>;
}

interface PortMapping {
  hostIp: string;
  published: string;
  target: string;
}

let composeBin: string;
let composeMajor: number;
let workDir: string;
let emptyEnvFile: string;

beforeAll(async () => {
  composeBin = await ensureDockerCompose();
  const { stdout } = await run(composeBin, ['version', '--short']);
  composeMajor = Number(/^v?(\d+)\./.exec(stdout.trim())?.[1] ?? NaN);
  workDir = await mkdtemp(path.join(tmpdir(), 'echodesk-compose-'));
  emptyEnvFile = path.join(workDir, 'empty.env');
  await writeFile(emptyEnvFile, '');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Runs Compose on our file with no settings but `env`: no developer shell variables, no .env file. */
function compose(args: string[], env: Record<string, string> = {}) {
  const base = ['--project-directory', ROOT, '--env-file', emptyEnvFile, '-f', COMPOSE_FILE];
  const cleanEnv = {
    PATH: process.env.PATH ?? '',
    HOME: workDir,
    ECHODESK_SECRET: 'compose-test-secret',
    ...env,
  };
  return run(composeBin, [...base, ...args], { cwd: ROOT, env: cleanEnv });
}

/** The fully resolved stack. Compose v2 prints JSON; v1 prints only YAML, which PyYAML (a v1 dependency) converts. */
async function resolvedConfig(env: Record<string, string> = {}): Promise<ComposeConfig> {
  if (composeMajor >= 2) {
    return asComposeConfig((await compose(['config', '--format', 'json'], env)).stdout);
  }
  const { stdout: yaml } = await compose(['config'], env);
  const toJson = 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)';
  try {
    return asComposeConfig(execFileSync('python3', ['-c', toJson], { input: yaml, encoding: 'utf8' }));
  } catch (error) {
    throw new Error(
      `reading Compose v1 output needs python3 with PyYAML (Compose v1 itself depends on it): ${String(error)}`,
    );
  }
}

function asComposeConfig(json: string): ComposeConfig {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || !('services' in parsed)) {
    throw new Error(`docker-compose config printed no services: ${json.slice(0, 200)}`);
  }
  return parsed as ComposeConfig;
}

function service(config: ComposeConfig, name: string): ComposeService {
  const found = config.services[name];
  if (found === undefined) throw new Error(`service ${name} is missing from docker-compose.yml`);
  return found;
}

const asList = (value: StringOrList): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** The shell a one-shot container runs: its entrypoint and command, joined. */
const script = (svc: ComposeService): string =>
  [...asList(svc.entrypoint), ...asList(svc.command)].join('\n');

function registeredSearchAttributes(
  svc: ComposeService,
): Array<{ namespace: string; name: string; type: string }> {
  const pattern = /temporal operator search-attribute create --namespace (\S+) --name (\S+) --type (\S+)/g;
  return [...script(svc).matchAll(pattern)].map(([, namespace, name, type]) => ({ namespace, name, type }));
}

function portMappings(svc: ComposeService): PortMapping[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port !== 'string') {
      return {
        hostIp: port.host_ip ?? '',
        published: String(port.published ?? ''),
        target: String(port.target),
      };
    }
    const parts = port.replace(/\/\w+$/, '').split(':');
    const [hostIp, published, target] = parts.length === 3 ? parts : ['', ...parts];
    return { hostIp, published, target };
  });
}

const environment = (svc: ComposeService): Record<string, string> =>
  Object.fromEntries(Object.entries(svc.environment ?? {}).map(([key, value]) => [key, String(value)]));

const buildContext = (svc: ComposeService): string | undefined =>
  typeof svc.build === 'string' ? svc.build : svc.build?.context;

describe('docker-compose.yml', () => {
  let config: ComposeConfig;

  beforeAll(async () => {
    config = await resolvedConfig();
  });

  it('when Compose validates it with only the secret set, then it accepts it and every other variable has a default', async () => {
    const { stderr } = await compose(['config', '-q']);
    expect(stderr).not.toMatch(/variable is not set/i);
  });

  it('when ECHODESK_SECRET is not set, then Compose refuses the file and says what to set', async () => {
    const refused = await compose(['config', '-q'], { ECHODESK_SECRET: '' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(String(refused)).toContain('ECHODESK_SECRET');
  });

  it('when the stack is resolved, then it has Postgres, Temporal, its admin tools and UI, the api and the worker', () => {
    expect(Object.keys(config.services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal',
        'temporal-admin-tools',
        'temporal-ui',
        'api',
        'worker',
      ]),
    );
    expect(service(config, 'postgres').image).toBe('postgres:17');
  });

  it('when the admin tools run, then they register exactly SEARCH_ATTRIBUTES in the namespace the app uses', () => {
    const registered = registeredSearchAttributes(service(config, 'temporal-admin-tools'));
    const expected = SEARCH_ATTRIBUTES.map(({ name, type }) => `${name}:${type}`).sort();
    expect(registered.map(({ name, type }) => `${name}:${type}`).sort()).toEqual(expected);
    const appNamespace = environment(service(config, 'api')).TEMPORAL_NAMESPACE;
    expect(new Set(registered.map(({ namespace }) => namespace))).toEqual(new Set([appNamespace]));
  });

  it('when api and worker are resolved, then they run one image with the same environment names', () => {
    const api = service(config, 'api');
    const worker = service(config, 'worker');
    expect(api.image).toBeDefined();
    expect(worker.image).toBe(api.image);
    expect(buildContext(worker)).toBe(buildContext(api));
    expect(Object.keys(environment(worker)).sort()).toEqual(Object.keys(environment(api)).sort());
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE']) {
      expect(environment(worker)[name]).toBe(environment(api)[name]);
    }
    expect(asList(api.command)).toEqual(['node', 'dist/api/main.js']);
    expect(asList(worker.command)).toEqual(['node', 'dist/worker/main.js']);
  });

  it('when api and worker share a host, then intake comes first: the worker has the smaller CPU weight', () => {
    const weight = (name: string) => Number(service(config, name).cpu_shares ?? 1024);
    expect(weight('worker')).toBeLessThan(weight('api'));
  });

  it('when the app connects, then it uses the echodesk database on postgres and Temporal at temporal:7233', () => {
    const env = environment(service(config, 'api'));
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/echodesk:[^@]+@postgres:5432\/echodesk$/);
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'default',
      PORT: '3000',
    });
  });

  it('when the worker is scaled, then no container name or published port pins it to one container', () => {
    const worker = service(config, 'worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
  });

  it('when api and worker start, then Postgres is healthy and the search attributes are registered first', () => {
    for (const name of ['api', 'worker']) {
      expect(service(config, name).depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        'temporal-admin-tools': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('when the api runs, then it is published on 3000 and its health is read from /readyz', () => {
    const api = service(config, 'api');
    expect(portMappings(api)).toContainEqual(expect.objectContaining({ published: '3000', target: '3000' }));
    expect(asList(api.healthcheck?.test).join(' ')).toContain('/readyz');
  });

  it('when the api serves metrics, then they are on METRICS_PORT, which is published nowhere', () => {
    const api = service(config, 'api');
    const metricsPort = environment(api).METRICS_PORT;
    expect(metricsPort).toBe('9464');
    expect(portMappings(api).map((p) => p.target)).toEqual(['3000']);
    const published = Object.values(config.services).flatMap((svc) =>
      portMappings(svc).flatMap((p) => [p.target, p.published]),
    );
    expect(published).not.toContain(metricsPort);
  });

  it('when Temporal runs, then it stores its state in PostgreSQL and the UI reaches it on 8233', () => {
    expect(environment(service(config, 'temporal'))).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgres',
    });
    expect(environment(service(config, 'temporal-admin-tools')).TEMPORAL_ADDRESS).toBe('temporal:7233');
    const ui = service(config, 'temporal-ui');
    expect(environment(ui).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(portMappings(ui)).toContainEqual(expect.objectContaining({ published: '8233', target: '8080' }));
  });

  it('when passwords are set in the environment, then every service that needs one gets the same value', async () => {
    const withSecrets = await resolvedConfig({
      ECHODESK_DB_PASSWORD: 'app-secret',
      TEMPORAL_DB_PASSWORD: 'temporal-secret',
    });
    expect(environment(service(withSecrets, 'postgres'))).toMatchObject({
      ECHODESK_DB_PASSWORD: 'app-secret',
      TEMPORAL_DB_PASSWORD: 'temporal-secret',
    });
    for (const name of ['api', 'worker']) {
      expect(environment(service(withSecrets, name)).DATABASE_URL).toBe(
        'postgres://echodesk:app-secret@postgres:5432/echodesk',
      );
    }
    expect(environment(service(withSecrets, 'temporal')).POSTGRES_PWD).toBe('temporal-secret');
    expect(environment(service(withSecrets, 'temporal-schema')).SQL_PASSWORD).toBe('temporal-secret');
  });
});

describe('Dockerfile', () => {
  let runtimeStage: string;

  beforeAll(async () => {
    const dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m);
    runtimeStage = stages[stages.length - 1];
  });

  it('when the runtime image is built, then it installs production dependencies only and runs as a non-root user', () => {
    expect(runtimeStage).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(runtimeStage).toMatch(/^ENV NODE_ENV=production$/m);
    const users = [...runtimeStage.matchAll(/^USER (\S+)/gm)].map(([, user]) => user);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users[users.length - 1]);
  });

  it('when the runtime image is built, then it carries the compiled code and every file the app reads at run time', async () => {
    expect(runtimeStage).toMatch(/^COPY --from=build \S*\/dist \.\/dist$/m);
    const copied = [...runtimeStage.matchAll(/^COPY (?!--)(\S+) \.\/(\S+)$/gm)].map(([, from, to]) => {
      expect(to).toBe(from);
      return from;
    });
    // Every folder the application code reads from the project root at run time (found in the sources,
    // so a new one cannot be forgotten), and `config/` for the default SLA policy file.
    const read = new Set(['config']);
    for (const dir of ['api', 'app', 'worker', 'lib', 'config', 'db', 'activities']) {
      for (const file of await readdir(path.join(ROOT, dir), { recursive: true })) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const source = await readFile(path.join(ROOT, dir, file), 'utf8');
        for (const [, ...parts] of source.matchAll(/projectRoot\(\),\s*'([^']+)'(?:,\s*'([^']+)')?/g))
          read.add(parts.filter(Boolean).join('/'));
      }
    }
    expect([...read].sort()).toEqual(expect.arrayContaining(['public', 'templates', 'db/migrations']));
    const missing = [...read].filter(
      (needed) => !copied.some((dir) => needed === dir || needed.startsWith(`${dir}/`)),
    );
    expect(missing).toEqual([]);
  });
});
