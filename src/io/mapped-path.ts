import { existsSync } from 'node:fs';

/** A stack frame's file, after `at ` and an optional `name (`, up to its `:line:column`. */
const FRAME_FILE = /^(\s*at (?:.*? \()?)(\/[^()]*?)(:\d+:\d+\)?)$/gm;

/**
 * A file as a source-mapped stack frame names it. Node writes the path of the map's source
 * URL as it is, percent-encoded (`/tmp/%C3%9Cber/t.ts` for `/tmp/Über/t.ts`, `%20` for a
 * space): decoded when the encoded path names no file and the decoded one does.
 */
export function mappedPath(path: string): string {
  if (!path.includes('%') || existsSync(path)) return path;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return path;
  }
  return existsSync(decoded) ? decoded : path;
}

/** A stack with the files of its frames as mappedPath() says. */
export function stackWithMappedPaths(stack: string): string {
  return stack.includes('%') ? stack.replace(FRAME_FILE, (_, head: string, file: string, tail: string) => head + mappedPath(file) + tail) : stack;
}
