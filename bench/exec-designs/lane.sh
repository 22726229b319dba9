# Designs (c) and (c'): one lane a job slot. Reads "id<TAB>cmd" lines, runs each with its
# output in files, reports "id status hasout haserr". (c) runs the job through sh -c; with
# "eval" as the second argument, (c') runs it in a forked subshell of the lane instead: one
# exec less a job, but $$ is the lane's pid and the job sees the lane's variables.
# prun's real lane is src/commands/lane-script.ts.
d=$1
m=$2
while IFS= read -r l; do
  i=${l%%	*}
  if [ "$m" = eval ]; then
    (eval "${l#*	}") >"$d/$i.o" 2>"$d/$i.e" </dev/null
  else
    /bin/sh -c "${l#*	}" >"$d/$i.o" 2>"$d/$i.e" </dev/null
  fi
  s=$?
  o=0; e=0
  [ -s "$d/$i.o" ] && o=1
  [ -s "$d/$i.e" ] && e=1
  echo "$i $s $o $e"
done
