import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found from `start` (this file by default) whether it runs from sources or from dist/. */
export function projectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}
