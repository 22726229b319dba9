// Generated inputs under bench/.out/ (gitignored): written once per size, reused by later runs.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file with the lines line(0..count-1), created if missing; returns its path. */
export function linesFile(outDir: string, name: string, count: number, line: (i: number) => string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, name);
  if (existsSync(path)) return path;
  const chunks: string[] = [];
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(line(i));
    if (chunk.length === 100_000) {
      chunks.push(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length > 0) chunks.push(chunk.join('\n') + '\n');
  // Written aside then renamed, so an interrupted run never leaves a short fixture behind.
  writeFileSync(`${path}.tmp`, chunks.join(''));
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The integers 1..count, one a line (what `seq count` prints). */
export function seqFile(outDir: string, count: number): string {
  return linesFile(outDir, `seq-${count}.txt`, count, (i) => String(i + 1));
}

/** A directory for the checked outputs of one case. */
export function checkDir(outDir: string, caseName: string): string {
  const dir = join(outDir, 'check', caseName);
  mkdirSync(dir, { recursive: true });
  return dir;
}
