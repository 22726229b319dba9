// A reference for start-up: plain `node --import tsx` loading square.ts and applying it to one line,
// what any TypeScript-running tool pays before starting a worker.
import { readFileSync } from 'node:fs';
import square from './square.js';

process.stdout.write(square(readFileSync(0, 'utf8').trim()) + '\n');
