/**
 * GNU parallel's $PARALLEL: default options, put before the command line's own. Words are
 * split at blanks that are not escaped with a backslash, and the backslashes then dropped,
 * as GNU parallel reads it ("special shell characters ... need to be escaped with \").
 */
export function parallelEnvWords(value: string | undefined): string[] {
  if (value === undefined) return [];
  return (value.match(/(?:\\[\s\S]|[^\s\\])+/g) ?? []).map((word) => word.replace(/\\([\s\S])/g, '$1'));
}
