/** The end of `prun exec --help`: examples to copy, and what the exit status says. */
export const EXEC_HELP = `
Differences from GNU parallel (the README's "prun exec" section lists them all):
  {= perl =}, --pipepart, --roundrobin, ssh and SQL options are not there: exit 2
  -v prints the commands on stderr: stdout is for the jobs' output
  a failed job gets a line on stderr, and a run with failures a summary
  -u and --line-buffer change nothing: output is always whole and in order
  --tag tags at newlines only, not at a carriage return
  {} with no value is an empty word under -N 0, no word under --pipe (the reverse of GNU)
  --results and --workdir take no replacement string in their names, nor --pipe;
    --dryrun with --results writes no results
  the joblog's Command column holds the job's input, and a joblog is appended to
  a word after ::: that is one of prun's options is refused
  --retries 0 is one try (GNU: for ever); -j 0 is at most 256 jobs at once
  {%} is the lane that runs the job, not always the lowest free slot
  --pipe jobs that leave their stdin unread exit 0 (GNU: 3)

Examples:
  1. Compress every log file, as many at a time as there are cores:
     prun exec gzip -9 ::: *.log
  2. Count the lines of each file named on stdin:
     find . -name '*.txt' | prun exec wc -l
  3. Every combination of two sources (a-1 a-2 b-1 b-2):
     prun exec echo {1}-{2} ::: a b ::: 1 2
  4. Pair two sources up rather than combine them (a-1 b-2):
     prun exec echo {1}-{2} ::: a b :::+ 1 2
  5. Convert images, naming the output after the input:
     prun exec -j 4 convert {} {.}.png ::: *.jpg
  6. Run each line of a file as a command:
     prun exec < jobs.txt
  7. Columns of a CSV file as {1} {2}:
     prun exec --colsep , echo {2} is {1} :::: people.csv
  8. Three inputs a job:
     seq 10 | prun exec -N3 echo
  9. Show what would run, and run nothing:
     prun exec --dry-run mv {} {.}.bak ::: *.txt
 10. Skip what a joblog shows as done, after an interruption:
     prun exec --joblog jobs.log --resume ./process.sh :::: inputs.txt

Exit codes (as GNU parallel's; prun map's own are in prun map --help):
  0       every job succeeded, or --halt ...,success= was met
  1-100   that many jobs failed
  101     more than 100 jobs failed
  N       with --halt ...,fail=: the status of the job that met it (as GNU parallel)
  2       also a usage error (a bad option, an unknown replacement string): nothing ran
  74      prun could not write its output, the --joblog or --failed-out,
          or keep the jobs' output (--tmpdir on a full disk)
  130     interrupted (Ctrl-C); 129, 131, 142, 143 for SIGHUP, SIGQUIT, SIGALRM, SIGTERM
  141     the reader of stdout went away
`;
