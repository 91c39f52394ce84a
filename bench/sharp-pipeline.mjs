// The original sharp-based service's pipeline, reproduced for the benchmark.
// Every image -> webp (Q80, effort 4) and avif (Q65, effort 4) at 400, 800 and 1200 px wide,
// height in proportion, lanczos3, never enlarged. One sharp(file) per image and one clone() per
// output, all outputs of an image awaited together, as sharp's clone() is meant to be used.
//
// Usage: node sharp-pipeline.mjs --out DIR [--in-flight N] [--threads N] [--no-cache]
//          [--avif-chroma 4:4:4|4:2:0] [--avif-tune T] [--webp-q Q] [--avif-q Q] FILE...
//   --in-flight N    images processed at once (1 = sequential, like the original)
//   --threads N      sharp.concurrency(N): libvips worker threads per pipeline (0 = sharp's default)
//   --no-cache       sharp.cache(false): no libvips operation cache
//   --avif-chroma    AVIF chromaSubsampling; sharp's default is 4:4:4, the runner's (libvips' below
//                    Q 90) 4:2:0, which is the same work as the runner (sharp-best-420)
//   --avif-tune      AVIF tune (sharp's default auto, which is iq on libvips 8.18; the runner's ssim)
//   --webp-q, --avif-q  quality (default 80 and 65, the workload's); for equal-quality sweeps
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import path from 'node:path';
import sharp from 'sharp';

const { values: opt, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    'in-flight': { type: 'string', default: '1' },
    threads: { type: 'string', default: '0' },
    'no-cache': { type: 'boolean', default: false },
    'avif-chroma': { type: 'string', default: '4:4:4' },
    'webp-q': { type: 'string', default: '80' },
    'avif-q': { type: 'string', default: '65' },
    'avif-tune': { type: 'string', default: 'auto' },
  },
});
if (!opt.out || files.length === 0) {
  console.error('usage: node sharp-pipeline.mjs --out DIR [--in-flight N] [--threads N] [--no-cache] FILE...');
  process.exit(2);
}

fs.mkdirSync(opt.out, { recursive: true });
const WIDTHS = [400, 800, 1200];
const ENCODE = {
  webp: (p) => p.webp({ quality: Number(opt['webp-q']), effort: 4 }),
  avif: (p) => p.avif({ quality: Number(opt['avif-q']), effort: 4, chromaSubsampling: opt['avif-chroma'], tune: opt['avif-tune'] }),
};

const threads = Number(opt.threads);
if (threads > 0) sharp.concurrency(threads);
if (opt['no-cache']) sharp.cache(false);

async function processImage(file) {
  const stem = path.basename(file, path.extname(file));
  const base = sharp(file);
  const jobs = [];
  for (const w of WIDTHS) {
    for (const [format, encode] of Object.entries(ENCODE)) {
      const pipeline = base.clone().resize(w, null, { withoutEnlargement: true, kernel: 'lanczos3' });
      jobs.push(encode(pipeline).toFile(path.join(opt.out, `${stem}-w${w}.${format}`)));
    }
  }
  await Promise.all(jobs);
}

const queue = [...files];
let failed = 0;
async function worker() {
  for (let file = queue.shift(); file; file = queue.shift()) {
    try {
      await processImage(file);
    } catch (err) {
      failed++;
      console.error(`sharp: ${file}: ${err.message}`);
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, Number(opt['in-flight'])) }, worker));
console.error(`sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}): ${files.length - failed}/${files.length} images, `
  + `in-flight ${opt['in-flight']}, sharp.concurrency ${sharp.concurrency()}, cache ${opt['no-cache'] ? 'off' : 'on'}, `
  + `webp Q${opt['webp-q']}, avif Q${opt['avif-q']} ${opt['avif-chroma']} tune ${opt['avif-tune']}`);
process.exit(failed ? 1 : 0);
