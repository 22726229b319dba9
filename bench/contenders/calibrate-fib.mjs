// Finds the n for which fib(n) takes closest to TARGET_MS in a fresh Node process (median of 5 calls).
// usage: node calibrate-fib.mjs TARGET_MS   -> prints {"n":..,"ms":..}
import { fib } from './fns.mjs';

const target = Number(process.argv[2] ?? 20);
function timeOf(n) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    fib(n);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2];
}
for (let n = 15; n < 20; n++) timeOf(n); // warm the JIT up before measuring
let best = { n: 15, ms: timeOf(15) };
for (let n = 16; n <= 45; n++) {
  const ms = timeOf(n);
  if (Math.abs(Math.log(ms / target)) < Math.abs(Math.log(best.ms / target))) best = { n, ms };
  if (ms > target * 2) break;
}
process.stdout.write(JSON.stringify({ n: best.n, ms: Math.round(best.ms * 100) / 100 }) + '\n');
