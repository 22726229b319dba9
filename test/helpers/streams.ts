import type { Readable } from 'node:stream';

/**
 * Resolves once `count` lines of the stream have matched (with the last of them), however
 * the stream is split into chunks. Tests wait on such events, never on timers.
 */
export function waitForLines(stream: Readable, pattern: RegExp, count = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let seen = 0;
    // what the stream said, for the message when it ends short: a failure in CI is read there only
    let said = '';
    const onData = (chunk: Buffer) => {
      said = (said + chunk.toString('utf8')).slice(-2000);
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (!pattern.test(line) || ++seen < count) continue;
        stream.off('data', onData);
        stream.off('end', onEnd);
        resolve(line);
        return;
      }
    };
    const onEnd = () => reject(new Error(`the stream ended after ${seen} of ${count} lines matching ${pattern}; it said:\n${said}`));
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}

/**
 * An input source that gives `values`, then neither gives another nor ends, as a queue gone
 * quiet: what only an abort can end. `given` settles once it has given them all.
 */
export function goesQuiet<T>(...values: T[]): { inputs: AsyncIterable<T>; given: Promise<void> } {
  let allGiven: () => void = () => {};
  const given = new Promise<void>((resolve) => (allGiven = resolve));
  async function* inputs(): AsyncGenerator<T> {
    yield* values;
    allGiven();
    await new Promise(() => {});
  }
  return { inputs: inputs(), given };
}
