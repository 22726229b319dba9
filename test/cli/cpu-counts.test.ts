import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuCounts } from '../../src/cli/cpu-counts.js';

/** /proc/cpuinfo of `sockets` × `cores` × `threads` hardware threads, as x86 Linux writes it. */
function cpuinfo(sockets: number, cores: number, threads: number): string {
  const blocks: string[] = [];
  for (let socket = 0; socket < sockets; socket++) {
    for (let core = 0; core < cores; core++) {
      for (let thread = 0; thread < threads; thread++) {
        blocks.push(`processor\t: ${blocks.length}\nmodel name\t: x\nphysical id\t: ${socket}\nsiblings\t: ${cores * threads}\ncore id\t\t: ${core}\ncpu cores\t: ${cores}\n`);
      }
    }
  }
  return blocks.join('\n');
}

test('threads, physical cores and filled sockets, as GNU parallel counts them', () => {
  assert.deepEqual(cpuCounts(cpuinfo(2, 4, 2), 16), { threads: 16, cores: 8, sockets: 2 });
  assert.deepEqual(cpuCounts(cpuinfo(1, 2, 1), 2), { threads: 2, cores: 2, sockets: 1 });
});

test('never more cores or sockets than the threads prun may run on (taskset), as GNU parallel', () => {
  assert.deepEqual(cpuCounts(cpuinfo(2, 4, 2), 1), { threads: 1, cores: 1, sockets: 1 });
  assert.deepEqual(cpuCounts(cpuinfo(2, 4, 2), 3), { threads: 3, cores: 3, sockets: 2 });
});

test('without the ids of /proc/cpuinfo (or without the file), a thread is a core, on one socket', () => {
  assert.deepEqual(cpuCounts('processor\t: 0\n\nprocessor\t: 1\n', 2), { threads: 2, cores: 2, sockets: 1 });
  assert.deepEqual(cpuCounts(undefined, 4), { threads: 4, cores: 4, sockets: 1 });
});
