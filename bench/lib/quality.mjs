// Output size and quality of each configuration's outputs.
// Quality: mean SSIM on luma (Y = 0.299 R + 0.587 G + 0.114 B, 11x11 Gaussian window, sigma 1.5)
// of every output against a reference resize made with Debian's `vips thumbnail` to PNG from the
// fully decoded source (no shrink-on-load), lanczos3, same width. Alpha is flattened onto white.
// With --dssim BIN also DSSIM (crates.io `dssim`: multi-scale SSIM in L*a*b*, so it sees colour and
// chroma subsampling, which luma SSIM cannot) of each output against the same reference, both decoded
// by sharp to sRGB PNG with alpha flattened onto white. DSSIM is 0 for identical images, lower is
// better.
// Usage: node quality.mjs --images DIR --refs DIR --json FILE [--dssim BIN] NAME=OUT_DIR...
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    images: { type: 'string' }, refs: { type: 'string' }, json: { type: 'string' }, dssim: { type: 'string' },
  },
});
const WIDTHS = [400, 800, 1200];
const FORMATS = ['webp', 'avif'];
const configs = positionals.map((p) => { const i = p.indexOf('='); return { name: p.slice(0, i), dir: p.slice(i + 1) }; });
const sources = fs.readdirSync(opt.images).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
sharp.cache(false);

// --- references (cached: they depend only on the source and Debian's libvips) -----------------
fs.mkdirSync(opt.refs, { recursive: true });
function refPath(file, w) {
  const stem = path.basename(file, path.extname(file));
  const ref = path.join(opt.refs, `${stem}-w${w}.png`);
  if (!fs.existsSync(ref)) {
    const full = path.join(opt.refs, `${stem}.v`);
    if (!fs.existsSync(full)) execFileSync('vips', ['copy', path.join(opt.images, file), full]);
    execFileSync('vips', ['thumbnail', full, ref, String(w), '--height', '10000000', '--size', 'down']);
  }
  return ref;
}

// --- luma + SSIM ----------------------------------------------------------------------------------
async function luma(file, size) {
  let img = sharp(file).flatten({ background: '#ffffff' }).toColourspace('srgb');
  if (size) img = img.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height, c = info.channels, y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 0.299 * data[i * c] + 0.587 * data[i * c + 1] + 0.114 * data[i * c + 2];
  return { width: info.width, height: info.height, y };
}

const KERNEL = (() => {
  const k = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 ** 2)));
  const s = k.reduce((a, b) => a + b);
  return k.map((v) => v / s);
})();

function blur(src, w, h) { // separable Gaussian, edges clamped
  const tmp = new Float32Array(src.length), dst = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -5; k <= 5; k++) s += KERNEL[k + 5] * src[row + Math.min(w - 1, Math.max(0, x + k))];
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -5; k <= 5; k++) s += KERNEL[k + 5] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
      dst[y * w + x] = s;
    }
  }
  return dst;
}

function ssim(a, b) {
  const { width: w, height: h } = a, n = w * h;
  const xx = new Float32Array(n), yy = new Float32Array(n), xy = new Float32Array(n);
  for (let i = 0; i < n; i++) { xx[i] = a.y[i] * a.y[i]; yy[i] = b.y[i] * b.y[i]; xy[i] = a.y[i] * b.y[i]; }
  const mx = blur(a.y, w, h), my = blur(b.y, w, h), sxx = blur(xx, w, h), syy = blur(yy, w, h), sxy = blur(xy, w, h);
  const C1 = (0.01 * 255) ** 2, C2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i], cxy = sxy[i] - mx[i] * my[i];
    sum += ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2)) / ((mx[i] ** 2 + my[i] ** 2 + C1) * (vx + vy + C2));
  }
  return sum / n;
}

// --- DSSIM: all channels ------------------------------------------------------------------------
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dssim-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
let pngs = 0;
async function flatPng(file, size) {
  let img = sharp(file).flatten({ background: '#ffffff' }).toColourspace('srgb');
  if (size) img = img.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
  const out = path.join(scratch, `${pngs++}.png`);
  await img.png({ compressionLevel: 1 }).toFile(out);
  return out;
}
// One dssim process per reference size: it compares the first file with each of the others.
async function dssimScores(refFile, outputs) { // outputs: [{file, width, height}] -> [score]
  const groups = new Map();
  outputs.forEach((o, i) => {
    const key = `${o.width}x${o.height}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(i);
  });
  const scores = new Array(outputs.length);
  for (const [key, idx] of groups) {
    const [width, height] = key.split('x').map(Number);
    const ref = await flatPng(refFile, { width, height });
    const files = await Promise.all(idx.map((i) => flatPng(outputs[i].file)));
    const lines = execFileSync(opt.dssim, [ref, ...files]).toString().trim().split('\n');
    lines.forEach((line, j) => { scores[idx[j]] = Number(line.split('\t')[0]); });
    for (const f of [ref, ...files]) fs.rmSync(f);
  }
  return scores;
}

// --- walk outputs ---------------------------------------------------------------------------------
function listFiles(dir) {
  const found = new Map(); // basename -> full path
  if (!fs.existsSync(dir)) return found;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) found.set(e.name, path.join(e.parentPath ?? e.path, e.name));
  }
  return found;
}

const result = {};
const files = new Map(configs.map((c) => [c.name, listFiles(c.dir)]));
for (const c of configs) {
  result[c.name] = { expected: sources.length * WIDTHS.length * FORMATS.length, found: 0, resizedRefs: 0 };
  for (const f of FORMATS) {
    result[c.name][f] = { files: 0, bytes: 0, ssimSum: 0, meanSsim: null, dssimSum: 0, meanDssim: null };
  }
}
for (const file of sources) {
  const stem = path.basename(file, path.extname(file));
  for (const w of WIDTHS) {
    const refFile = refPath(file, w);
    const ref = await luma(refFile);
    const scored = []; // {file, width, height, s}: outputs to score with DSSIM
    for (const c of configs) {
      for (const f of FORMATS) {
        const out = files.get(c.name).get(`${stem}-w${w}.${f}`);
        if (!out) continue;
        const r = result[c.name], s = r[f];
        const img = await luma(out);
        let against = ref;
        if (img.width !== ref.width || img.height !== ref.height) {
          against = await luma(refFile, { width: img.width, height: img.height });
          r.resizedRefs++;
        }
        r.found++;
        s.files++;
        s.bytes += fs.statSync(out).size;
        s.ssimSum += ssim(against, img);
        scored.push({ file: out, width: img.width, height: img.height, s });
      }
    }
    if (opt.dssim && scored.length) {
      const scores = await dssimScores(refFile, scored);
      scored.forEach((o, i) => { o.s.dssimSum += scores[i]; });
    }
  }
  process.stderr.write('.');
}
process.stderr.write('\n');
for (const c of configs) for (const f of FORMATS) {
  const s = result[c.name][f];
  s.meanSsim = s.files ? s.ssimSum / s.files : null;
  s.meanDssim = opt.dssim && s.files ? s.dssimSum / s.files : null;
  delete s.ssimSum;
  delete s.dssimSum;
}
fs.writeFileSync(opt.json, JSON.stringify(result, null, 2) + '\n');
