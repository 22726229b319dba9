import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusal } from '../../src/queue/refusal.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

test("a refused transaction says its first error, not EXECABORT; a script's says no more than Redis's words", () => {
  const aborted = Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), { previousErrors: [new Error(OOM), new Error(OOM)] });
  assert.equal(refusal(aborted), OOM);
  assert.equal(refusal(new Error(`${OOM} script: 5ab432e88830d573e2fa33392ffbd4ad25a9b100, on @user_script:589.`)), OOM);
  assert.equal(refusal('plain'), 'plain');
});
