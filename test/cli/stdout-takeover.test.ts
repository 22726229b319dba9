import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { bin, lines, prun, root, runtimes } from '../helpers/prun.js';
import { useSmallDisk } from '../helpers/small-disk.js';
import { assertAllEnded, descendantsOf } from '../helpers/processes.js';
import { waitForLines } from '../helpers/streams.js';
import { stopTwiceUnread } from '../helpers/stalled-reader.js';

// What the user's function does to fd 1, one input each, in this order on one worker
// (fixtures/grab-stdout.ts): none of it may reach stdout, and prun must not fail.
const userFile = 'user.txt';
const grabs = ['write 1', 'exec 2', `reopen USER`, 'write 3', 'exec 4', 'close'];
const results = grabs.map((grab) => `ok ${grab.split(' ')[0]}`);

let dir: string;
let runs = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prun-stdout-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface ShellRun {
  status: number;
  out: string;
  err: string;
  user: string;
}

/**
 * Runs `sh -c SCRIPT` in a fresh folder, where `$PRUN` is the built CLI running the grabs
 * (`$PRUN_ARGS`), and reads back `out`, `err`, `status` and the user's file. The script
 * chooses what stdout and stderr are (file, pipe, device), which execa alone cannot.
 */
async function shell(runtime: string, script: string, args?: string[]): Promise<ShellRun> {
  const cwd = join(dir, String(++runs));
  const inputs = grabs.map((grab) => grab.replace('USER', join(cwd, userFile)));
  const prunArgs = args ?? ['map', join(root, 'fixtures/grab-stdout.ts'), runtime, '1', ':::', ...inputs];
  await execa('mkdir', [cwd]);
  const quoted = prunArgs.map((arg) => `'${arg}'`).join(' ');
  const run = await execa('/bin/sh', ['-c', `cd "${cwd}" && ${script.replaceAll('$PRUN', `"${bin}" ${quoted}`)}`], {
    cwd: root,
    reject: false,
    stdin: 'ignore',
  });
  assert.equal(run.exitCode, 0, `${String(run.stderr)}`);
  const read = (name: string) => readFile(join(cwd, name), 'utf8').catch(() => '');
  return { status: Number(await read('status')), out: await read('out'), err: await read('err'), user: await read(userFile) };
}

/** What the grabs write to fd 1 and to stderr before the function re-opens fd 1, sorted: stderr gets all of it when it is a file. */
const USER_LINES = ['fd1 exec 2', 'fd1 write 1', 'stderr after exec 2', 'stderr after exec 4', 'stderr after write 1', 'stderr after write 3'];

function assertUserWrites(run: ShellRun): void {
  // before the function re-opened fd 1 its writes went to stderr, after it to its own file
  assert.match(run.err, /^fd1 write 1$/m);
  assert.match(run.err, /^fd1 exec 2$/m);
  assert.deepEqual(lines(run.user), ['fd1 write 3', 'fd1 exec 4', '']);
}

for (const runtime of runtimes) {
  describe(`what the function does to fd 1 never reaches stdout (${runtime})`, () => {
    test('stdout a pipe, stderr a pipe: stdout holds the results only, the writes reach stderr', async () => {
      const run = await shell(runtime, `{ { $PRUN; echo $? > status; } 2>&1 1>&3 | cat > err; } 3>&1 | cat > out`);
      assert.equal(run.status, 0, run.err);
      assert.deepEqual(lines(run.out), [...results, '']);
      assertUserWrites(run);
    });

    test('stdout a regular file, stderr a pipe', async () => {
      const run = await shell(runtime, `{ $PRUN > out; echo $? > status; } 2>&1 | cat > err`);
      assert.equal(run.status, 0, run.err);
      assert.deepEqual(lines(run.out), [...results, '']);
      assertUserWrites(run);
    });

    test('stderr a regular file (2> err): what the function writes to fd 1 and to stderr all reaches it, none over another (was: fd 1\'s lines overwritten under --threads)', async () => {
      const run = await shell(runtime, `$PRUN > out 2> err; echo $? > status`);
      assert.equal(run.status, 0, run.err);
      assert.deepEqual(lines(run.out), [...results, '']);
      const said = lines(run.err).filter((line) => /^(fd1|stderr after) /.test(line));
      assert.deepEqual(said.sort(), USER_LINES);
    });

    test('{ echo first; prun; echo end; } 2> file: what the shell writes to stderr before and after prun keeps its place, over none of prun\'s lines (was: under --threads, `end` overwrote the file\'s start)', async () => {
      const run = await shell(runtime, `{ echo first >&2; $PRUN > out; echo $? > status; echo end >&2; } 2> err`);
      assert.equal(run.status, 0, run.err);
      assert.deepEqual(lines(run.out), [...results, '']);
      const said = lines(run.err);
      assert.equal(said[0], 'first', run.err);
      assert.deepEqual(said.slice(-2), ['end', ''], run.err);
      const user = said.filter((line) => /^(fd1|stderr after) /.test(line));
      assert.deepEqual(user.sort(), USER_LINES, run.err);
    });

    test('{ prun; echo end; } > file: what follows prun lands after its results, not over them', async () => {
      const run = await shell(runtime, `{ $PRUN 2>/dev/null; echo $? > status; echo end; } > out`);
      assert.equal(run.status, 0);
      assert.deepEqual(lines(run.out), [...results, 'end', '']);
    });

    test('>> file: results are appended', async () => {
      const run = await shell(runtime, `echo first > out; $PRUN >> out 2>/dev/null; echo $? > status`);
      assert.equal(run.status, 0);
      assert.deepEqual(lines(run.out), ['first', ...results, '']);
    });

    test('stdout a socket (a parent spawning prun with pipes): the results only', async () => {
      const cwd = join(dir, String(++runs));
      await execa('mkdir', [cwd]);
      const inputs = grabs.map((grab) => grab.replace('USER', join(cwd, userFile)));
      const result = await prun(['map', 'fixtures/grab-stdout.ts', runtime, '1', ':::', ...inputs]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout), results);
      assert.deepEqual(lines(await readFile(join(cwd, userFile), 'utf8')), ['fd1 write 3', 'fd1 exec 4', '']);
    });

    test('stdout a pipe whose reader goes away (| head -n 1): exit 141, nothing on stderr', async () => {
      const numbers = join(dir, `numbers-${++runs}`);
      await writeFile(numbers, Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join(''));
      const args = ['map', join(root, 'fixtures/square.ts'), numbers, runtime, '2', '--chunksize', '1'];
      const run = await shell(runtime, `{ $PRUN 2> err; echo $? > status; } | head -n 1 > out`, args);
      assert.equal(run.status, 141);
      assert.equal(run.err, '');
      assert.equal(run.out, '0\n');
    });

    test('the function posting on its channel (parentPort, process.send) is ignored, never a crash', async () => {
      const result = await prun(['map', 'fixtures/post-message.ts', runtime, '2', ':::', 'a', 'b', 'c']);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.deepEqual(lines(result.stdout), ['posted a', 'posted b', 'posted c']);
    });
  });
}

describe('regressions under --threads', () => {
  test('fs.closeSync(1) in the function made prun fail writing results with EBADF', async () => {
    const result = await prun(['map', 'fixtures/grab-stdout.ts', '--threads', '1', ':::', 'close', 'other']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.deepEqual(lines(result.stdout), ['ok close', 'ok other']);
  });

  test('--help after --threads still prints on stdout', async () => {
    const result = await prun(['map', '--threads', '--help']);
    assert.equal(result.exitCode, 0);
    assert.match(String(result.stdout), /--threads/);
  });
});

describe('stdout on a full disk: under --threads through the relay of stdout, under --procs written by prun', () => {
  const smallDisk = useSmallDisk(join(tmpdir(), `prun-relay-disk-${process.pid}`));
  // --joblog: the relay is prun's own, which confirms what it wrote (stdout-relay.ts)
  for (const [runtime, joblog] of [['--threads', false], ['--threads', true], ['--procs', true]] as const) {
    test(`${runtime}: prun's own line and exit 74, not the relay's words${joblog ? ', --joblog' : ''} (was: 'cat: write error: ...'; under --procs, no word of the rows)`, async (t) => {
      const mount = smallDisk(t);
      if (!mount) return;
      const out = join(mount, 'out.txt');
      const options = joblog ? ` --joblog ${join(dir, `joblog-${++runs}`)}` : '';
      const result = await execa('sh', ['-c', `seq 20000 | ${JSON.stringify(bin)} map fixtures/square.ts ${runtime} 1${options} > ${out}`], { cwd: root, reject: false });
      await rm(out, { force: true });
      assert.equal(result.exitCode, 74);
      // with a joblog, it says that results printed in the write the disk cut short have no row
      const rowless = joblog ? "; inputs whose results came after the joblog's last row have none, and --resume would run them again" : '';
      assert.equal(result.stderr, `prun: cannot write results: no space left on device${rowless}`);
    });
  }
});

describe('the relay that confirms its writes (--threads --joblog, stdout a file)', () => {
  // console-log.ts prints from the function on stdout and stderr, none of which may reach stdout
  const args = (count: number) => ['map', join(root, 'fixtures/console-log.ts'), '--threads', '2', '--joblog', 'joblog', ':::', ...Array.from({ length: count }, (_, i) => `${i}`)];
  const results = (count: number) => Array.from({ length: count }, (_, i) => `result ${i}`);

  test('{ prun; echo end; } > file: what follows prun lands after its results', async () => {
    const run = await shell('--threads', `{ $PRUN 2>/dev/null; echo $? > status; echo end; } > out`, args(300));
    assert.equal(run.status, 0);
    assert.deepEqual(lines(run.out), [...results(300), 'end', '']);
  });

  test('>> file: results are appended', async () => {
    const run = await shell('--threads', `echo first > out; $PRUN >> out 2>/dev/null; echo $? > status`, args(300));
    assert.equal(run.status, 0);
    assert.deepEqual(lines(run.out), ['first', ...results(300), '']);
  });

  test('> file 2>&1: results and what the function printed share the file, none over another', async () => {
    const run = await shell('--threads', `$PRUN > out 2>&1; echo $? > status`, args(300));
    assert.equal(run.status, 0);
    const all = lines(run.out);
    assert.deepEqual(all.filter((line) => !/^(log|error|write) from /.test(line)), [...results(300), '']);
    for (const what of ['log', 'error', 'write']) assert.equal(all.filter((line) => line.startsWith(`${what} from `)).length, 300, what);
  });

  test('prun killed by SIGKILL: the relay writes what it was sent, then ends', async () => {
    const cwd = join(dir, String(++runs));
    await execa('mkdir', [cwd]);
    const out = join(cwd, 'out');
    const child = execa('sh', ['-c', `exec ${JSON.stringify(bin)} map fixtures/wait-for-file.ts --threads 1 --joblog ${cwd}/joblog ::: ok 'wait ${join(dir, 'never')}' > ${out}`], {
      cwd: root,
      reject: false,
    });
    await waitForLines(child.stderr!, /^waiting /);
    const relays = [];
    for (const pid of await descendantsOf(child.pid!)) {
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('stdout-relay')) relays.push(pid);
    }
    assert.equal(relays.length, 1, 'one relay writes the file');
    child.kill('SIGKILL');
    await child;
    await assertAllEnded(relays);
    assert.equal(await readFile(out, 'utf8'), 'ok\n');
  });
});

describe('the relay (stdout a file or a socket) under --threads', () => {
  test('Ctrl-C on the terminal reaches prun, not the relay: running inputs are still printed', async () => {
    const flag = join(dir, `flag-${++runs}`);
    const inputs = Array.from({ length: 6 }, () => `wait ${flag}`);
    // its own process group, so that the signal goes to the whole group as a terminal sends it
    const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', '--threads', '2', '--chunksize', '1', ':::', ...inputs], {
      cwd: root,
      reject: false,
      detached: true,
    });
    await waitForLines(child.stderr!, /^waiting /, 2);
    process.kill(-child.pid!, 'SIGINT');
    await waitForLines(child.stderr!, /starting no more inputs/);
    await writeFile(flag, '');
    const result = await child;
    assert.equal(result.exitCode, 130);
    assert.deepEqual(lines(result.stdout), [`wait ${flag}`, `wait ${flag}`]);
  });

  test('prun killed by SIGKILL: the relay ends too (stdout closes)', async () => {
    const child = execa(bin, ['map', 'fixtures/wait-for-file.ts', '--threads', '1', ':::', `wait ${join(dir, 'never')}`], {
      cwd: root,
      reject: false,
    });
    await waitForLines(child.stderr!, /^waiting /);
    child.kill('SIGKILL');
    // execa settles once stdout has closed: only the relay still held it
    const result = await child;
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.stdout, '');
  });
});

describe('stdout a socket (a Node parent\'s pipe) under --threads', () => {
  test('a reader that goes with results unread: exit 141, nothing on stderr (was: the relay, `cat`, failed with ECONNRESET: exit 74)', { timeout: 180_000 }, async () => {
    const started = join(dir, `started-${++runs}`);
    await writeFile(started, '');
    const input = Array.from({ length: 2000 }, (_, i) => `${i}\n`).join('');
    const env = { PRUN_TEST_STARTED: started, PRUN_TEST_GATE: join(dir, 'no-gate'), PRUN_TEST_PAD: '1000' };
    const child = execa(bin, ['map', 'fixtures/gated.ts', '--threads', '2'], { cwd: root, reject: false, input, env, buffer: { stdout: false } });
    // it reads no more once it has some, and closes once prun has written more than it read:
    // Linux fails the next write to a socket closed with data unread with ECONNRESET, not EPIPE
    child.stdout!.once('data', () => child.stdout!.pause());
    for (let polls = 0; (await readFile(started, 'utf8')).split('\n').length < 1500 && polls < 400; polls++) await new Promise((resolve) => setTimeout(resolve, 50));
    child.stdout!.destroy();
    const result = await child;
    assert.equal(result.exitCode, 141, String(result.stderr));
    assert.equal(String(result.stderr), '');
  });

  test('--joblog, SIGTERM to prun and its relay at once (as `systemctl stop` sends it): exit 143 and the summary, no "cannot write results" (was: exit 74)', { timeout: 180_000 }, async () => {
    const joblog = join(dir, `joblog-${++runs}`);
    const out = join(dir, `out-${runs}`);
    const input = Array.from({ length: 300_000 }, (_, i) => `${i}\n`).join('');
    const child = execa(bin, ['map', 'fixtures/square.ts', '--threads', '2', '--joblog', joblog], { cwd: root, reject: false, input, stdout: { file: out } });
    // results flow through the relay
    let relay: number | undefined;
    for (let polls = 0; relay === undefined || (await readFile(out)).length === 0; polls++) {
      assert.ok(polls < 20_000, 'results flow');
      for (const pid of await descendantsOf(child.pid!)) {
        if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('stdout-relay')) relay = pid;
      }
    }
    process.kill(child.pid!, 'SIGTERM');
    process.kill(relay, 'SIGTERM');
    const result = await child;
    assert.equal(result.exitCode, 143, String(result.stderr));
    assert.doesNotMatch(String(result.stderr), /cannot write/);
    assert.match(lines(String(result.stderr)).at(-1)!, /^prun: 0 of \d+ inputs failed, \d+ never ran \(interrupted\)$/);
  });

  test('--joblog, a reader that goes after 20 KB: exit 141, and every result it got has a row (was: none for the results of the write the reader cut short; --resume ran them again)', { timeout: 180_000 }, async () => {
    const joblog = join(dir, `joblog-${++runs}`);
    const input = Array.from({ length: 2000 }, (_, i) => `${i}${'x'.repeat(1000)}\n`).join('');
    const child = execa(bin, ['map', 'fixtures/faults.ts', '--threads', '2', '--joblog', joblog], { cwd: root, reject: false, input, buffer: { stdout: false } });
    let got = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      if (got.length > 20_000) child.stdout!.destroy();
    });
    const result = await child;
    assert.equal(result.exitCode, 141, String(result.stderr));
    assert.equal(String(result.stderr), '');
    // what the socket took and the reader never read has rows too, as under --procs: only
    // "every result received has a row" is exact
    const rows = new Set(lines((await readFile(joblog, 'utf8')).trimEnd()).slice(1).map((row) => row.split('\t')[1]));
    const received = got.split('\n').slice(0, -1);
    assert.ok(received.length > 0);
    const rowless = received.filter((result) => !rows.has(result));
    assert.deepEqual(rowless.map((result) => result.slice(0, 8)), []);
  });

  test('--joblog, a reader that stops reading, prun told to end twice: what is counted has rows, and no more got out than the write the relay was ended in (was: the relay wrote 2-4 more after prun, with no row; --resume ran them again)', { timeout: 180_000 }, async () => {
    const script = join(dir, 'wide.ts');
    // each result larger than what the relay reads at a time: none shares a write with another
    await writeFile(script, 'export default (x: string) => x + "x".repeat(70_000);\n');
    const joblog = join(dir, `joblog-${++runs}`);
    const input = Array.from({ length: 2000 }, (_, i) => `${i}\n`).join('');
    const child = execa(bin, ['map', script, '--threads', '2', '--joblog', joblog], { cwd: root, reject: false, input, buffer: { stdout: false } });
    // the socket, the pipe to the relay and the relay fill
    const { result, delivered } = await stopTwiceUnread(child);
    assert.equal(result.exitCode, 143, String(result.stderr));
    const [, neverRan] = /^prun: 0 of 2000 inputs failed, (\d+) never ran \(interrupted\)$/.exec(lines(String(result.stderr)).at(-1)!) ?? [];
    assert.ok(neverRan !== undefined, String(result.stderr));
    // the socket closes once prun and the relay are gone
    const whole = (await delivered()).split('\n').slice(0, -1);
    const rows = lines((await readFile(joblog, 'utf8')).trimEnd()).slice(1);
    assert.equal(rows.length, 2000 - Number(neverRan));
    // past those, at most the result of the one write the socket took in part as the relay was
    // ended (its last line cut, or whole), as for a write a pipe takes in part
    assert.ok(whole.length >= rows.length && whole.length <= rows.length + 1, `${whole.length} results got out, ${rows.length} rows`);
  });

  test('--joblog: another writer of the socket while prun runs writes all it has, never failing with EAGAIN (was: the relay made the socket non-blocking: `tr: write error`)', { timeout: 180_000 }, async () => {
    const script = join(dir, 'wide-sibling.ts');
    await writeFile(script, 'export default (x: string) => x + "x".repeat(100_000);\n');
    const joblog = join(dir, `joblog-${++runs}`);
    const gate = join(dir, `gate-${runs}`);
    await execa('mkfifo', [gate]);
    // the sibling starts writing once prun's results flow (the test opens the gate)
    const inputs = join(dir, `inputs-${runs}`);
    await writeFile(inputs, Array.from({ length: 200 }, (_, i) => `${i}\n`).join(''));
    const line = `"$0" map "$1" "$4" --threads 2 --joblog "$2" & read go < "$3"; head -c 3000000 /dev/zero | tr '\\0' z; echo "sibling $?" >&2; wait $!; echo "prun $?" >&2`;
    const child = execa('sh', ['-c', line, bin, script, joblog, gate, inputs], { cwd: root, reject: false, buffer: { stdout: false } });
    let zs = 0;
    let opened = false;
    // a reader slower than both writers: the socket is full most of the time
    child.stdout!.on('data', (chunk: Buffer) => {
      zs += chunk.reduce((count, byte) => count + (byte === 0x7a ? 1 : 0), 0);
      if (!opened) {
        opened = true;
        void writeFile(gate, 'go\n');
      }
      child.stdout!.pause();
      setTimeout(() => child.stdout!.resume(), 5);
    });
    const result = await child;
    assert.deepEqual(lines(String(result.stderr)).filter((said) => /^(sibling|prun) /.test(said)), ['sibling 0', 'prun 0'], String(result.stderr));
    assert.equal(zs, 3_000_000);
  });

  test('stdout and stderr one socket (2>&1), a reader slow to start: every result, exit 0 (was: the relay failed with EAGAIN, exit 74, results cut)', { timeout: 180_000 }, async () => {
    const inputs = Array.from({ length: 2000 }, (_, i) => `${i}${'x'.repeat(1000)}`);
    const child = execa('sh', ['-c', 'exec "$0" "$@" 2>&1', bin, 'map', 'fixtures/faults.ts', '--threads', '2'], { cwd: root, reject: false, input: inputs.map((x) => `${x}\n`).join(''), buffer: { stdout: false } });
    const chunks: Buffer[] = [];
    child.stdout!.pause();
    // the socket fills while nothing reads: the writes that follow meet a full buffer
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdout!.resume();
    const result = await child;
    assert.equal(result.exitCode, 0, Buffer.concat(chunks).toString().slice(-500));
    assert.deepEqual(lines(Buffer.concat(chunks).toString().trimEnd()), inputs);
  });
});

describe('another writer of the same stdout pipe (a sibling in the pipeline)', () => {
  const commands = [
    { name: 'map --procs', args: ['map', 'fixtures/square.ts', '--procs', '2'], out: (x: number) => x * x },
    { name: 'map --threads', args: ['map', 'fixtures/square.ts', '--threads', '2'], out: (x: number) => x * x },
    { name: 'exec', args: ['exec', '-j', '2', 'echo {}'], out: (x: number) => x },
  ];
  for (const command of commands) {
    test(`prun ${command.name} & head -c 2000000 /dev/zero, into one pipe read slowly: both write all, neither fails (was: head failed with EAGAIN: Node made the pipe's shared description non-blocking)`, { timeout: 180_000 }, async () => {
      const inputs = Array.from({ length: 300 }, (_, i) => String(i + 1));
      // the shell's redirection gives both writers one open file description of the pipe
      const child = execa('sh', ['-c', '{ "$0" "$@" & head -c 2000000 /dev/zero; echo "head $?" >&2; wait; } | "$NODE" -e "$READER"', bin, ...command.args, ':::', ...inputs], {
        cwd: root,
        reject: false,
        env: {
          NODE: process.execPath,
          // a slow reader: 4 KB at a time, a turn of the timer between, so that the pipe is full when its writers write
          READER: "let n = 0; const s = require('fs').createReadStream(null, { fd: 0, highWaterMark: 4096 }); s.on('data', (c) => { n += c.filter((b) => b !== 0).length; s.pause(); setTimeout(() => s.resume(), 1); }); s.on('end', () => console.log(n));",
        },
      });
      const result = await child;
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stderr, /^head 0$/m);
      const expected = inputs.map((x) => `${command.out(Number(x))}\n`).join('');
      assert.equal(Number(result.stdout), Buffer.byteLength(expected), 'every result byte reached the reader');
    });
  }
});
