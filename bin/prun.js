#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
// let what is written to stdout reach the reader before the process ends, unless the reader is gone
if (code === 141) process.exit(code);
process.stdout.write('', () => process.exit(code));
