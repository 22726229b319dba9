# Design (c): one lane a job slot. Reads "id<TAB>cmd" lines, runs each through sh -c with its
# output in files, reports "id status hasout haserr". prun's real lane is src/commands/lane-script.ts.
d=$1
while IFS= read -r l; do
  i=${l%%	*}
  /bin/sh -c "${l#*	}" >"$d/$i.o" 2>"$d/$i.e" </dev/null
  s=$?
  o=0; e=0
  [ -s "$d/$i.o" ] && o=1
  [ -s "$d/$i.e" ] && e=1
  echo "$i $s $o $e"
done
