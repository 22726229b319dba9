import { type ChildProcess, spawn } from 'node:child_process';
import { OWNER_VARIABLE, RUN_MARK } from './owner-mark.js';

/**
 * The lifeline of forked workers: one small /bin/sh per prun process that knows the process
 * group of every live worker and ends them all when prun is gone, however it went (SIGKILL
 * included). A worker cannot watch for that itself: one busy in a loop never sees its IPC
 * channel close, and what its setup() started would outlive it anyway.
 *
 * Protocol, on the watcher's stdin, which only prun holds:
 *   `+ PGID`  a worker leads this group now
 *   `- PGID`  the group is gone: never signal it again (its number may be reused)
 *   `* on`, `* off`  worker threads run now, or no more: what their tasks start carries their
 *            marks, and has no group of its own to be ended by
 *   end of file: prun is gone, or knows no group and no thread any more. The watcher sends
 *   SIGTERM to every group it still knows and, if it knows any or threads run, to every
 *   process that carries a mark of this prun's workers (owner-mark.ts: what left a group whose
 *   worker could not end it, being busy in a loop; what a thread's task started), and SIGKILL
 *   about a second later to those still there.
 *
 * The watcher runs in its own process group (a signal to prun's group, such as the terminal's
 * Ctrl-C to a pipeline, never reaches it) and ignores SIGINT; it holds none of prun's output,
 * so it never keeps a reader of prun's stdout or stderr waiting.
 */
const WATCHER_SCRIPT = `trap '' INT HUP
g=' '
while read -r op p; do
  case $op in
  +) g="$g$p " ;;
  -) case $g in *" $p "*) g="\${g%% $p *} \${g#* $p }" ;; esac ;;
  '*') t=$p ;;
  esac
done
[ "$g" = ' ' ] && [ "$t" != on ] && exit 0
for p in $g; do kill -TERM -$p; done 2>/dev/null
m=
for f in $(grep -lzsE "^$1=(.* )?$2\\." /proc/[0-9]*/environ); do f=\${f#/proc/}; m="$m \${f%/environ}"; done
for p in $m; do kill -TERM $p; done 2>/dev/null
l=
for p in $g; do kill -0 -$p && l=1; done 2>/dev/null
for p in $m; do kill -0 $p && l=1; done 2>/dev/null
[ -z "$l" ] && exit 0
sleep 1
for p in $g; do kill -KILL -$p; done 2>/dev/null
for p in $m; do kill -KILL $p; done 2>/dev/null
`;

/** The watcher's name for itself ($0), as `ps` shows it. */
const WATCHER_NAME = 'prun-lifeline';

/** Groups of live workers, in case a watcher must be started again. */
const known = new Set<number>();
/** Worker threads running now: their tasks' processes are found by mark if prun dies. */
let threads = 0;
let watcher: ChildProcess | undefined;

/** A forked worker leads group `pgid` now: it is ended if prun dies before forgetGroup(pgid). */
export function watchGroup(pgid: number): void {
  known.add(pgid);
  if (watcher) tell(watcher, `+ ${pgid}\n`);
  else watcher = startWatcher();
}

/** The group is gone: the watcher must never signal its number again. */
export function forgetGroup(pgid: number): void {
  if (!known.delete(pgid) || !watcher) return;
  tell(watcher, `- ${pgid}\n`);
  letGoIfIdle();
}

/**
 * Worker threads run from now until the returned function is called: if prun dies meanwhile
 * (SIGKILL), the processes their tasks started are ended by their marks (was: left running
 * under init, as --procs workers' never are; a review of issues 8 and 9).
 */
export function watchThreads(): () => void {
  threads++;
  if (watcher) tell(watcher, '* on\n');
  else watcher = startWatcher();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--threads > 0 || !watcher) return;
    tell(watcher, '* off\n');
    letGoIfIdle();
  };
}

/** Nothing left to watch: the watcher goes too, and the next worker or thread starts another. */
function letGoIfIdle(): void {
  if (known.size > 0 || threads > 0 || !watcher) return;
  watcher.stdin!.end();
  watcher = undefined;
}

function startWatcher(): ChildProcess {
  // $1 $2: the variable each process of this prun's workers carries, and the run's part of
  // their marks in it (owner-mark.ts)
  const child = spawn('/bin/sh', ['-c', WATCHER_SCRIPT, WATCHER_NAME, OWNER_VARIABLE, RUN_MARK], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  // it must never keep prun running: it is there for when prun is gone
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  // a watcher that could not start or was killed: the next change of groups starts another,
  // told every group still live
  const drop = () => {
    if (watcher === child) watcher = undefined;
  };
  child.on('error', drop);
  child.on('exit', drop);
  child.stdin!.on('error', drop);
  // written at once, before the worker is sent anything: it never runs a line of the user's
  // code unwatched
  tell(child, [...known].map((pgid) => `+ ${pgid}\n`).join('') + (threads > 0 ? '* on\n' : ''));
  return child;
}

function tell(child: ChildProcess, lines: string): void {
  if (lines) child.stdin!.write(lines);
}
