// Designs (c), (c') and (d): long-lived helpers fed job lines over a pipe, outputs in files.
// usage: node lanes.mjs lane|lane-eval|perl N JOBS   (runs N x `true I`, JOBS at a time)
// Dash lanes: one per job slot, each given 2 jobs ahead. Perl: one spawner for all slots.
import './ballast.mjs';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlink } from 'node:fs';
import { tmpdir } from 'node:os';

const [kind, nArg, jobsArg] = process.argv.slice(2);
const n = Number(nArg);
const jobs = Number(jobsArg);
const dir = mkdtempSync(`${existsSync('/dev/shm') ? '/dev/shm' : tmpdir()}/prun-design-`);
const here = new URL('.', import.meta.url).pathname;
let next = 0;
let done = 0;
const helpers = [];
const count = kind === 'perl' ? 1 : jobs;
const depth = kind === 'perl' ? jobs : 2;

function feed(helper) {
  let lines = '';
  while (helper.busy < depth && next < n) {
    const i = ++next;
    helper.busy++;
    lines += `${i}\ttrue ${i}\n`;
  }
  if (lines) helper.proc.stdin.write(lines);
}

for (let k = 0; k < count; k++) {
  const [file, args] =
    kind === 'perl' ? ['perl', [`${here}spawner.pl`, dir]] : ['/bin/sh', [`${here}lane.sh`, dir, kind === 'lane-eval' ? 'eval' : 'sh']];
  const proc = execa(file, args, { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit', buffer: false });
  const helper = { proc, busy: 0 };
  let rest = '';
  proc.stdout.on('data', (chunk) => {
    const lines = (rest + chunk.toString('latin1')).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const [id, status, out] = line.split(' ');
      if (status !== '0') process.exitCode = 1;
      if (out === '1') process.stdout.write(readFileSync(`${dir}/${id}.o`));
      unlink(`${dir}/${id}.o`, () => {});
      unlink(`${dir}/${id}.e`, () => {});
      helper.busy--;
      done++;
    }
    if (done === n) for (const h of helpers) h.proc.stdin.end();
    else feed(helper);
  });
  helpers.push(helper);
  feed(helper);
}
if (n === 0) for (const h of helpers) h.proc.stdin.end();
await Promise.all(helpers.map((h) => h.proc.catch(() => {})));
rmSync(dir, { recursive: true, force: true });
