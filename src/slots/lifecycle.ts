export type SlotState =
  | 'starting' // its worker or lane is starting (a worker loads the script and runs setup())
  | 'ready' // takes batches
  | 'retiring' // has run its share of tasks: takes no more, ends when its batches are done
  | 'ending' // told to end (teardown, no more input, a timeout, a kill)
  | 'dead';

/**
 * Where each state may go. A word that comes late (a worker says it is ready after it was
 * told to end) moves nothing; a dead slot starts again only when its place is reused (a
 * shell lane keeps its number, `{%}`, for the lane that replaces it).
 */
const NEXT: { readonly [S in SlotState]: readonly SlotState[] } = {
  starting: ['ready', 'ending', 'dead'],
  ready: ['retiring', 'ending', 'dead'],
  retiring: ['ending', 'dead'],
  ending: ['dead'],
  dead: ['starting'],
};

export function canMove(from: SlotState, to: SlotState): boolean {
  return NEXT[from].includes(to);
}

/** The life of one worker or shell lane, as every executor with slots sees it. */
export class Lifecycle {
  private current: SlotState = 'starting';
  /** It got ready at least once: what it did as it died was not its start's. */
  private beenReady = false;

  get state(): SlotState {
    return this.current;
  }

  get wasReady(): boolean {
    return this.beenReady;
  }

  /** Moves to `next` if the lifecycle allows it from here; says whether it did. */
  moveTo(next: SlotState): boolean {
    if (!canMove(this.current, next)) return false;
    this.current = next;
    if (next === 'ready') this.beenReady = true;
    return true;
  }

  /** Its worker or lane is gone, whatever it was doing: returns the state it died in. */
  die(): SlotState {
    const was = this.current;
    this.current = 'dead';
    return was;
  }
}
