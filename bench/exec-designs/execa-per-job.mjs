// Design (a): execa for every job, from the main process. usage: node execa-per-job.mjs N JOBS
import './ballast.mjs';
import { execa } from 'execa';

const n = Number(process.argv[2]);
const jobs = Number(process.argv[3]);
let next = 0;
async function slot() {
  while (next < n) {
    const i = ++next;
    // detached: its own process group, as a per-job timeout needs
    const result = await execa('/bin/sh', ['-c', `true ${i}`], { stdin: 'ignore', reject: false, detached: true, stripFinalNewline: false });
    if (result.exitCode !== 0) process.exitCode = 1;
    if (result.stdout) process.stdout.write(result.stdout);
  }
}
await Promise.all(Array.from({ length: jobs }, slot));
