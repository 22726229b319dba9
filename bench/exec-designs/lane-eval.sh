# Design (c'): as lane.sh, but the job runs in a forked subshell of the lane (eval) instead of
# a new sh: one exec less a job, but $$ is the lane's pid and the job sees the lane's variables.
d=$1
while IFS= read -r l; do
  i=${l%%	*}
  (eval "${l#*	}") >"$d/$i.o" 2>"$d/$i.e" </dev/null
  s=$?
  o=0; e=0
  [ -s "$d/$i.o" ] && o=1
  [ -s "$d/$i.e" ] && e=1
  echo "$i $s $o $e"
done
