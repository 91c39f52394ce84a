// Turns measurements (results.jsonl) and quality (quality.json) into the markdown report,
// checks the issue-8 targets, prints it and writes it. Exits 1 if a configuration failed.
// Usage: node report.mjs --work DIR --out FILE --command "bench/run.sh ..."
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values: opt } = parseArgs({
  options: {
    work: { type: 'string' }, out: { type: 'string' }, command: { type: 'string' },
    tune: { type: 'boolean', default: false }, // a sharp settings grid: no targets
  },
});
const read = (f) => fs.readFileSync(path.join(opt.work, f), 'utf8');
const records = read('results.jsonl').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const quality = JSON.parse(read('quality.json'));
// configs.tsv: name<TAB>label<TAB>status (ran | skipped: reason)
const configs = read('configs.tsv').trim().split('\n').map((l) => {
  const [name, label, status] = l.split('\t');
  return { name, label, status };
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = {};
let failures = 0;
for (const c of configs) {
  if (c.status !== 'ran') continue;
  const rs = records.filter((r) => r.config === c.name);
  const q = quality[c.name];
  const failedRounds = rs.filter((r) => r.exitCode !== 0).length;
  const ok = rs.length > 0 && failedRounds === 0 && q && q.found === q.expected;
  const firsts = rs.map((r) => r.reportedFirstVariantMs).filter((v) => v !== null);
  const observed = rs.map((r) => r.firstOutputMs).filter((v) => v !== null);
  stats[c.name] = {
    ok,
    why: !rs.length ? 'no runs' : failedRounds ? `${failedRounds} round(s) exited non-zero`
      : q.found !== q.expected ? `${q.found}/${q.expected} outputs` : '',
    ips: median(rs.map((r) => r.images / r.wallS)),
    perRound: rs.map((r) => r.images / r.wallS),
    cpu: median(rs.map((r) => r.cpuS)),
    rss: Math.max(...rs.map((r) => r.peakRssBytes)),
    first: observed.length ? median(observed) : null,
    reportedFirst: firsts.length ? median(firsts) : null,
    q,
  };
  if (!ok) failures++;
}

const mib = (b) => (b / 2 ** 20).toFixed(0);
const kib = (b) => (b / 1024).toFixed(0);
const fx = (v, d = 2) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const x = (v) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(2)}x`);
const ratio = (a, b) => (a && b ? a / b : null);
const S = (n) => (stats[n] && stats[n].ok ? stats[n] : null);
const sharpBest = S('sharp-best'), vipsCli = S('vips-cli');

const lines = [];
const p = (s = '') => lines.push(s);
const vipsVersion = (() => { try { return execFileSync('vips', ['--version']).toString().trim(); } catch { return 'n/a'; } })();
p(`# imagebatch benchmark: ${new Date().toISOString()}`);
p();
p(`Machine: ${os.cpus().length} CPUs (nproc), ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.release()}. `
  + `Load average at report time: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}.`);
p(`libvips builds: Debian ${vipsVersion}; sharp ${sharp.versions.sharp} bundles libvips ${sharp.versions.vips} `
  + `(aom ${sharp.versions.aom}, webp ${sharp.versions.webp}, heif ${sharp.versions.heif}).`);
const r0 = records[0] ?? {};
p(`Workload: ${r0.images ?? '?'} images x (webp Q80 effort 4 + avif Q65 effort 4) x (400, 800, 1200 px wide), `
  + `lanczos3, never enlarged; ${Math.max(0, ...records.map((r) => r.round))} round(s), configurations alternated within each round.`);
p(`Reproduce: \`${opt.command}\``);
p();
p('| Configuration | images/s (median) | vs sharp-best | vs vips CLI | CPU s (median) | peak RSS MiB | webp KiB | avif KiB | SSIM webp | SSIM avif | start to 1st output ms |');
p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of configs) {
  const s = stats[c.name];
  if (c.status !== 'ran') { p(`| ${c.label} | ${c.status} ||||||||||`); continue; }
  if (!s.ok) { p(`| ${c.label} | FAILED: ${s.why} ||||||||||`); continue; }
  const first = s.reportedFirst !== null ? `${fx(s.reportedFirst, 0)} (runner) / ${fx(s.first, 0)}` : fx(s.first, 0);
  p(`| ${c.label} | ${fx(s.ips)} | ${x(ratio(s.ips, sharpBest?.ips))} | ${x(ratio(s.ips, vipsCli?.ips))} | ${fx(s.cpu, 1)} `
    + `| ${mib(s.rss)} | ${kib(s.q.webp.bytes)} | ${kib(s.q.avif.bytes)} | ${fx(s.q.webp.meanSsim, 4)} | ${fx(s.q.avif.meanSsim, 4)} | ${first} |`);
}
p();
p('images/s per round: ' + configs.filter((c) => stats[c.name]?.ok)
  .map((c) => `${c.name} ${stats[c.name].perRound.map((v) => v.toFixed(2)).join(', ')}`).join('; ') + '.');
p('Peak RSS: the largest sum of resident memory over the configuration\'s processes (shells and xargs excluded), '
  + 'sampled every 50 ms, worst round. CPU: user+sys of the command and all its children. SSIM: luma, against a '
  + 'lanczos3 reference from the fully decoded source made by Debian\'s vips, mean over outputs.');
p();

if (!opt.tune) {
  // --- targets ----------------------------------------------------------------------------------
  p('## Targets (issue 8)');
  p();
  const EPS = 0.001; // SSIM differences below this count as equal
  const targets = [];
  const target = (name, pass, detail) => targets.push({
    name, result: pass === null ? 'SKIP' : pass ? 'PASS' : 'FAIL',
    detail: pass === null ? 'not measured (a configuration was skipped or failed)' : detail,
  });
  const rSharp = S('runner-sharp-libvips'), rDebian = S('runner-debian');
  const missing = (...xs) => xs.some((x) => !x);
  {
    const v = ratio(rSharp?.ips, sharpBest?.ips);
    target('runner throughput >= 1.5x sharp-best, same libvips (sharp\'s)', missing(rSharp, sharpBest) ? null : v >= 1.5, x(v));
  }
  {
    const v = ratio(rDebian?.ips, vipsCli?.ips);
    target('runner throughput >= 1.0x vips CLI, Debian\'s libvips', missing(rDebian, vipsCli) ? null : v >= 1.0, x(v));
  }
  for (const [n, r] of [['Debian libvips', rDebian], ['sharp\'s libvips', rSharp]]) {
    const v = ratio(r?.rss, sharpBest?.rss);
    target(`runner (${n}) peak RSS <= 0.5x sharp-best`, missing(r, sharpBest) ? null : v <= 0.5,
      `${x(v)} (${r ? mib(r.rss) : '?'} vs ${sharpBest ? mib(sharpBest.rss) : '?'} MiB)`);
  }
  for (const f of ['webp', 'avif']) {
    const a = rSharp?.q[f], b = sharpBest?.q[f];
    const pass = missing(rSharp, sharpBest) ? null : a.bytes <= b.bytes && a.meanSsim >= b.meanSsim - EPS;
    target(`runner ${f} bytes <= sharp-best at equal or better SSIM (same libvips)`, pass,
      a && b ? `${x(ratio(a.bytes, b.bytes))} bytes, SSIM ${fx(a.meanSsim, 4)} vs ${fx(b.meanSsim, 4)}` : 'n/a');
  }
  {
    // The runner's own figure (a "first-variant-ms=N" line on stdout/stderr) when it prints one;
    // else the harness's: process spawn (the JVM starts there) to the first output file appearing.
    const r = rDebian ?? rSharp;
    const v = r ? (r.reportedFirst ?? r.first) : null;
    const src = r?.reportedFirst !== null && r?.reportedFirst !== undefined ? 'runner-reported' : 'observed by harness';
    target('JVM start to first written variant < 300 ms', r ? v !== null && v < 300 : null, r ? `${fx(v, 0)} ms (${src})` : 'n/a');
  }
  p('| Target | Result | Measured |');
  p('|---|---|---|');
  for (const t of targets) p(`| ${t.name} | ${t.result} | ${t.detail} |`);
  p();
}
if (failures) p(`**${failures} configuration(s) FAILED** (see the run log above).`);

const md = lines.join('\n') + '\n';
fs.mkdirSync(path.dirname(opt.out), { recursive: true });
fs.writeFileSync(opt.out, md);
process.stdout.write(md);
process.exit(failures ? 1 : 0);
