// Runs one benchmark command and appends one JSON line of measurements to a results file.
//   wall time, CPU user+sys (GNU time: the command and every child it waited for),
//   peak RSS summed over the command's live process tree (sampled from /proc; the runner's supervisor
//   and worker JVMs both count, so pages they share, such as the AOT cache, count twice), and the
//   peak of the tree's summed PSS (shared pages split between the processes that map them),
//   time from spawn to the first .webp/.avif appearing in the output dir (inotify),
//   and, if the command prints it, its own "first-variant-ms=N" (or JSON "firstVariantMs": N) figure.
// Usage: node measure.mjs --results FILE --config NAME --round N --out DIR --log FILE -- CMD ARGS...
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const sep = process.argv.indexOf('--');
const { values: opt } = parseArgs({
  args: process.argv.slice(2, sep),
  options: {
    results: { type: 'string' }, config: { type: 'string' }, round: { type: 'string' },
    out: { type: 'string' }, log: { type: 'string' }, images: { type: 'string' },
  },
});
const cmd = process.argv.slice(sep + 1);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS || 50);
// Launchers and shells are not part of what is measured (a few MB each).
const WRAPPERS = new Set(['time', 'xargs', 'bash', 'sh', 'dash', 'env', 'nice']);
const PAGE = 4096;

function procTable() {
  const table = new Map(); // pid -> {ppid, comm}
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      table.set(Number(name), { ppid, comm });
    } catch { /* exited meanwhile */ }
  }
  return table;
}

function treeRss(rootPid) {
  const table = procTable();
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  let sum = 0, pss = 0, procs = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    for (const c of children.get(pid) || []) stack.push(c);
    const info = table.get(pid);
    if (!info || WRAPPERS.has(info.comm)) continue;
    try {
      sum += Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      if (rollup) pss += Number(rollup[1]) * 1024;
      procs++;
    } catch { /* exited meanwhile */ }
  }
  return { sum, pss, procs };
}

fs.mkdirSync(opt.out, { recursive: true });
const timeFile = `${opt.log}.time`;
const log = fs.openSync(opt.log, 'w');
const start = process.hrtime.bigint();
const sinceStart = () => Number(process.hrtime.bigint() - start) / 1e6;

let firstOutputMs = null;
const watcher = fs.watch(opt.out, { recursive: true }, (_event, name) => {
  if (firstOutputMs === null && name && /\.(webp|avif)$/.test(name)) firstOutputMs = sinceStart();
});

const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', '--', ...cmd], {
  stdio: ['ignore', log, log],
});
let peakRss = 0, peakPss = 0, peakProcs = 0;
const sampler = setInterval(() => {
  const { sum, pss, procs } = treeRss(child.pid);
  if (sum > peakRss) peakRss = sum;
  if (pss > peakPss) peakPss = pss;
  if (procs > peakProcs) peakProcs = procs;
}, SAMPLE_MS);

const exitCode = await new Promise((resolve) => child.on('exit', (code, sig) => resolve(code ?? 128)));
const wallMs = sinceStart();
clearInterval(sampler);
watcher.close();
fs.closeSync(log);

let elapsed = null, user = null, sys = null, maxProcRssKb = null;
try {
  // GNU time may prefix a "Command exited with non-zero status" line.
  const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop();
  [elapsed, user, sys, maxProcRssKb] = last.split(' ').map(Number);
} catch { /* no time output: the command could not start */ }
// A sum can't be below its largest process (GNU time's max RSS): covers very short runs.
if (maxProcRssKb) peakRss = Math.max(peakRss, maxProcRssKb * 1024);
const output = fs.readFileSync(opt.log, 'utf8');
// The runner's hook: first-variant-ms=123 in a text line, or "firstVariantMs":123 in a JSON one.
const reported = output.match(/first[-_]?variant[-_]?ms"?\s*[=:]\s*(\d+(?:\.\d+)?)/i);

const record = {
  config: opt.config,
  round: Number(opt.round),
  images: Number(opt.images),
  exitCode,
  wallS: wallMs / 1000,
  cpuS: user + sys,
  userS: user,
  sysS: sys,
  peakRssBytes: peakRss,
  peakPssBytes: peakPss,
  peakProcs,
  maxSingleProcRssBytes: maxProcRssKb * 1024,
  firstOutputMs,
  reportedFirstVariantMs: reported ? Number(reported[1]) : null,
};
fs.appendFileSync(opt.results, JSON.stringify(record) + '\n');
console.log(`  ${opt.config.padEnd(22)} round ${opt.round}: exit ${exitCode}, ${record.wallS.toFixed(2)} s wall, `
  + `${record.cpuS.toFixed(2)} s CPU, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (${peakProcs} procs)`);
if (exitCode !== 0) {
  console.log(output.split('\n').slice(-15).map((l) => `    | ${l}`).join('\n'));
}
process.exit(exitCode === 0 ? 0 : 1);
