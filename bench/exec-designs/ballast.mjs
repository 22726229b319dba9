// BALLAST_MB=n: touch n MiB of heap first, so that a spawn per job forks from a parent the
// size of prun's main process (fork costs grow with the parent's memory; see PEERS.md 6).
const mb = Number(process.env.BALLAST_MB ?? 0);
export const ballast = [];
for (let i = 0; i < mb; i++) ballast.push(Buffer.alloc(1 << 20, 1));
