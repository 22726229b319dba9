import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign, verify } from '../../src/queue/sign.js';
import { type RunSpec, WIRE } from '../../src/queue/wire.js';

const spec: RunSpec = {
  wire: WIRE,
  kind: 'exec',
  bundle: '',
  command: 'echo {}',
  template: { quoted: true, plus: false, rpl: ['{x} s/a/b/'] } as unknown as RunSpec['template'],
  format: 'text',
  timeoutMs: undefined,
  timings: false,
};

test('a signed run verifies with the same secret, whatever the order of its keys; not with another', () => {
  const signed = sign(spec, 'alpha');
  assert.ok(verify(signed, 'alpha'));
  const reordered = Object.fromEntries(Object.entries(signed).reverse()) as unknown as RunSpec;
  assert.ok(verify(reordered, 'alpha'));
  assert.ok(!verify(signed, 'beta'));
  assert.ok(!verify(spec, 'alpha'), 'unsigned');
});

test('a change anywhere in the run fails the signature, nested options too (was: exec\'s template signed as {})', () => {
  const signed = sign(spec, 'alpha');
  assert.ok(!verify({ ...signed, command: 'rm -rf {}' }, 'alpha'));
  assert.ok(!verify({ ...signed, template: { ...signed.template, quoted: false } as RunSpec['template'] }, 'alpha'));
  assert.ok(!verify({ ...signed, template: { ...signed.template, rpl: ['{x} s/a/c/'] } as RunSpec['template'] }, 'alpha'));
});
