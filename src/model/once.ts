/** `action`, done the first time only (with that call's arguments): a warning said once a run. */
export function once<A extends unknown[]>(action: (...args: A) => void): (...args: A) => void {
  let done = false;
  return (...args) => {
    if (done) return;
    done = true;
    action(...args);
  };
}
