#!/usr/bin/env bash
# Floor for exec: bash reads inputs and keeps 2 background jobs running (wait -n frees a slot).
# The program is called by path (/usr/bin/true, /usr/bin/echo) so bash forks *and* execs, like the
# other contenders, instead of running its builtin.
# usage: bash-loop.sh PROGRAM JOBS < FILE
program=$(type -P "$1") || { echo "bash-loop: $1 not found" >&2; exit 127; }
jobs=$2
running=0
while IFS= read -r x; do
  if ((running >= jobs)); then
    wait -n
    ((running--))
  fi
  "$program" "$x" &
  ((running++))
done
wait
