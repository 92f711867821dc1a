#!/usr/bin/env node
// Entry point: the toolkit is written in TypeScript and run through tsx, so that
// `npm ci` is the only setup step (no separate build to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
