// The prun script of the queue-scale case: a task of 20 ms that waits rather than computes, so
// that N workers on a 2-core machine can give N times one worker's rate (the queue's overhead
// is what is measured, not the cores).
export default async function sleep20(line: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return line;
}
