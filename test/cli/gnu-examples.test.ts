// The examples of GNU parallel's tutorial (man parallel_tutorial), typed as written: each runs
// through GNU parallel (-k, PARALLEL_SHELL=/bin/sh) and through `prun exec` in its place, and
// their stdout and exit status must be the same, byte for byte. The examples that differ are
// listed with why: the test fails when one of them starts to match (the list and the README
// must then say so) as much as when a matching one stops matching.
// Left out: those that need ssh or other hosts, {= perl =}, a terminal (--tty, --interactive),
// SQL, or take long (--delay 2.5, --timeout 4.1 sleep 8, --eta sleep ...), and the options
// out of prun's scope (--roundrobin, --regexp, --rrs, --pipepart, --shebang, --semaphore,
// --load, --noswap, --memfree, --files, --tmux). `sleep 4 2 1` is made `sleep 0.4 0.2 0.1`,
// and num1000000 holds 100000 lines, to keep the suite fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { GNU_PARALLEL_ENV, requireGnuParallel } from '../helpers/gnu-parallel.js';
import { bin } from '../helpers/prun.js';

interface Example {
  line: string;
  /** Why prun's output differs from GNU parallel's, when it does. */
  differs?: string;
  /** GNU parallel's own output depends on timing: counted in the share, never asserted. */
  timing?: true;
}

const SLOT = 'timing, in GNU parallel too: which slot is free when a job starts; prun hands a lane its next job ahead, so {%} is the lane that runs it';
const HALT = 'timing, in GNU parallel too: which jobs had started when the failure (or success) was seen, and so the output and the exit status (the failing job\'s after fail=1, in both)';

const EXAMPLES: Example[] = [
  // Input sources
  { line: 'parallel echo ::: A B C' },
  { line: 'parallel -a abc-file echo' },
  { line: 'cat abc-file | parallel echo' },
  { line: 'parallel echo ::: A B C ::: D E F' },
  { line: 'parallel -a abc-file -a def-file echo' },
  { line: 'cat abc-file | parallel -a - -a def-file echo' },
  { line: 'cat abc-file | parallel echo :::: - def-file' },
  { line: 'parallel echo ::: A B C :::: def-file' },
  { line: 'parallel --link echo ::: A B C ::: D E F' },
  { line: 'parallel --link echo ::: A B C D E ::: F G' },
  { line: 'parallel echo :::: abc-file :::+ G H I :::: def-file' },
  { line: 'parallel echo :::: abc-file ::: G H I ::::+ def-file' },
  { line: 'parallel echo ::: A B C D E :::+ F G' },
  { line: 'parallel --arg-sep ,, echo ,, A B C :::: def-file' },
  { line: 'parallel --arg-file-sep // echo ::: A B C // def-file' },
  { line: 'parallel -d _ echo :::: abc_-file' },
  { line: "parallel -d '\\0' echo :::: abc0-file" },
  { line: 'parallel -0 echo :::: abc0-file' },
  { line: 'parallel -E stop echo ::: A B stop C D' },
  // Building the command line
  { line: "parallel ::: ls 'echo foo' pwd" },
  { line: 'parallel echo ::: A/B.C' },
  { line: 'parallel echo {} ::: A/B.C' },
  { line: 'parallel echo {.} ::: A/B.C' },
  { line: 'parallel echo {/} ::: A/B.C' },
  { line: 'parallel echo {//} ::: A/B.C' },
  { line: 'parallel echo {/.} ::: A/B.C' },
  { line: 'parallel echo {#} ::: A B C' },
  { line: 'parallel -j 2 echo {%} ::: A B C', differs: SLOT, timing: true },
  { line: 'parallel -I ,, echo ,, ::: A/B.C' },
  { line: 'parallel --extensionreplace ,, echo ,, ::: A/B.C' },
  { line: 'parallel --basenamereplace ,, echo ,, ::: A/B.C' },
  { line: 'parallel --dirnamereplace ,, echo ,, ::: A/B.C' },
  { line: 'parallel --basenameextensionreplace ,, echo ,, ::: A/B.C' },
  { line: 'parallel --seqreplace ,, echo ,, ::: A B C' },
  { line: 'parallel -j2 --slotreplace ,, echo ,, ::: A B C', differs: SLOT, timing: true },
  { line: 'parallel echo {1} and {2} ::: A B ::: C D' },
  { line: 'parallel echo /={1/} //={1//} /.={1/.} .={1.} ::: A/B.C D/E.F' },
  { line: 'parallel echo 1={1} 2={2} 3={3} -1={-1} -2={-2} -3={-3} ::: A B ::: C D ::: E F' },
  { line: "parallel --colsep '\\t' echo 1={1} 2={2} :::: tsv-file.tsv" },
  { line: 'parallel --header : echo f1={f1} f2={f2} ::: f1 A B ::: f2 C D' },
  { line: "parallel --header : --colsep '\\t' echo f1={f1} f2={f2} :::: tsv-file.tsv" },
  { line: 'parallel --plus echo {} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {+/}/{/} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {.}.{+.} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {+/}/{/.}.{+.} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {..}.{+..} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {+/}/{/..}.{+..} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {...}.{+...} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo {+/}/{/...}.{+...} ::: dir/sub/file.ex1.ex2.ex3' },
  { line: 'parallel --plus echo Job {#} of {##} ::: {1..5}' },
  // --plus forms with a parameter, as bash's ${myvar...}
  { line: 'unset myvar; parallel --plus echo {:-myval} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {:2} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {:2:3} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {#bc} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {#abc} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {%de} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {%def} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {/def/ghi} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {^a} ::: "$myvar"' },
  { line: 'myvar=abcAaAdef; parallel --plus echo {^^a} ::: "$myvar"' },
  { line: "myvar=AbcAaAdef; parallel --plus echo '{,A}' ::: \"$myvar\"" },
  { line: "myvar=AbcAaAdef; parallel --plus echo '{,,A}' ::: \"$myvar\"" },
  // Define own replacement strings (--rpl)
  { line: "parallel --rpl '.. s:\\.[^.]+$::;s:\\.[^.]+$::;' echo '..' ::: foo.tar.gz" },
  { line: "parallel --rpl '{..} s:\\.[^.]+$::;s:\\.[^.]+$::;' echo '{..}' ::: foo.tar.gz" },
  { line: "parallel --rpl '{%(.+?)} s/$$1$//;' echo {%.tar.gz}.zip ::: foo.tar.gz" },
  { line: "parallel --rpl '{/(.+?)/(.*?)} s/$$1/$$2/;' echo {/tar.gz/zip} ::: foo.tar.gz" },
  // Multiple arguments
  { line: 'parallel --jobs 4 -m echo ::: 1 2 3 4 5 6 7 8 9 10' },
  { line: 'parallel --jobs 4 -m echo pre-{}-post ::: A B C D E F G' },
  { line: 'parallel --jobs 4 -X echo pre-{}-post ::: A B C D E F G' },
  { line: 'parallel -N3 echo ::: A B C D E F G H' },
  { line: 'parallel -N3 echo 1={1} 2={2} 3={3} ::: A B C D E F G H' },
  { line: 'parallel -N0 echo foo ::: 1 2 3' },
  // Quoting
  { line: `parallel perl -e 'print "@ARGV\\n"' ::: This wont work` },
  { line: `parallel -q perl -e 'print "@ARGV\\n"' ::: This works` },
  { line: `parallel perl -e \\''print "@ARGV\\n"'\\' ::: This works, too` },
  { line: `parallel perl\\ -e\\ \\'print\\ \\"@ARGV\\\\n\\"\\' ::: This also works` },
  { line: "parallel --trim r echo pre-{}-post ::: ' A '" },
  { line: "parallel --trim l echo pre-{}-post ::: ' A '" },
  { line: "parallel --trim lr echo pre-{}-post ::: ' A '" },
  { line: 'parallel echo \\={} ::: zsh bash ls' },
  // Controlling the output
  { line: 'parallel --tag echo foo-{} ::: A B C' },
  { line: 'parallel --tagstring {}-bar echo foo-{} ::: A B C' },
  { line: 'parallel --dryrun echo {} ::: A B C' },
  { line: 'parallel --verbose echo {} ::: A B C' },
  { line: 'parallel -t echo {} ::: A B C' },
  { line: `parallel -j2 -k 'printf "%s-start\\n%s" {} {}; sleep {};printf "%s\\n" -middle;echo {}-end' ::: 0.4 0.2 0.1` },
  { line: `parallel -j2 --ungroup 'printf "%s-start\\n%s" {} {}; sleep {};printf "%s\\n" -middle;echo {}-end' ::: 0.4 0.2 0.1`, differs: 'prun prints each job\'s output whole and in order; -u is accepted and changes nothing; GNU parallel\'s interleaving is timing (on a loaded machine its second job can start after the first has printed all: then they match)', timing: true },
  { line: `parallel -j2 --linebuffer 'printf "%s-start\\n%s" {} {}; sleep {};printf "%s\\n" -middle;echo {}-end' ::: 0.4 0.2 0.1` },
  // the files are what --results makes: listed after the example, with one's content
  { line: 'parallel --results outdir echo ::: A B C; find outdir -type f | sort; cat outdir/1/B/stdout' },
  { line: 'parallel --header : --results outdir echo ::: f1 A B ::: f2 C D; find outdir -type f | sort; cat outdir/f1/A/f2/D/stdout' },
  { line: 'parallel --shuf echo ::: 1 2 3 ::: a b c ::: A B C', differs: 'random order, in both' },
  // Termination
  { line: 'parallel --joblog log exit ::: 1 2 3 0' },
  { line: 'parallel --joblog log exit ::: 1 2 3 0; parallel --resume --joblog log exit ::: 1 2 3 0 0 0' },
  { line: 'parallel --joblog log exit ::: 1 2 3 0; parallel --resume-failed --joblog log exit ::: 1 2 3 0 0 0' },
  { line: 'parallel -j2 --halt soon,fail=1 echo {}\\; exit {} ::: 0 0 1 2 3', differs: HALT, timing: true },
  { line: 'parallel -j2 --halt now,fail=1 echo {}\\; exit {} ::: 0 0 1 2 3', differs: HALT, timing: true },
  { line: 'parallel -j2 --halt soon,fail=20% echo {}\\; exit {} ::: 0 1 2 3 4 5 6 7 8 9', differs: HALT, timing: true },
  { line: 'parallel -j2 --halt now,success=1 echo {}\\; exit {} ::: 1 2 3 0 4 5 6', differs: HALT, timing: true },
  { line: "parallel -k --retries 3 'echo tried {} >>runs; echo completed {}; exit {}' ::: 1 2 0; cat runs", differs: 'timing, in GNU parallel too: the order of the tries in `runs` is the order they ran in (GNU parallel gives a different one from run to run)', timing: true },
  { line: 'parallel --nice 17 echo this is being run with nice -n ::: 17' },
  // --pipe
  { line: 'cat num1000000 | parallel --pipe wc' },
  { line: 'cat num1000000 | parallel --pipe --block 2M wc' },
  { line: 'cat num1000000 | parallel --pipe -N140000 wc' },
  { line: 'cat num1000000 | parallel --pipe -L75 wc' },
  { line: "echo /foo, bar/, /baz, qux/, | parallel -kN1 --recend ', ' --pipe echo JOB{#}\\;cat\\;echo END" },
  { line: 'echo /foo, bar/, /baz, qux/, | parallel -kN1 --recstart / --pipe echo JOB{#}\\;cat\\;echo END' },
  { line: "echo /foo, bar/, /baz, qux/, | parallel -kN1 --recend ', ' --recstart / --pipe echo JOB{#}\\;cat\\;echo END" },
  { line: "cat fixedlen | parallel --pipe --header .{4} --block 3 --recend '' 'echo start; cat; echo'" },
  { line: "cat num_%header | parallel --header '(%.*\\n)*' --pipe -N3 echo JOB{#}\\;cat" },
  { line: 'cat num_%header | parallel --header 2 --pipe -N3 echo JOB{#}\\;cat' },
];

const work = mkdtempSync(join(tmpdir(), 'prun-gnu-examples-'));

const numbers = (count: number) => Array.from({ length: count }, (_, i) => `${i + 1}\n`).join('');
const NUM_1E5 = numbers(100_000);

/** The tutorial's files, as its Prerequisites make them (num1000000 smaller: same lines, 1e5). */
function makeFiles(dir: string): void {
  writeFileSync(join(dir, 'abc-file'), 'A\nB\nC\n');
  writeFileSync(join(dir, 'def-file'), 'D\nE\nF\n');
  writeFileSync(join(dir, 'abc0-file'), 'A\0B\0C\0');
  writeFileSync(join(dir, 'abc_-file'), 'A_B_C_');
  writeFileSync(join(dir, 'tsv-file.tsv'), 'f1\tf2\nA\tB\nC\tD\n');
  writeFileSync(join(dir, 'num8'), numbers(8));
  writeFileSync(join(dir, 'num1000000'), NUM_1E5);
  writeFileSync(join(dir, 'num_%header'), `%head1\n%head2\n${numbers(10)}`);
  writeFileSync(join(dir, 'fixedlen'), 'HHHHAAABBBCCC');
}

/** One example in a directory of its own, `parallel` standing for GNU parallel or for prun exec. */
async function run(example: Example, index: number, which: 'gnu' | 'prun'): Promise<{ stdout: string; code: number }> {
  const dir = join(work, `${index}-${which}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  makeFiles(dir);
  const define = which === 'gnu' ? 'parallel() { command parallel --will-cite -k "$@"; }' : `parallel() { ${JSON.stringify(bin)} exec "$@"; }`;
  const result = await execa('bash', ['-c', `${define}\n${example.line}`], {
    cwd: dir,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    env: { ...GNU_PARALLEL_ENV, LC_ALL: 'C' },
  });
  // each side's own directory: the same path in both outputs
  return { stdout: String(result.stdout).split(dir).join('DIR'), code: result.exitCode ?? -1 };
}

/** At most `limit` at once: two cores, and each example starts two processes. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

test("GNU parallel's tutorial examples, typed with prun exec, give GNU parallel's stdout and exit status", { timeout: 600_000 }, async (t) => {
  requireGnuParallel();
  try {
    const outcomes = await mapLimited(EXAMPLES, 6, async (example, i) => {
      const [gnu, ours] = await Promise.all([run(example, i, 'gnu'), run(example, i, 'prun')]);
      return { example, gnu, ours, same: gnu.stdout === ours.stdout && gnu.code === ours.code };
    });
    const matched = outcomes.filter((outcome) => outcome.same).length;
    t.diagnostic(`${matched} of ${outcomes.length} examples match (${Math.round((100 * matched) / outcomes.length)}%)`);
    const wrong: string[] = [];
    for (const { example, gnu, ours, same } of outcomes) {
      if (!example.timing && same !== (example.differs === undefined)) {
        wrong.push(`${same ? 'now matches, listed as differing' : 'differs'}: ${example.line}\n  GNU (${gnu.code}): ${JSON.stringify(gnu.stdout.slice(0, 300))}\n  prun (${ours.code}): ${JSON.stringify(ours.stdout.slice(0, 300))}`);
      }
    }
    assert.deepEqual(wrong, []);
    // the share the README states
    assert.ok(matched / outcomes.length >= 0.87, `${matched} of ${outcomes.length}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
