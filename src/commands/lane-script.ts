/**
 * The program of a shell lane: a long-lived /bin/sh that runs one job after another for
 * `prun exec`. Run as `/bin/sh -c LANE_SCRIPT prun-lane DIR BLOCKS STARTS` (BLOCKS and STARTS
 * may be empty).
 *
 * Why a shell and not Node: every job is a fork, and fork costs grow with the memory of the
 * process that forks (a 1 GiB parent forks 10x slower than a 1 MiB one on our machines).
 * dash is a few hundred KiB, so a job costs about what xargs pays; forking from prun's Node
 * process costs 2-3x that, and going through execa for each job about 5x.
 *
 * Protocol, one line each way per job, in order:
 *   stdin   `STEM<TAB>SEQ<TAB>SLOT<TAB>SHELL<TAB>N<TAB>TEXT`, then N lines more: STEM names
 *                                  the job's files DIR/STEM.o, .e; SEQ and SLOT are the job's
 *                                  $PARALLEL_SEQ and $PARALLEL_JOBSLOT; SHELL runs the command
 *                                  (`SHELL -c -- COMMAND`): TEXT and the N lines after it,
 *                                  newlines between (a long command comes as `. FILE`:
 *                                  job-line.ts)
 *   stdout  `R WATCHER`            once, when the lane is ready: WATCHER is the pid of its
 *                                  lifeline's watcher (see fd 3)
 *           `STATUS OE`            the job's exit status ($?, 128+n when killed by signal n);
 *                                  O and E are 1 when its stdout / stderr file is not empty
 *           `-`                    the job was not run: DIR/stop exists (prun is stopping)
 *           `S`                    with STARTS not empty (--delay), before the job's own
 *                                  line: the job has started, written by the job's subshell
 *                                  just before it becomes the job
 *   fd 3    the lifeline: prun never writes to it, so it reads end-of-file only when prun
 *           is gone, however it went (even SIGKILL); then a watcher subshell sends SIGTERM
 *           to the lane's whole process group (the lane, its running job and everything
 *           the job started), removes DIR (and BLOCKS, --pipe's), and a second later sends SIGKILL to the group, so
 *           that a job ignoring SIGTERM ends too (the watcher last: it is in the group; it
 *           removes DIR again first, in case a lane dying slowly made a file there). The
 *           watcher ignores SIGTERM all along: prun exiting on a closed stdout sends the group
 *           SIGTERM on its way out, and the watcher must live on to follow it with SIGKILL.
 *           So prun, ending a lane while it lives, kills the watcher by its pid (`R WATCHER`).
 *           The watcher lets go of the lane's stdout, so that it never keeps prun waiting for
 *           the end of it.
 *
 * The lane leads its own process group (it is started detached), so ending a job's whole
 * process tree is one kill(-lane pid): that is how --timeout and kill() end jobs. At its
 * normal end (prun closed its stdin) it reaps its watcher and sends SIGTERM to its group,
 * itself spared: what a job left running in the background (`sleep 300 &`) ends with the
 * lane, as it would with prun killed; prun sends SIGKILL to what ignores SIGTERM after the
 * grace (shell-executor.ts).
 *
 * Details that matter:
 * - the job runs in the foreground, never with `&`: a non-interactive shell starts
 *   background jobs with SIGINT and SIGQUIT ignored, which the user's command would inherit;
 * - `{ ( exec 2>FILE; exec JOB ); } 2>/dev/null`: the lane reports a job killed by a signal
 *   ("Terminated", `kill -TERM $$` in the job included) on its own stderr as it reaps it;
 *   with the job's redirections made in the lane (`JOB 2>FILE`) that was the job's stderr,
 *   and shown as the job's. Made in the subshell that becomes the job, they leave the lane's
 *   stderr /dev/null then: GNU parallel says nothing there either;
 * - the lane's stderr is let go before it kills its watcher: bash (the lane's shell when jobs
 *   need exported functions) reports a background job killed by a signal ("line 19: PID
 *   Killed ( trap ...") as it reaps it, before the redirections of the command at hand;
 * - `read -r` with an empty IFS keeps backslashes and leading blanks of the command;
 * - `sh -c --`: a command that starts with `-` is a command, not options for sh;
 * - the lane's variables are not exported, so the job's `sh -c` does not see them.
 */
export const LANE_SCRIPT = `d=$1 p=$2 a=$3
( trap '' TERM; exec <&3 >/dev/null 2>&1; while read -r _; do :; done; kill -TERM 0; rm -rf "$d" \${p:+"$p"}; sleep 1; rm -rf "$d" \${p:+"$p"}; kill -KILL 0 ) &
w=$!
exec 3<&-
echo "R $w"
while IFS= read -r l; do
  if [ -e "$d/stop" ]; then echo -; continue; fi
  f=$d/\${l%%\t*}; l=\${l#*\t}
  q=\${l%%\t*}; l=\${l#*\t}
  j=\${l%%\t*}; l=\${l#*\t}
  h=\${l%%\t*}; l=\${l#*\t}
  k=\${l%%\t*}; l=\${l#*\t}
  while [ "$k" -gt 0 ] && IFS= read -r x; do l="$l
$x" k=$((k - 1)); done
  { ( [ -z "$a" ] || echo S; exec >"$f.o" 2>"$f.e" </dev/null; PARALLEL_SEQ=$q PARALLEL_JOBSLOT=$j exec "$h" -c -- "$l" ); s=$?; } 2>/dev/null
  o=0 e=0
  [ -s "$f.o" ] && o=1
  [ -s "$f.e" ] && e=1
  echo "$s $o$e"
done
exec 2>/dev/null
kill -KILL $w
wait $w
trap '' TERM
kill -TERM 0 2>/dev/null
`;

/** The lane's name for itself ($0), as `ps` shows it. */
export const LANE_NAME = 'prun-lane';
