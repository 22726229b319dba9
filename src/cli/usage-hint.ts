/** What the hint needs of a command: commander's own shape, without commander (one module holds it). */
interface KnownCommand {
  name(): string;
  options: readonly { long?: string; short?: string }[];
}

const SCRIPT = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/**
 * Commander's error at prun's top level, said better when the mistake is a common one: a
 * command's option typed before the command (`prun --procs 2 map …`: was only "unknown option
 * '--procs'", as if prun had none, with commander's guess of a name prun has), or the script
 * typed without `map` (`prun sq.ts nums.txt`: "unknown command 'sq.ts'"). Undefined otherwise.
 */
export function usageHint(message: string, commands: readonly KnownCommand[], argv: readonly string[]): string | undefined {
  const option = /^unknown option '([^']+)'/.exec(message)?.[1];
  if (option !== undefined) {
    // `--halt=x` is --halt; `-j2` is -j
    const name = option.startsWith('--') ? option.split('=')[0]! : option.slice(0, 2);
    // the first word that names a command: a later one is a word of the command's (`::: map`)
    const named = argv.find((word) => commands.some((command) => command.name() === word));
    // with none, a script typed means map (`prun --tag x.ts`: was sent to exec, which has --tag)
    const meant = named ?? (argv.some((word) => SCRIPT.test(word)) ? 'map' : undefined);
    const typed = commands.find((command) => command.name() === meant);
    const owns = (command: KnownCommand) => command.options.some((known) => known.long === name || known.short === name);
    // the command typed, when it has the option: one it lacks is no place to send it
    const owner = typed ? (owns(typed) ? typed : undefined) : commands.find(owns);
    return owner && `unknown option '${option}' (an option of '${owner.name()}': it goes after the command, 'prun ${owner.name()} ${name} …')`;
  }
  const word = /^unknown command '([^']+)'/.exec(message)?.[1];
  return word !== undefined && SCRIPT.test(word) ? `unknown command '${word}' (did you mean 'prun map ${word} …'?)` : undefined;
}
