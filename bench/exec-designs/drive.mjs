// Where does the time of one `prun exec` job go? Runs each design for N x `true`, 2 at a time,
// with N inputs and with none, in interleaved rounds; per-job cost = (median(N) - median(0)) / N,
// which takes start-up out. Wall time, and CPU time (user + sys of the whole process tree, from
// bash's `time`), which stays steadier when the machine is busy with other work.
// usage: npm run build && node bench/exec-designs/drive.mjs   (N=500 ROUNDS=5 ONLY=regex)
// Needs: cc, perl, xargs, GNU parallel; execa from the project's node_modules.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env.N ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const here = new URL('.', import.meta.url).pathname;
const prun = new URL('../../bin/prun.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'prun-exec-designs-'));
const inputs = (n) => join(work, n ? 'inputs.txt' : 'none.txt');
writeFileSync(inputs(0), '');
writeFileSync(inputs(N), Array.from({ length: N }, (_, i) => `${i + 1}\n`).join(''));
const floor = join(work, 'floor');
if (spawnSync('cc', ['-O2', '-o', floor, join(here, 'floor.c')], { stdio: 'inherit' }).status !== 0) throw new Error('cc failed');

const designs = {
  'floor: C posix_spawn of sh -c': (n) => `${floor} ${n} 2`,
  'xargs -P2 -n1 true': (n) => `xargs -P2 -n1 true < ${inputs(n)}`,
  "xargs -P2 -I{} sh -c 'true {}'": (n) => `xargs -P2 -I{} sh -c 'true {}' < ${inputs(n)}`,
  'GNU parallel -j2 true': (n) => `parallel --will-cite -j2 true < ${inputs(n)}`,
  '(a) execa per job': (n) => `node execa-per-job.mjs ${n} 2`,
  '(b) child_process.spawn per job': (n) => `node spawn-per-job.mjs ${n} 2`,
  '(b) spawn per job, 64 MiB heap': (n) => `BALLAST_MB=64 node spawn-per-job.mjs ${n} 2`,
  '(c) dash lanes, sh -c': (n) => `node lanes.mjs lane ${n} 2`,
  '(c) dash lanes, sh -c, 64 MiB heap': (n) => `BALLAST_MB=64 node lanes.mjs lane ${n} 2`,
  "(c') dash lanes, eval in a subshell": (n) => `node lanes.mjs lane-eval ${n} 2`,
  '(d) one perl spawner, setpgrp + sh -c': (n) => `node lanes.mjs perl ${n} 2`,
  'prun exec -j 2 (the built CLI)': (n) => `${prun} exec 'true {}' -j 2 < ${inputs(n)}`,
};
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : undefined;
const names = Object.keys(designs).filter((name) => !only || only.test(name));
const samples = Object.fromEntries(names.map((name) => [name, { wall: [[], []], cpu: [[], []] }]));

function time(command) {
  const script = `TIMEFORMAT='@@ %3R %3U %3S'; time ( ${command} >/dev/null 2>/dev/null )`;
  const result = spawnSync('bash', ['-c', script], { cwd: here, encoding: 'utf8' });
  const match = /@@ ([\d.]+) ([\d.]+) ([\d.]+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`${command}: ${result.stderr}`);
  return { wall: Number(match[1]) * 1000, cpu: (Number(match[2]) + Number(match[3])) * 1000 };
}

const loadBefore = loadavg()[0];
for (const name of names) time(designs[name](N)); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const name of names) {
    for (const [i, n] of [[0, 0], [1, N]]) {
      const t = time(designs[name](n));
      samples[name].wall[i].push(t.wall);
      samples[name].cpu[i].push(t.cpu);
    }
  }
}
rmSync(work, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const perJob = ([none, all]) => (median(all) - median(none)) / N;
const rows = names.map((name) => ({ name, wall: perJob(samples[name].wall), cpu: perJob(samples[name].cpu), start: median(samples[name].wall[0]) }));
const base = rows[0];
console.log(`${N} x \`true\`, 2 at a time; medians of ${ROUNDS} interleaved rounds; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after\n`);
console.log('| design | wall ms a job | x floor | CPU ms a job | x floor | start-up ms |\n|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.name} | ${row.wall.toFixed(2)} | ${(row.wall / base.wall).toFixed(2)} | ${row.cpu.toFixed(2)} | ${(row.cpu / base.cpu).toFixed(2)} | ${row.start.toFixed(0)} |`);
}
