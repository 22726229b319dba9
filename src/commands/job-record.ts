import type { Failure } from '../model/failure.js';
import { gnuExit } from '../model/gnu-exit.js';
import { tagLines } from './job-output.js';

/** GNU parallel's --results FILE forms: FILE.csv, FILE.tsv, FILE.json (`-.csv`... for stdout). */
export type JobRecordFormat = 'csv' | 'tsv' | 'json';

export interface JobRecordOptions {
  format: JobRecordFormat;
  /** The names of the value columns (--header); V1, V2... past them. */
  names: readonly string[];
}

/** A finished job, as a record holds it. Texts are byte strings (latin1), as the job's output is. */
export interface JobRecordFields {
  /** `{#}`, from 1. */
  seq: number;
  /** Epoch milliseconds. */
  startedAt: number;
  runtimeMs: number;
  /** The command as it ran. */
  command: string;
  args: readonly string[];
  stdout: string;
  stderr: string;
  /** --tag, --tagstring: what starts each line of its Stdout and Stderr, a tab after it. */
  tag?: string | undefined;
  failure: Failure | undefined;
}

/**
 * One job's line of GNU parallel's --results FILE.csv/.tsv/.json: Seq, Host, Starttime,
 * JobRuntime, Send, Receive, Exitval, Signal, Command, the values, Stdout, Stderr. A CSV or
 * TSV file starts with a header line, given here with the first job's record (Seq 1): output
 * is in input order. Quoted as GNU parallel quotes: a CSV field holding the separator, a
 * quote, white space or NUL is put in quotes, its quotes doubled; JSON escapes `\`, `"` and
 * control characters, and leaves other bytes as they are. Under --tag and --tagstring the
 * lines of Stdout and Stderr are tagged, as GNU parallel tags them (was: untagged); Receive
 * counts the bytes the job wrote, untagged.
 */
export function jobRecord(fields: JobRecordFields, options: JobRecordOptions): string {
  const status = fields.failure === undefined ? 0 : fields.failure.exitStatus ?? 1;
  const { exitval, signal } = gnuExit(status, fields.failure?.code, fields.failure?.signal);
  const numbers = [fields.seq, ':', (fields.startedAt / 1000).toFixed(3), (fields.runtimeMs / 1000).toFixed(3), 0, fields.stdout.length, exitval, signal].map(String);
  const tagged = (text: string) => (fields.tag === undefined ? text : tagLines(text, `${fields.tag}\t`));
  const stdout = tagged(fields.stdout);
  const stderr = tagged(fields.stderr);
  if (options.format === 'json') {
    const [seq, host, start, runtime, send, receive] = numbers;
    const values = fields.args.map((arg) => `"${jsonQuote(arg)}"`).join(',');
    return (
      `{ "Seq": ${seq}, "Host": "${host}", "Starttime": ${start}, "JobRuntime": ${runtime}, "Send": ${send}, "Receive": ${receive}, ` +
      `"Exitval": ${exitval}, "Signal": ${signal}, "Command": "${jsonQuote(fields.command)}", "V": [ ${values} ], ` +
      `"Stdout": "${jsonQuote(stdout)}", "Stderr": "${jsonQuote(stderr)}" }\n`
    );
  }
  const separator = options.format === 'csv' ? ',' : '\t';
  const line = (columns: readonly string[]) => `${columns.map((column) => csvQuote(column, separator)).join(separator)}\n`;
  const header =
    fields.seq === 1
      ? line([...GNU_COLUMNS, ...fields.args.map((_, i) => options.names[i] ?? `V${i + 1}`), 'Stdout', 'Stderr'])
      : '';
  return header + line([...numbers, fields.command, ...fields.args, stdout, stderr]);
}

const GNU_COLUMNS = ['Seq', 'Host', 'Starttime', 'JobRuntime', 'Send', 'Receive', 'Exitval', 'Signal', 'Command'];

function csvQuote(text: string, separator: string): string {
  // Perl's \s on bytes: not \s here, which would take the byte 0xa0 (latin1's no-break space)
  return /[ \t\n\v\f\r"\0]/.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text;
}

function jsonQuote(text: string): string {
  return text.replace(/[\\"\x00-\x1f]/g, (c) => (c === '\\' || c === '"' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
