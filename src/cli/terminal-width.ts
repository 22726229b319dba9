/**
 * The width a redrawn line is cut to on a terminal that reports none: a pty of 0 columns is
 * what script(1) makes when it runs without a terminal of its own (CI, cron), and tqdm draws
 * there as if 80 columns wide.
 */
const ASSUMED_COLUMNS = 80;

/** Whether a terminal says how wide it is (some ptys report 0 columns). */
export function reportsColumns(stream: { columns?: number }): boolean {
  return (stream.columns ?? 0) > 0;
}

/** The columns of a terminal, or 80 when it reports none. */
export function terminalColumns(stream: { columns?: number }): number {
  return reportsColumns(stream) ? stream.columns! : ASSUMED_COLUMNS;
}
