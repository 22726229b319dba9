/**
 * How far an executor has been told to stop (Executor.stop): to start nothing more, and then
 * perhaps to ask its running inputs to stop as well (Ctrl-C, after a --halt or on its own).
 * It may be told again and again (a worker hears the run is stopping at every poll): only the
 * first stop and the first abort ask anything more.
 */
export class StopOrders {
  stopped = false;
  abortRunning = false;

  /** Takes `stop(abortRunning)`: whether it asks more than the orders before it. */
  take(abortRunning: boolean): boolean {
    if (this.stopped && (this.abortRunning || !abortRunning)) return false;
    this.stopped = true;
    this.abortRunning ||= abortRunning;
    return true;
  }
}
