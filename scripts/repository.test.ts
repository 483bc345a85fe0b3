/**
 * The repository stands alone: a clone from a public host has nothing beside it, so no tracked file
 * outside `docs/` may read, import or name a path outside the clone. Checked statically over every
 * tracked text file: relative path literals must resolve inside the repository, runs of `'..'`
 * segments may not climb above it, and the reference folder that sits beside a development
 * checkout is never named.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
/** This file, whose examples of escapes are the check's own test cases. */
const SELF = path
  .relative(root, import.meta.filename)
  .split(path.sep)
  .join('/');

/** Files whose text is data, not paths: code lists, fixtures, images, the lock file. */
const NOT_CODE = /\.(json|png|jpe?g|gif|ico|svg|woff2?|ttc|lock)$|(^|\/)package-lock\.json$/;

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && f !== SELF && !f.startsWith('docs/') && !NOT_CODE.test(f));
}

const inside = (target: string) => target === root || target.startsWith(`${root}${path.sep}`);

/** Where a file's paths reach outside the repository: `line: reason`. */
function escapesOf(file: string, text: string): string[] {
  const dir = path.dirname(path.join(root, file));
  const depth = path.relative(root, dir).split(path.sep).filter(Boolean).length;
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    // The reference folder beside a development checkout, however it is spelled.
    if (
      /\.\.[/\\]shared\b|['"]shared['"]\s*,\s*['"](twcore-ig|seed)|\bshared[/\\](twcore-ig|seed|SPEC\.md|STYLE\.md)/.test(
        line,
      )
    ) {
      found.push(`${at}: names the reference folder beside the checkout`);
    }
    // A relative path literal resolves from the file's own folder.
    for (const m of line.matchAll(/['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g)) {
      if (!inside(path.resolve(dir, m[1] ?? ''))) found.push(`${at}: ${m[1]} leaves the repository`);
    }
    // A run of '..' arguments (path.resolve(here, '..', '..', …)) climbs at most to the root.
    for (const m of line.matchAll(/(?:['"]\.\.['"]\s*,\s*)+['"]\.\.['"]|['"]\.\.['"]/g)) {
      const ups = (m[0].match(/\.\./g) ?? []).length;
      if (ups > depth) found.push(`${at}: ${ups} × '..' from a folder ${depth} deep`);
    }
  });
  return found;
}

describe('the repository stands alone', () => {
  it('no tracked file outside docs/ reaches outside the repository', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(300);
    const escapes = files.flatMap((file) => escapesOf(file, readFileSync(path.join(root, file), 'utf8')));
    expect(escapes).toEqual([]);
  });

  it('the check catches what used to happen', () => {
    // The reference folder's name, put together here so that this file does not itself name it.
    const beside = ['sha', 'red'].join('');
    expect(
      escapesOf(
        'packages/records/test-fixtures/fixtures.ts',
        `resolve(packageRoot, '..', '..', '..', '${beside}', 'twcore-ig')`,
      ),
    ).toHaveLength(1);
    expect(
      escapesOf('packages/records/scripts/x.mjs', `path.resolve(repoRoot, '..', '${beside}', 'twcore-ig')`),
    ).toHaveLength(1);
    expect(escapesOf('e2e/x.test.ts', "readFileSync('../../outside.json')")).toHaveLength(1);
    expect(escapesOf('e2e/x.test.ts', "resolve(import.meta.dirname, '..', '..', 'outside')")).toHaveLength(1);
    expect(escapesOf('e2e/support/x.ts', "resolve(import.meta.dirname, '../../packages/cli/dist/bin.js')")).toEqual([]);
  });
});
