import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobShell, laneShell } from '../../src/commands/job-shell.js';

test('the job shell is $PARALLEL_SHELL first, as in GNU parallel', () => {
  assert.equal(jobShell({ PARALLEL_SHELL: '/bin/zsh' }), '/bin/zsh');
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
