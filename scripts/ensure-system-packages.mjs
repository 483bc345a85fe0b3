#!/usr/bin/env node
/**
 * Browser tests drive Debian's Chromium through playwright-core; we never download browsers.
 * Before `npm test` this makes sure Chromium (and CJK fonts, so pages in Traditional Chinese render
 * in screenshots) are installed: as root it installs them with apt-get, otherwise it stops with
 * the one line that installs them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const packages = [];
if (!existsSync(CHROMIUM_PATH)) packages.push('chromium');
if (!existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')) packages.push('fonts-noto-cjk');

if (packages.length > 0) {
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`Browser tests need ${packages.join(' and ')}. Install with: sudo sh -c '${command}'`);
    process.exit(1);
  }
  console.error(`installing ${packages.join(', ')} for the browser tests…`);
  try {
    execFileSync('sh', ['-c', command], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    console.error(`Installing failed. Install with: sudo sh -c '${command}'`);
    process.exit(1);
  }
}
