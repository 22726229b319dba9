import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobShell, laneShell } from '../../src/commands/job-shell.js';
import { PrunError } from '../../src/errors.js';

test('the job shell is $PARALLEL_SHELL first, as in GNU parallel: a path, or a name on PATH', () => {
  assert.equal(jobShell({ PARALLEL_SHELL: '/bin/bash' }), '/bin/bash');
  assert.equal(jobShell({ PARALLEL_SHELL: 'sh', PATH: '/usr/bin:/bin' }), 'sh');
});

test('a $PARALLEL_SHELL that is no executable file is a usage error (was: every job failed, exit 126)', () => {
  for (const shell of ['/nonexistent', 'no-such-shell', '/tmp']) {
    assert.throws(() => jobShell({ PARALLEL_SHELL: shell, PATH: '/usr/bin:/bin' }), (error: unknown) => error instanceof PrunError && error.code === 'ERR_USAGE', shell);
  }
});

test('with no shell among the ancestors, $SHELL if sh-like, else /bin/sh', () => {
  assert.equal(jobShell({ SHELL: '/usr/bin/bash' }, 1), '/usr/bin/bash');
  assert.equal(jobShell({ SHELL: '/usr/bin/fish' }, 1), '/bin/sh');
  assert.equal(jobShell({}, 1), '/bin/sh');
});

test('lanes are bash only when bash functions are exported (dash drops them)', () => {
  assert.equal(laneShell('/usr/bin/bash', { 'BASH_FUNC_f%%': '() { :; }' }), '/usr/bin/bash');
  assert.equal(laneShell('/usr/bin/bash', {}), undefined);
  assert.equal(laneShell('/bin/dash', { 'BASH_FUNC_f%%': '() { :; }' }), undefined);
});
