import type { Health } from './bullmq.js';

/** How long Redis must stay away before it is said: a blip that heals within it is not news. */
const SAY_OUTAGE_AFTER_MS = 2000;

/** How often the connection's health is looked at. */
const LOOK_EVERY_MS = 500;

/**
 * Says on stderr, once each, that the queue went away and that it answers again. A side that
 * waits on a Redis that is down looked hung: `prun worker` said nothing at all while its Redis
 * was away, and a producer nothing until it gave up on it 30 s later. `who` begins each line
 * (`prun`, `prun worker`); `waiting` says what this side does meanwhile. Returns the stop.
 */
export function sayOutages(health: Health, url: string, who: string, waiting: string, say: (line: string) => void): () => void {
  let said = false;
  const timer = setInterval(() => {
    const down = health.downSince();
    if (down === undefined) {
      if (said) say(`${who}: the queue at ${url} answers again`);
      said = false;
    } else if (!said && Date.now() - down >= SAY_OUTAGE_AFTER_MS) {
      say(`${who}: the queue at ${url} is away (${health.cause()}): ${waiting}`);
      said = true;
    }
  }, LOOK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
