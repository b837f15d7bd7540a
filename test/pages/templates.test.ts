import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/project-root';

const root = path.join(projectRoot(), 'templates');

function hbsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return hbsFiles(full);
    return entry.name.endsWith('.hbs') ? [full] : [];
  });
}

describe('page templates', () => {
  const pageDirs = ['pages', 'layouts', 'partials'].map((d) => path.join(root, d));

  test('when any page template is read, then it never uses triple-stash (unescaped) output', () => {
    const files = pageDirs.flatMap(hbsFiles);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) => /\{\{\{|\{\{&/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('when the two page dictionaries are compared, then they have the same keys', () => {
    const zh = JSON.parse(readFileSync(path.join(root, 'i18n', 'zh-CN.json'), 'utf8')) as Record<
      string,
      string
    >;
    const en = JSON.parse(readFileSync(path.join(root, 'i18n', 'en.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  test('when a page uses {{t "key"}}, then both dictionaries have that key', () => {
    const zh = JSON.parse(readFileSync(path.join(root, 'i18n', 'zh-CN.json'), 'utf8')) as Record<
      string,
      string
    >;
    const used = pageDirs
      .flatMap(hbsFiles)
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\(?t "([\w.]+)"/g)].map((m) => m[1]));
    expect(used.filter((key) => !(key in zh))).toEqual([]);
  });
});
