// The relay of fd 1 to stderr a regular file (--threads, `2> file`), started on its own in a
// Node process that is then killed, as prun can be at any moment of its start.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertAllEnded } from '../helpers/processes.js';
import { bin, root } from '../helpers/prun.js';

const relayModule = join(root, 'src/cli/stderr-file-relay.ts');

test('prun killed between starting the relay and pointing fd 1 at it: the relay ends, and leaves no FIFO (was: its shell waited for ever to open the FIFO)', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'prun-test-relay-'));
  // the relay is this process's only child: its pid is said before the process kills itself
  const program = [
    `import { readFileSync, writeSync } from 'node:fs';`,
    `import { startStderrRelay } from ${JSON.stringify(relayModule)};`,
    `const relay = await startStderrRelay();`,
    `if (!relay) throw new Error('no relay');`,
    `writeSync(1, readFileSync('/proc/self/task/' + process.pid + '/children', 'latin1').trim() + '\\n');`,
    `process.kill(process.pid, 'SIGKILL');`,
  ].join('\n');
  const child = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    cwd: root,
    reject: false,
    stdin: 'ignore',
    env: { TMPDIR: dir },
    timeout: 30_000,
  });
  assert.equal(child.signal, 'SIGKILL', String(child.stderr));
  const pids = String(child.stdout).split(/\s+/).filter(Boolean).map(Number);
  assert.equal(pids.length, 1, String(child.stdout));
  await assertAllEnded(pids);
  assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('prun-stderr-')), []);
  await rm(dir, { recursive: true, force: true });
});

test('a TMPDIR where no folder can be made: the relay\'s FIFO is made elsewhere, and what the shell writes after prun lands after prun\'s lines (was: the stack trace of mkdtemp, exit 1)', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'prun-test-relay-'));
  // stderr a regular file, opened by the shell as `2> file` does (execa's own file option pipes)
  const script = '{ echo start >&2; "$0" "$@" > /dev/null; echo "status $?" >&2; echo end >&2; } 2> "$ERR"';
  const result = await execa('sh', ['-c', script, process.execPath, bin, 'map', 'fixtures/console-log.ts', '--threads', '2', '-k', ':::', '1', '2'], {
    cwd: root,
    reject: false,
    env: { TMPDIR: join(dir, 'none'), ERR: join(dir, 'err') },
    timeout: 30_000,
  });
  assert.equal(result.exitCode, 0);
  const said = (await readFile(join(dir, 'err'), 'utf8')).split('\n');
  const expected = ['1', '2'].flatMap((input) => ['log', 'error', 'write'].map((how) => `${how} from ${input}`));
  // none over another: the shell's lines first and last, prun's between, all there
  assert.deepEqual([said[0], ...said.slice(-3)], ['start', 'status 0', 'end', ''], said.join('\n'));
  assert.deepEqual(said.slice(1, -3).sort(), expected.sort(), said.join('\n'));
  await rm(dir, { recursive: true, force: true });
});
