/** What the hint needs of a command: commander's own shape, without commander (one module holds it). */
interface KnownCommand {
  name(): string;
  options: readonly { long?: string; short?: string }[];
}

const SCRIPT = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/**
 * What to add to commander's error at prun's top level, when the mistake is a common one:
 * a command's option typed before the command (`prun --procs 2 map …`: was only "unknown
 * option '--procs'", as if prun had none), or the script typed without `map` (`prun sq.ts
 * nums.txt`: "unknown command 'sq.ts'").
 */
export function usageHint(message: string, commands: readonly KnownCommand[], argv: readonly string[]): string | undefined {
  const option = /^unknown option '([^']+)'/.exec(message)?.[1];
  if (option !== undefined) {
    const name = option.split('=')[0]!;
    const owners = commands.filter((command) => command.options.some((known) => known.long === name || known.short === name));
    // the command typed after it, if it is one of those that have it
    const owner = owners.find((command) => argv.includes(command.name())) ?? owners[0];
    return owner && `(an option of '${owner.name()}': it goes after the command, 'prun ${owner.name()} ${name} …')`;
  }
  const word = /^unknown command '([^']+)'/.exec(message)?.[1];
  return word !== undefined && SCRIPT.test(word) ? `(did you mean 'prun map ${word} …'?)` : undefined;
}
