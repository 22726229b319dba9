// The tiny child of start-fork.mjs: square one message, send it back, leave.
process.once('message', (line) => {
  const x = Number(line);
  process.send(String(x * x), () => process.disconnect());
});
