/**
 * What to do as this process exits, for any number of owners behind one 'exit' listener: a
 * program running eleven `exec()`s at once added eleven, and Node warned on its stderr
 * (MaxListenersExceededWarning), where the library prints nothing.
 */
const hooks = new Set<() => void>();
let listening = false;

/** Runs `hook` at exit, until the returned function is called. */
export function atExit(hook: () => void): () => void {
  hooks.add(hook);
  if (!listening) {
    listening = true;
    process.on('exit', () => {
      for (const each of [...hooks]) each();
    });
  }
  return () => void hooks.delete(hook);
}
