#!/usr/bin/env node
// Runs a TypeScript entry point with tsx's loader, so `npm ci` is the only install step.
// Usage: node bin/run-ts.js path/to/file.ts [args...]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [, , entry, ...rest] = process.argv;
if (!entry) {
  console.error('usage: run-ts.js FILE.ts [ARGS...]');
  process.exit(1);
}
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
