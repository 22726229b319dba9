/**
 * What tags each output line of a command: `tagString`, else its input with `tag`. An empty
 * tagString is none, as GNU parallel's Perl takes an empty --tagstring (was: a bare tab before
 * every line).
 */
export function tagTemplate(options: { tag?: boolean; tagString?: string }): string | undefined {
  return options.tagString || (options.tag ? '{}' : undefined);
}
