#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
// let what is written reach the readers before the process ends, unless stdout's reader is gone
if (code === 141) process.exit(code);
let unflushed = 2;
const flushed = () => --unflushed === 0 && process.exit(code);
process.stdout.write('', flushed);
process.stderr.write('', flushed);
