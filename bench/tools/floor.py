#!/usr/bin/env python3
"""The floor (issue 18 item 3): the libvips work the benchmark's workload cannot avoid, with no JVM.

Per source, exactly the libvips calls the runner makes (docs/runner.md, "What happens to each
image"), from a bare Python process through ctypes, so what is left is libvips' own work:

  header     vips_image_new_from_file (sequential, fail_on warning): the colour interpretation
  decode     vips_thumbnail to the largest width with shrink-on-load, Lanczos3, EXIF rotation,
             sRGB through the embedded ICC profile (not for greyscale), metadata removed,
             rendered into memory once
  resize     vips_thumbnail_image from that image to each smaller width, rendered into memory
  webp/avif  webpsave_buffer (Q 80, effort 4) and heifsave_buffer (AV1, Q 65, effort 4, 8 bits,
             tune ssim where heifsave has tune), metadata stripped; written to --out

libvips runs with concurrency 1 per image and no operation cache, as in the runner. With --out the
files can be compared byte for byte with the runner's (they must be identical: same work).

  python3 bench/tools/floor.py LIBVIPS_SO [--parallel N] [--out DIR] [--webp-q Q] [--avif-q Q]
          [--widths 1200,800,400] [--json FILE] IMAGE...

Prints, and with --json writes, CPU seconds (user+sys of this process) for start-up (dlopen,
vips_init) and for the images, and, with --parallel 1, per step.
"""
import argparse
import ctypes
import json
import os
import sys
import threading
import time

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("library")
p.add_argument("images", nargs="+")
p.add_argument("--parallel", type=int, default=1, help="images in flight (threads), like --concurrency")
p.add_argument("--out", help="write outputs here as {stem}-w{width}.{format}")
p.add_argument("--webp-q", type=int, default=80)
p.add_argument("--avif-q", type=int, default=65)
p.add_argument("--widths", default="1200,800,400", help="largest first")
p.add_argument("--json")
opt = p.parse_args()


def cpu():
    t = os.times()
    return t.user + t.system


t0 = cpu()
wall0 = time.time()
lib = ctypes.CDLL(opt.library, mode=ctypes.RTLD_GLOBAL)
V, I, S = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
for name, res, args in [
    ("vips_image_new_from_file", V, [S]),
    ("vips_image_copy_memory", V, [V]),
    ("vips_error_buffer", S, []),
    ("vips_version", I, [I]),
    ("vips_image_get_interpretation", I, [V]),
    ("vips_image_get_width", I, [V]),
    ("vips_image_remove", I, [V, S]),
    ("g_object_unref", None, [V]),
    ("g_free", None, [V]),
]:
    f = getattr(lib, name)
    f.restype = res
    if name != "vips_image_new_from_file":  # varargs: argtypes would drop the trailing options
        f.argtypes = args
if lib.vips_init(b"floor"):
    sys.exit("vips_init failed")
lib.vips_cache_set_max(0)
lib.vips_concurrency_set(1)
version = (lib.vips_version(0), lib.vips_version(1), lib.vips_version(2))
startup_cpu = cpu() - t0

SEQUENTIAL, SIZE_DOWN, FAIL_ON_WARNING, AV1, KEEP_NONE = 1, 2, 3, 4, 0
B_W, CMYK, GREY16 = 1, 15, 26  # VipsInterpretation
UNBOUNDED = 10_000_000
has_keep = version >= (8, 15, 0)  # 8.15 replaced strip with keep
has_tune = version >= (8, 18, 0)  # heifsave's tune; the runner sets ssim where it exists
strip = [b"keep", I(KEEP_NONE)] if has_keep else [b"strip", I(1)]
widths = [int(w) for w in opt.widths.split(",")]
METADATA = [b"icc-profile-data", b"exif-data", b"xmp-data", b"iptc-data", b"orientation"]


def check(rc, what):
    if rc:
        raise RuntimeError(f"{what}: {lib.vips_error_buffer().decode(errors='replace')}")


def memory(image):
    copy = lib.vips_image_copy_memory(image)
    lib.g_object_unref(image)
    if not copy:
        check(1, "copy_memory")
    return V(copy)


def save(image, saver, args):
    buf, length = V(), ctypes.c_size_t()
    check(getattr(lib, saver)(image, ctypes.byref(buf), ctypes.byref(length), *args, None), saver)
    data = ctypes.string_at(buf, length.value)
    lib.g_free(buf)
    return data


WEBP = [b"Q", I(opt.webp_q), b"effort", I(4)] + strip
AVIF = [b"compression", I(AV1), b"Q", I(opt.avif_q), b"effort", I(4), b"bitdepth", I(8)] + strip
if has_tune:
    AVIF += [b"tune", b"ssim"]

steps = {"header": 0.0, "decode": 0.0, "resize": 0.0, "webp": 0.0, "avif": 0.0}
totals = {"webp": 0, "avif": 0}
lock = threading.Lock()


def timed(step, fn):
    before = cpu()
    try:
        return fn()
    finally:
        if opt.parallel == 1:
            steps[step] += cpu() - before


def process(path):
    stem = os.path.splitext(os.path.basename(path))[0]

    def header():
        h = lib.vips_image_new_from_file(path.encode(), b"access", I(SEQUENTIAL), b"fail_on", I(FAIL_ON_WARNING), None)
        check(not h, "header")
        interpretation = lib.vips_image_get_interpretation(h)
        lib.g_object_unref(h)
        return interpretation

    interpretation = timed("header", header)

    def decode():
        out = V()
        # Greyscale stays greyscale; CMYK without a profile is assumed CMYK, everything else sRGB.
        assumed = b"cmyk" if interpretation == CMYK else b"srgb"
        grey = interpretation in (B_W, GREY16)
        colour = [] if grey else [b"export_profile", b"srgb", b"import_profile", assumed]
        check(lib.vips_thumbnail(path.encode(), ctypes.byref(out), I(widths[0]), b"height", I(UNBOUNDED),
                                 b"size", I(SIZE_DOWN), *colour, b"fail_on", I(FAIL_ON_WARNING), None), "thumbnail")
        for field in METADATA:
            lib.vips_image_remove(out, field)
        return memory(out)

    base = timed("decode", decode)
    images = [(widths[0], base)]
    for w in widths[1:]:
        def resize():
            out = V()
            check(lib.vips_thumbnail_image(base, ctypes.byref(out), I(w), b"height", I(UNBOUNDED), b"size", I(SIZE_DOWN),
                                           b"no_rotate", I(1), b"fail_on", I(FAIL_ON_WARNING), None), "thumbnail_image")
            return memory(out)
        images.append((w, timed("resize", resize)))
    for w, image in images:
        for fmt, saver, args in (("webp", "vips_webpsave_buffer", WEBP), ("avif", "vips_heifsave_buffer", AVIF)):
            data = timed(fmt, lambda: save(image, saver, args))
            with lock:
                totals[fmt] += len(data)
            if opt.out:
                with open(os.path.join(opt.out, f"{stem}-w{w}.{fmt}"), "wb") as f:
                    f.write(data)
        lib.g_object_unref(image)


if opt.out:
    os.makedirs(opt.out, exist_ok=True)
queue = list(opt.images)
failures = []


def worker():
    while True:
        with lock:
            if not queue:
                return
            path = queue.pop(0)
        try:
            process(path)
        except Exception as e:  # one image's failure is reported, the others go on
            failures.append(f"{path}: {e}")


t1, wall1 = cpu(), time.time()
threads = [threading.Thread(target=worker) for _ in range(max(1, opt.parallel))]
for t in threads:
    t.start()
for t in threads:
    t.join()
result = {
    "libvips": ".".join(map(str, version)),
    "images": len(opt.images),
    "parallel": opt.parallel,
    "webpQ": opt.webp_q,
    "avifQ": opt.avif_q,
    "startupCpuS": round(startup_cpu, 3),
    "imagesCpuS": round(cpu() - t1, 3),
    "totalCpuS": round(cpu() - t0, 3),
    "imagesWallS": round(time.time() - wall1, 3),
    "totalWallS": round(time.time() - wall0, 3),
    "bytes": totals,
    "stepsCpuS": {k: round(v, 3) for k, v in steps.items()} if opt.parallel == 1 else None,
    "failures": failures,
}
print(json.dumps(result))
if opt.json:
    with open(opt.json, "w") as f:
        json.dump(result, f, indent=2)
sys.exit(1 if failures else 0)
