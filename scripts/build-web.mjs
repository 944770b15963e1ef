#!/usr/bin/env node
/**
 * Builds the web app (web/ → web/dist) with Vite. Run by `npm ci`/`npm install` (postinstall)
 * and, with --if-stale, by `npm start` and `npm test`, which rebuild only when a source file is
 * newer than the last build. Plain JavaScript: it runs before anything else is compiled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('../web/', import.meta.url));
const builtIndex = path.join(webDir, 'dist', 'index.html');

function newestSourceTime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!fs.existsSync(builtIndex)) return true;
  return newestSourceTime(webDir) > fs.statSync(builtIndex).mtimeMs;
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  if (fs.existsSync(builtIndex)) process.exit(0);
  process.stderr.write('The web app is not built and Vite is not installed: run `npm ci` first.\n');
  process.exit(1);
}
const started = Date.now();
await vite.build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
process.stdout.write(`web app built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
