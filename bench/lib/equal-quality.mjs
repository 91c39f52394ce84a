// Bytes at equal perceptual score, from bench/tools/equal-quality.sh's quality.json: per libvips
// build and format, the runner's bytes interpolated (linearly between the two nearest quality
// settings) at the score sharp reaches with the workload's settings. Prints markdown.
// Usage: node equal-quality.mjs QUALITY_JSON IMAGES QSTEP
import fs from 'node:fs';

const [file, images, step] = process.argv.slice(2);
const q = JSON.parse(fs.readFileSync(file, 'utf8'));
const FORMATS = ['webp', 'avif'];
const METRICS = [
  { key: 'meanDssim', name: 'DSSIM', better: (a, b) => a <= b, show: (v) => (v * 1000).toFixed(3) + 'e-3' },
  { key: 'meanSsim', name: 'luma SSIM', better: (a, b) => a >= b, show: (v) => v.toFixed(4) },
];

// bytes at score s on the curve [{bytes, score}], linear between the two points around s
// (or beyond the two nearest ends: then marked as extrapolated)
function bytesAt(points, s) {
  const p = [...points].sort((a, b) => a.score - b.score);
  let i = p.findIndex((x) => x.score >= s);
  if (i === -1) i = p.length - 1;
  if (i === 0) i = 1;
  const [a, b] = [p[i - 1], p[i]];
  const t = (s - a.score) / (b.score - a.score);
  return { bytes: a.bytes + t * (b.bytes - a.bytes), extrapolated: t < 0 || t > 1 };
}

const lines = [];
const p = (s = '') => lines.push(s);
p(`# Bytes at equal perceptual score (${images} corpus images, runner at Q and Q +- ${step})`);
p();
p('| libvips | format | metric | against | sharp bytes | sharp score | runner bytes at that score | ratio | runner at the workload\'s Q: bytes, score |');
p('|---|---|---|---|---:|---:|---:|---:|---|');
for (const build of ['sharp', 'debian']) {
  const runs = Object.keys(q).filter((k) => k.startsWith(`runner-${build}-`));
  if (!runs.length) continue;
  for (const f of FORMATS) {
    for (const m of METRICS) {
      const points = runs.map((k) => ({ bytes: q[k][f].bytes, score: q[k][f][m.key] }));
      const workload = q[runs.find((k) => k.endsWith('-w80-a65'))]?.[f];
      for (const sharpName of ['sharp-best-420', 'sharp-best-444']) {
        const s = q[sharpName]?.[f];
        if (!s || s[m.key] === null) continue;
        const at = bytesAt(points, s[m.key]);
        p(`| ${build === 'sharp' ? 'sharp\'s 8.18' : 'Debian 8.14'} | ${f} | ${m.name} | ${sharpName} | ${s.bytes} | ${m.show(s[m.key])} `
          + `| ${Math.round(at.bytes)}${at.extrapolated ? ' (extrapolated)' : ''} | ${(at.bytes / s.bytes).toFixed(3)}x `
          + `| ${workload ? `${workload.bytes}, ${m.show(workload[m.key])}` : 'n/a'} |`);
      }
    }
  }
}
p();
p('Runner points (bytes, DSSIM x1000, luma SSIM): ' + Object.keys(q).filter((k) => k.startsWith('runner-'))
  .map((k) => `${k}: ${FORMATS.map((f) => `${f} ${q[k][f].bytes} / ${(q[k][f].meanDssim * 1000).toFixed(3)} / ${q[k][f].meanSsim.toFixed(4)}`).join(', ')}`)
  .join('; ') + '.');
process.stdout.write(lines.join('\n') + '\n');
