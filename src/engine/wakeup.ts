/** Lets one loop sleep until something it waits on may have changed. */
export class Wakeup {
  private resolve: (() => void) | undefined;

  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  notify(): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}
