import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorData, exitStatus, failureJson, laneExited, messageWithCauses, namedMessage, outOfMemory, statusColumn, taskFailed, timedOut, unwritableResult, workerCrashed, workerExited } from '../../src/model/failure.js';
import { fromErrorData } from '../../src/runtime/error-data.js';

describe('failure codes', () => {
  test('a thrown error: ERR_TASK_FAILED, its own code as userCode, status, retryAfter, fields and cause', () => {
    const thrown = Object.assign(new Error('busy', { cause: new Error('socket hang up') }), { code: 'E_HTTP', status: 503, retryAfter: 30, url: 'http://127.0.0.1/' });
    const failure = taskFailed(thrown);
    assert.equal(failure.code, 'ERR_TASK_FAILED');
    assert.equal(failure.userCode, 'E_HTTP');
    assert.equal(failure.status, 503);
    assert.equal(failure.retryAfter, 30);
    assert.deepEqual(failure.fields, { code: 'E_HTTP', status: 503, retryAfter: 30, url: 'http://127.0.0.1/' });
    assert.equal(failure.cause?.message, 'socket hang up');
  });

  test("an error's statusCode is its status, as Node's http and many HTTP clients name it; status wins when both are there", () => {
    assert.equal(taskFailed(Object.assign(new Error('slow down'), { statusCode: 429 })).status, 429);
    assert.equal(taskFailed(Object.assign(new Error('x'), { status: 503, statusCode: 429 })).status, 503);
    // a status given as text is one too (was: none, and a 429 so given no throttle signal); other text is not
    assert.equal(taskFailed(Object.assign(new Error('x'), { status: '429' })).status, 429);
    assert.equal(taskFailed(Object.assign(new Error('x'), { statusCode: '503' })).status, 503);
    assert.equal(taskFailed(Object.assign(new Error('x'), { status: 'busy' })).status, undefined);
  });

  test('a thrown string or object is a message', () => {
    assert.equal(taskFailed('nope').message, 'nope');
    assert.equal(taskFailed({ a: 1 }).message, '{"a":1}');
  });

  test("a thrown plain object keeps its fields as an error's: code, status, Retry-After (was: only its JSON text)", () => {
    const failure = taskFailed({ code: 'OBJ', message: 'plain object', status: 429, retryAfter: 5 });
    assert.equal(failure.code, 'ERR_TASK_FAILED');
    assert.equal(failure.message, 'plain object');
    assert.equal(failure.userCode, 'OBJ');
    assert.equal(failure.status, 429);
    assert.equal(failure.retryAfter, 5);
    assert.deepEqual(failure.fields, { code: 'OBJ', status: 429, retryAfter: 5 });
    assert.deepEqual(taskFailed({ a: 1 }).fields, { a: 1 });
  });

  test("fields that JSON cannot carry are left out, and the fields and causes stay bounded", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const thrown = Object.assign(new Error('x'), { circular, big: 10n, fn: () => 1, huge: 'y'.repeat(10_000), small: 1 });
    assert.deepEqual(taskFailed(thrown).fields, { small: 1 });
    let deep: Error = new Error('root');
    for (let i = 0; i < 10; i++) deep = new Error(`level ${i}`, { cause: deep });
    let depth = 0;
    for (let cause = errorData(deep).cause; cause; cause = cause.cause) depth++;
    assert.ok(depth <= 4, `${depth} causes kept`);
  });

  test('each kind has its code and details', () => {
    assert.deepEqual([timedOut(300).code, timedOut(300).timeoutMs], ['ERR_TIMEOUT', 300]);
    assert.deepEqual([workerExited(3, null).code, workerExited(3, null).exitCode], ['ERR_WORKER_EXIT', 3]);
    assert.deepEqual([workerExited(null, 'SIGKILL').code, workerExited(null, 'SIGKILL').signal], ['ERR_WORKER_SIGNAL', 'SIGKILL']);
    assert.equal(workerCrashed('worker crashed: boom').code, 'ERR_WORKER_EXIT');
    assert.equal(outOfMemory().code, 'ERR_OUT_OF_MEMORY');
    assert.equal(unwritableResult('result cannot be written as JSON').code, 'ERR_UNWRITABLE_RESULT');
    // prun's own failure: no `name` in --json, which is for what the user's code threw (was: TypeError)
    assert.equal(failureJson(unwritableResult('result cannot be written as JSON')).name, undefined);
    assert.deepEqual([laneExited(null, 'SIGKILL').code, laneExited(2, null).code], ['ERR_WORKER_SIGNAL', 'ERR_WORKER_EXIT']);
  });

  test("a command's status: ERR_EXIT_STATUS with the status, and the signal for 128+n; the joblog's status column", () => {
    const names = (n: number) => (n === 15 ? 'SIGTERM' : undefined);
    const three = exitStatus(3, names);
    assert.deepEqual([three.code, three.exitStatus, three.signal, statusColumn(three)], ['ERR_EXIT_STATUS', 3, undefined, 3]);
    const term = exitStatus(143, names);
    assert.deepEqual([term.code, term.exitStatus, term.signal, statusColumn(term)], ['ERR_EXIT_STATUS', 143, 'SIGTERM', 143]);
    assert.equal(statusColumn(taskFailed(new Error('x'))), 1);
  });

  test('--json: error (the message) and code, then the details that are there', () => {
    assert.deepEqual(failureJson(workerExited(3, null)), { error: 'worker exited with code 3', code: 'ERR_WORKER_EXIT', exitCode: 3 });
    const json = failureJson(taskFailed(Object.assign(new Error('busy'), { status: 503 })));
    assert.deepEqual(Object.keys(json), ['error', 'code', 'status', 'fields']);
  });

  test("--json: the error's own name when it has one, as stderr's line says it (was: left out, an AbortError told from no other)", () => {
    assert.equal(failureJson(taskFailed(new TypeError('x'))).name, 'TypeError');
    const custom = Object.assign(new Error('busy'), { name: 'HttpError' });
    assert.equal(failureJson(taskFailed(custom)).name, 'HttpError');
    assert.equal(failureJson(taskFailed(new Error('plain'))).name, undefined);
    assert.equal(failureJson(taskFailed(Object.assign(new Error('nameless'), { name: '' }))).name, undefined);
  });

  test("the joblog's error column: the message and its causes, on one line", () => {
    assert.equal(messageWithCauses(taskFailed(new Error('a', { cause: new Error('b', { cause: new Error('c') }) }))), 'a; cause: b; cause: c');
  });

  test('regression: an error or a cause with no message is named, as on stderr (was: an empty column, and "cause: " with nothing)', () => {
    assert.equal(messageWithCauses(taskFailed(new TypeError(''))), 'TypeError');
    assert.equal(messageWithCauses(taskFailed(new Error('outer', { cause: new RangeError('') }))), 'outer; cause: RangeError');
    assert.equal(messageWithCauses(taskFailed('')), 'Error');
  });

  test("rebuilt for the library: prun's code as code, the user's as userCode, the fields and the cause", () => {
    const error = fromErrorData(taskFailed(Object.assign(new Error('busy', { cause: new Error('inner') }), { code: 'E_HTTP', status: 503 })));
    assert.equal(error.message, 'busy');
    assert.equal(error.code, 'ERR_TASK_FAILED');
    assert.equal(error.userCode, 'E_HTTP');
    assert.equal(error.status, 503);
    assert.equal((error.cause as Error).message, 'inner');
  });

  test("rebuilt for the library, the thrown error's custom properties are its own again, but code (issue 12; was: only under fields)", () => {
    const thrown = Object.assign(new Error('busy'), { code: 'E_HTTP', custom: { deep: [1, 2] }, url: 'http://127.0.0.1/' });
    const error = fromErrorData(taskFailed(thrown)) as unknown as Record<string, unknown>;
    assert.deepEqual(error.custom, { deep: [1, 2] });
    assert.equal(error.url, 'http://127.0.0.1/');
    assert.equal(error.code, 'ERR_TASK_FAILED');
    assert.deepEqual(error.fields, { code: 'E_HTTP', custom: { deep: [1, 2] }, url: 'http://127.0.0.1/' });
  });

  test("rebuilt for the library, a cause keeps its own stack, where it was made (issue 12; was: prun's frames, where it was rebuilt); --json shows none", () => {
    const inner = new Error('socket hang up');
    const thrown = new Error('fetch failed', { cause: inner });
    const error = fromErrorData(taskFailed(thrown));
    assert.equal((error.cause as Error).stack, inner.stack);
    assert.deepEqual(failureJson(taskFailed(thrown)).cause, { name: 'Error', message: 'socket hang up' });
  });

  test('a cause that was no Error comes back as it was thrown, in the library and in --json; its one line says it (was: an Error whose message was its JSON text)', () => {
    const plain = new Error('fetch failed', { cause: new Error('socket hang up', { cause: { code: 'ECONNRESET', errno: -104 } }) });
    const error = fromErrorData(taskFailed(plain));
    assert.deepEqual((error.cause as Error).cause, { code: 'ECONNRESET', errno: -104 });
    assert.deepEqual(failureJson(taskFailed(plain)).cause, { name: 'Error', message: 'socket hang up', cause: { code: 'ECONNRESET', errno: -104 } });
    assert.equal(messageWithCauses(taskFailed(plain)), 'fetch failed; cause: socket hang up; cause: {"code":"ECONNRESET","errno":-104}');
    const text = new Error('x', { cause: 'ECONNRESET' });
    assert.equal(fromErrorData(taskFailed(text)).cause, 'ECONNRESET');
    assert.equal(failureJson(taskFailed(text)).cause, 'ECONNRESET');
    // a plain object thrown keeps its cause too (was: dropped)
    const rejected = taskFailed({ code: 'E_PLAIN', message: 'plain', cause: 'c' });
    assert.equal(fromErrorData(rejected).cause, 'c');
    assert.equal(failureJson(rejected).cause, 'c');
    // an Error inside such a cause is its name and message, not {}
    const nested = taskFailed(new Error('err', { cause: { code: 'E_INNER', cause: new TypeError('deep') } }));
    assert.deepEqual(failureJson(nested).cause, { code: 'E_INNER', cause: { name: 'TypeError', message: 'deep' } });
    // one JSON cannot carry is said, as before, and not kept
    const circular: Record<string, unknown> = { a: 1 };
    circular.me = circular;
    const kept = fromErrorData(taskFailed(new Error('x', { cause: circular }))).cause as Error;
    assert.ok(kept instanceof Error);
    assert.equal(kept.message, '[object Object]');
  });

  test('errors cross a structured clone (the thread runtime) and JSON whole', () => {
    const failure = taskFailed(Object.assign(new TypeError('bad', { cause: new Error('inner') }), { code: 'E_X' }));
    assert.deepEqual(structuredClone(failure), failure);
    const { stack: _stack, ...rest } = failure;
    assert.deepEqual(JSON.parse(JSON.stringify(rest)), rest);
  });
});

test('regression: an Error whose name or message its code made no string is still words (was: a name of undefined crashed the failure line, and the results held were lost)', () => {
  const unnamed = Object.assign(new Error(''), { name: undefined });
  assert.deepEqual([errorData(unnamed).name, errorData(unnamed).message], ['Error', '']);
  assert.equal(namedMessage(errorData(unnamed)), 'Error');
  const odd = Object.assign(new Error('x'), { name: 42, message: { why: 'no' } });
  assert.deepEqual([errorData(odd).name, errorData(odd).message], ['Error', '{"why":"no"}']);
  assert.equal(namedMessage({ name: '', message: '' }), 'Error');
});

test('regression: a thrown value that throws as it is read (a revoked Proxy, a toString and toJSON that throw, traps that throw) is said to be one, never thrown again (was: the worker crashed, and every input it held ran again)', () => {
  const { proxy, revoke } = Proxy.revocable(new Error('boom'), {});
  revoke();
  const traps = new Proxy({}, { ownKeys: () => { throw new Error('keys'); }, get: () => { throw new Error('get'); }, getPrototypeOf: () => { throw new Error('proto'); } });
  const unreadable = { toString: () => { throw 0; }, toJSON: () => { throw 0; } };
  for (const thrown of [proxy, traps, unreadable, new Error('outer', { cause: proxy })]) {
    const failure = taskFailed(thrown);
    assert.equal(failure.code, 'ERR_TASK_FAILED');
    assert.match(messageWithCauses(failure), /could not be read/);
  }
});

test('regression: an Error whose name is a Symbol, or whose getters throw, is still read, never thrown again (was: the worker crashed, and its inputs ran again)', () => {
  const symbolic = Object.assign(new Error('m'), { name: Symbol('s') });
  assert.deepEqual([errorData(symbolic).name, errorData(symbolic).message], ['Error', 'm']);
  const getter = new Error('g');
  Object.defineProperty(getter, 'message', { get() { throw new Error('no'); } });
  Object.defineProperty(getter, 'code', { enumerable: true, get() { throw new Error('no'); } });
  assert.deepEqual([errorData(getter).name, errorData(getter).message, errorData(getter).code], ['Error', '', undefined]);
  const plain = { get message() { throw new Error('no'); } };
  assert.doesNotThrow(() => errorData(plain));
});
