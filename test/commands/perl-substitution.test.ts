// Each substitution is run by prun's compiler and by perl itself (GNU parallel runs --rpl's
// definitions with perl) on the same values: the results must be the same, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compilePerlSubstitution } from '../../src/commands/perl-substitution.js';

const EXPRESSIONS = [
  's:\\.[^/.]+$::', // GNU parallel's {.}
  's:.*/::', // {/}
  's:/[^/]*$:: || s:.*$::', // --plus {+/}
  's:.*\\.:: || s:.*$::', // --plus {+.}
  's:\\.[^.]+$::;s:\\.[^.]+$::;', // the tutorial's {..}
  's:(\\.[^/]+)*$::',
  's/(\\w+)-(\\w+)/$2-$1/',
  's/(.)(.)/${2}\\1/',
  's/a/x/gi',
  's/(.)/\\u$1/',
  's/(\\w+)/\\U$1\\E!/',
  's/(\\w+)/\\L\\u$1/',
  's/./X/g',
  's/./X/gs',
  's/.$/X/',
  's/$/!/',
  's/^/>/mg',
  's/b\\z/Z/',
  's/x\\Z/Y/',
  's/\\Aa/Z/',
  's/[]a]/Q/g',
  's/[^]a]/Q/',
  's|/|_|g',
  's/\\//_/g',
  's/(a)|b/[$1]/g',
  's/a/\\n\\t/',
  's/.+/$&$&/s',
  '',
];

const VALUES = ['a.tar.gz', 'b/c.txt', 'dir.x/file', '.hidden', 'ab-cd', 'aAbA', 'ABC def', '', 'line1\nline2', 'p/q.r\n', 'xx\n', 'cr\r/x.y', ']a]b', 'a//b', '/'];

// reads the expressions and the values, NUL-terminated, and prints each value as each changes it
const PERL = 'local $/ = "\\0"; my @in = <STDIN>; chomp @in; my $n = shift @in; my @e = splice(@in, 0, $n); for my $e (@e) { for my $v (@in) { local $_ = $v; eval $e; die $@ if $@; print $_, "\\0" } }';

test('prun runs the substitutions of --rpl as perl does, on values with newlines, slashes, dots and brackets', () => {
  const input = [String(EXPRESSIONS.length), ...EXPRESSIONS, ...VALUES].map((part) => `${part}\0`).join('');
  const perl = execFileSync('perl', ['-e', PERL], { input: Buffer.from(input, 'latin1') }).toString('latin1').split('\0').slice(0, -1);
  const ours = EXPRESSIONS.flatMap((expression) => VALUES.map(compilePerlSubstitution(expression)));
  const differences = ours.flatMap((value, i) => (value === perl[i] ? [] : [`${EXPRESSIONS[Math.floor(i / VALUES.length)]} on ${JSON.stringify(VALUES[i % VALUES.length])}: perl ${JSON.stringify(perl[i])}, prun ${JSON.stringify(value)}`]));
  assert.deepEqual(differences, []);
});

test('what is not a substitution, or a flag or variable prun does not have, is refused when compiled', () => {
  for (const expression of ['$_ = seq() - 1', 's/\\Qa.b\\E/c/', 's/a\\h/c/', 's/a/b/e', 's/a/b/x', 's/a/b', 's{a}{b}', 's/a/$x/', 's/$x/b/', 's/a/b/ ||', 's/a/b/ uc']) {
    assert.throws(() => compilePerlSubstitution(expression), Error, expression);
  }
});
