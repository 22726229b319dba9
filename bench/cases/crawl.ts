// Case 8, crawl: fetch pages from 3 local hosts (127.0.0.2-4) answering in 20 ms each. Pages a
// second with 100 requests in flight and no limit; then pages a second and 429s caused when each
// host answers 429 (Retry-After: 1) past 10 requests a second.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageBody } from '../../fixtures/crawl/hosts.mjs';
import { expectLines } from '../lib/check.js';
import type { RunContext } from '../lib/runner.js';
import { max, median, min } from '../lib/stats.js';
import { formatCount, formatMs, formatRatio, markdownTable } from '../lib/table.js';
import type { CaseDef, Contender, ContenderResult, Expected } from '../lib/types.js';

const HOSTS = 3;
const IN_FLIGHT = 100;
const LIMIT = 10;
const FETCH = 'fixtures/crawl/fetch.ts';

type Group = 'free' | 'limited';

/** The case's server, bench/contenders/crawl-server.mjs, driven over its IPC channel. */
class Site {
  origins: string[] = [];
  #child: ChildProcess | undefined;

  async start(root: string): Promise<void> {
    this.#child = fork(join(root, 'bench/contenders/crawl-server.mjs'), [], { cwd: root, execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const ready = await this.#next();
    this.origins = ready.origins as string[];
  }

  /** Forgets what earlier runs did and sets the limit of the next one. */
  async reset(limitPerSecond: number | undefined): Promise<void> {
    this.#child!.send({ type: 'reset', limitPerSecond: limitPerSecond ?? null });
    await this.#next();
  }

  async stats(): Promise<{ pages: number; throttled: number; peak: number }> {
    this.#child!.send({ type: 'stats' });
    return (await this.#next()) as unknown as { pages: number; throttled: number; peak: number };
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect(); // it closes its hosts and exits when its channel closes
    await exited;
  }

  /** The server's next message, or an error if it exits first. */
  #next(): Promise<Record<string, unknown>> {
    const child = this.#child!;
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`crawl server exited (${code ?? 'signal'})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as Record<string, unknown>);
      });
    });
  }
}

/** The line every contender prints for a page: what fetch.ts returns. */
function pageLine(url: string): string {
  const { hostname, pathname } = new URL(url);
  return `${url}\t200\t${Buffer.byteLength(pageBody(hostname, pathname))}`;
}

/** `perHost` pages of each host, interleaved host by host, as the hosts' urls() gives them. */
function urlsOf(origins: readonly string[], perHost: number): string[] {
  const urls: string[] = [];
  for (let page = 1; page <= perHost; page++) for (const origin of origins) urls.push(`${origin}/page/${page}`);
  return urls;
}

export function crawlCase({ config, peers }: RunContext): CaseDef {
  const counts: Record<Group, number> = { free: config.quick ? 150 : 2000, limited: config.quick ? 60 : 300 };
  const pages = (g: Group) => counts[g];
  const files: Record<Group, string> = {
    free: join(config.outDir, `crawl-urls-${pages('free')}.txt`),
    limited: join(config.outDir, `crawl-urls-limited-${pages('limited')}.txt`),
  };
  const site = new Site();
  const expected = new Map<Group, Expected>();
  const groupOf = new Map<string, Group>();
  const py = peers.python;
  const curl = (retry: boolean) =>
    `curl -s --noproxy '*'${retry ? ' --retry 100' : ''} -o /dev/null -w '%{url_effective}\\t%{http_code}\\t%{size_download}\\n'`;
  const prun = `${config.prun} map ${FETCH}`;

  const c = (group: Group, id: string, label: string, cmd: (file: string) => string, more: Partial<Contender> = {}): Contender => {
    groupOf.set(`${group}-${id}`, group);
    return { id: `${group}-${id}`, label, command: ({ out }) => `${cmd(files[group])} > ${out}`, inputs: pages(group), ...more };
  };
  const contenders: Contender[] = [
    c('free', 'node', `floor: one Node process, ${IN_FLIGHT} fetches in flight`, (f) => `node bench/contenders/node-crawl.mjs ${f} ${IN_FLIGHT}`, { short: 'node' }),
    c('free', 'node-signal', `one Node process, ${IN_FLIGHT} in flight, an AbortSignal a fetch (the work of ${FETCH})`, (f) => `node bench/contenders/node-crawl.mjs ${f} ${IN_FLIGHT} signal`),
    c('free', 'python', `Python ThreadPoolExecutor(${IN_FLIGHT}), urllib`, (f) => `${py} bench/contenders/py_crawl.py ${f} ${IN_FLIGHT}`, { needs: ['python'] }),
    c('free', 'xargs', `xargs -P ${IN_FLIGHT} -n 1 curl`, (f) => `xargs -P ${IN_FLIGHT} -n 1 ${curl(false)} < ${f}`, { needs: ['xargs', 'curl'] }),
    c('free', 'parallel', `GNU parallel -j ${IN_FLIGHT} curl`, (f) => `parallel --will-cite -q -j ${IN_FLIGHT} ${curl(false)} {} < ${f}`, { needs: ['parallel', 'curl'] }),
    c('free', 'pool-threads', 'plain Node, 4 worker threads × 25 in flight (the shape of --threads 4 --concurrency 25, without prun)', (f) => `node bench/contenders/node-crawl-pool.mjs ${f} threads 4 25`),
    c('free', 'pool-thread', `plain Node, 1 worker thread × ${IN_FLIGHT} in flight`, (f) => `node bench/contenders/node-crawl-pool.mjs ${f} threads 1 ${IN_FLIGHT}`),
    c('free', 'pool-procs', 'plain Node, 4 forked processes × 25 in flight', (f) => `node bench/contenders/node-crawl-pool.mjs ${f} procs 4 25`),
    c('free', 'prun-threads', 'prun --threads 4 --concurrency 25 --unordered', (f) => `${prun} ${f} --threads 4 --concurrency 25 --unordered`, { needs: ['prun'] }),
    c('free', 'prun-thread', `prun --threads 1 --concurrency ${IN_FLIGHT} --unordered`, (f) => `${prun} ${f} --threads 1 --concurrency ${IN_FLIGHT} --unordered`, { needs: ['prun'] }),
    c('free', 'prun-procs', 'prun --procs 4 --concurrency 25 --unordered', (f) => `${prun} ${f} --procs 4 --concurrency 25 --unordered`, { needs: ['prun'] }),
    c('limited', 'node', `one Node process, ${IN_FLIGHT} in flight, waits Retry-After on 429`, (f) => `node bench/contenders/node-crawl.mjs ${f} ${IN_FLIGHT} retry`),
    c('limited', 'python', `Python ThreadPoolExecutor(${IN_FLIGHT}), waits Retry-After on 429`, (f) => `${py} bench/contenders/py_crawl.py ${f} ${IN_FLIGHT} retry`, { needs: ['python'] }),
    c('limited', 'xargs', `xargs -P ${IN_FLIGHT} -n 1 curl --retry 100`, (f) => `xargs -P ${IN_FLIGHT} -n 1 ${curl(true)} < ${f}`, { needs: ['xargs', 'curl'] }),
    c('limited', 'parallel', `GNU parallel -j ${IN_FLIGHT} curl --retry 100`, (f) => `parallel --will-cite -q -j ${IN_FLIGHT} ${curl(true)} {} < ${f}`, { needs: ['parallel', 'curl'] }),
    c('limited', 'prun-key-rate', 'prun --threads 2 --concurrency 20 --key host --key-rate 8/s --unordered', (f) => `${prun} ${f} --threads 2 --concurrency 20 --key host --key-rate 8/s --unordered`, {
      needs: ['prun', 'prun-key-rate'],
    }),
    c('limited', 'prun-backoff', 'prun --threads 2 --concurrency 20 --key host --unordered (no --key-rate: backs off on 429)', (f) => `${prun} ${f} --threads 2 --concurrency 20 --key host --unordered`, {
      // a 429 is an ordinary failure for a prun without the limiter: the row needs it
      needs: ['prun', 'prun-key-rate'],
    }),
    c('limited', 'prun-one-key', 'prun --threads 2 --concurrency 20 --unordered (no key option: the run is one key, paced after a 429)', (f) => `${prun} ${f} --threads 2 --concurrency 20 --unordered`, {
      needs: ['prun', 'prun-key-rate'],
    }),
  ];

  return {
    name: 'crawl',
    title: `crawl: ${pages('free').toLocaleString('en-US')} pages from ${HOSTS} local hosts answering in 20 ms, ${IN_FLIGHT} requests in flight`,
    inputs: pages('free'),
    floors: ['free-node'],
    contenders,
    expected: (ct) => expected.get(groupOf.get(ct.id)!)!,
    async setUp() {
      await site.start(config.root);
      for (const group of ['free', 'limited'] as const) {
        // the ports are new each time: the URL files are written for this server
        const urls = urlsOf(site.origins, Math.ceil(pages(group) / HOSTS)).slice(0, pages(group));
        writeFileSync(files[group], urls.join('\n') + '\n');
        expected.set(group, expectLines(urls.length, (i) => pageLine(urls[i]!)));
      }
    },
    tearDown: () => site.stop(),
    beforeRun: (ct) => site.reset(groupOf.get(ct.id) === 'limited' ? LIMIT : undefined),
    afterRun: () => site.stats(),
    notes: [
      `The server is \`bench/contenders/crawl-server.mjs\`: one Node process with ${HOSTS} HTTP servers on 127.0.0.2-4 (the README's demo site, \`fixtures/crawl/hosts.mjs\`), on the same 2 cores as the contenders. Each answer waits 20 ms on a timer. Started once for the case; its counts are reset before every run.`,
      `Every contender prints \`url<TAB>status<TAB>bytes\` a page, checked against the pages the server serves. prun runs \`${FETCH}\`, the README's example (global fetch, throws \`throttled(res)\` on 429/503).`,
      `Under the limit each host answers 429 with \`Retry-After: 1\` (and no body) past ${LIMIT} pages in the sliding last second; the best possible is ${LIMIT * HOSTS} pages a second. The peers retry: curl \`--retry\` and the Node and Python scripts wait the Retry-After. The prun rows need the per-key limiter (\`--key-rate\`, issue 11) and are skipped without it.`,
      'Pages a second are pages / median wall time, start-up included.',
      `\`${FETCH}\` passes \`ctx.signal\` to fetch, so that --timeout and Ctrl-C abort it; fetch then follows that signal too (undici adds a listener and a finalizer a request). "Same work" is one Node process doing that as well: \`node-crawl.mjs … signal\`.`,
      'With the server on the same 2 cores, every CPU-second a contender spends is taken from the server: --threads 4 runs four isolates, each compiling and warming up undici and its streams on its own, where one process does it once.',
      '"Plain Node" rows (`bench/contenders/node-crawl-pool.mjs`) are the shape of a prun row without prun: the same number of worker threads or processes, each with its share of the URLs and the same fetches in flight, their lines printed by the parent. They measure what the pool itself costs against one process, and so how much of a prun row\'s distance is prun\'s own.',
    ],
    render: (results) => render(results, groupOf, pages),
    summary: (results) => targets(results, pages('free')),
  };
}

/** Pages a second, start-up included: what every rate of this case is. */
const perSecond = (pages: number, ms: number): number => pages / (ms / 1000);

/** The median wall time of a contender (by id) over its runs; NaN when it did not run. */
function medianMs(results: ContenderResult[], id: string): number {
  const r = results.find((x) => x.contender.id === id);
  return r?.status === 'ok' ? median(r.samples.map((s) => s.ms)) : Number.NaN;
}

function render(results: ContenderResult[], groupOf: Map<string, Group>, pages: (g: Group) => number): string[] {
  const inGroup = (g: Group) => results.filter((r) => groupOf.get(r.contender.id) === g);
  const failedRow = (r: ContenderResult, width: number) => {
    const cells = Array<string>(width).fill('');
    cells[width - 1] = r.status === 'ok' ? '' : r.reason.replaceAll('|', '\\|');
    return [r.contender.label, `**${r.status}**`, ...cells];
  };
  const floorRate = perSecond(pages('free'), medianMs(results, 'free-node'));
  const sameWorkRate = perSecond(pages('free'), medianMs(results, 'free-node-signal'));
  const free = inGroup('free').map((r) => {
    if (r.status !== 'ok') return failedRow(r, 5);
    const times = r.samples.map((s) => s.ms);
    const rate = perSecond(pages('free'), median(times));
    return [r.contender.label, formatMs(median(times)), `${formatMs(min(times))} – ${formatMs(max(times))}`, rate.toFixed(0), formatRatio(rate / floorRate), formatRatio(rate / sameWorkRate), ''];
  });
  const limited = inGroup('limited').map((r) => {
    if (r.status !== 'ok') return failedRow(r, 4);
    const times = r.samples.map((s) => s.ms);
    const extra = (key: string) => r.samples.map((s) => s.extra?.[key] ?? Number.NaN);
    return [
      r.contender.label,
      formatMs(median(times)),
      perSecond(pages('limited'), median(times)).toFixed(1),
      formatCount(median(extra('throttled'))),
      String(max(extra('peak'))),
      '',
    ];
  });
  return [
    `Without a limit, ${pages('free').toLocaleString('en-US')} pages:`,
    '',
    ...markdownTable(['contender', 'median', 'min – max', 'pages/s', '× node', '× node, same work', 'note'], free),
    '',
    `Each host answering 429 past ${LIMIT} pages a second, ${pages('limited').toLocaleString('en-US')} pages (at best ${LIMIT * HOSTS} pages/s):`,
    '',
    ...markdownTable(['contender', 'median', 'pages/s', "429s a run (median)", 'most pages of one host in any second', 'note'], limited),
  ];
}

/** The target: prun reaches at least one Node process's rate on I/O-bound work. */
function targets(results: ContenderResult[], pages: number): string[] {
  const ms = (id: string) => medianMs(results, id);
  const rate = (id: string) => perSecond(pages, ms(id)).toFixed(0);
  // each prun row beside plain Node code of the same shape: what is prun's, and what the pool's
  const shapes = [
    ['free-prun-threads', 'free-pool-threads'],
    ['free-prun-thread', 'free-pool-thread'],
    ['free-prun-procs', 'free-pool-procs'],
  ] as const;
  const lines = shapes.map(([id, shape]) => {
    const ratio = ms('free-node') / ms(id);
    const sameWork = ms('free-node-signal') / ms(id);
    const label = results.find((x) => x.contender.id === id)?.contender.label ?? id;
    return Number.isFinite(ratio)
      ? `- ${label}: ${formatRatio(ratio)}× the pages a second of one Node process (${rate(id)} against ${rate('free-node')}; target ≥ 1.00: ${ratio >= 1 ? 'met' : 'NOT met'}), ${formatRatio(sameWork)}× of one doing the same work, a signal a fetch (${rate('free-node-signal')}), ${formatRatio(ms(shape) / ms(id))}× of plain Node of the same shape (${rate(shape)})`
      : `- ${label}: not measured`;
  });
  const polite = results.find((x) => x.contender.id === 'limited-prun-key-rate');
  if (polite?.status === 'ok') {
    const throttled = max(polite.samples.map((s) => s.extra?.throttled ?? Number.NaN));
    lines.push(`- prun --key-rate 8/s under the limit: at most ${throttled} answers 429 in a run (target 0: ${throttled === 0 ? 'met' : 'NOT met'})`);
  }
  return ['I/O-bound speed and politeness (issue 11):', '', ...lines];
}
