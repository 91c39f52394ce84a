#!/usr/bin/env python3
"""CPU seconds of libvips' AVIF encoder alone, per heifsave setting, on one libvips build.

Each source is shrunk once to 1200, 800 and 400 px wide and kept in memory; then every setting
encodes all of them (Q 65, effort 4, 8 bits, as the benchmark) and prints its CPU seconds (this
process, user+sys), wall seconds and total bytes. Used to find why the runner cost more CPU on
sharp's libvips 8.18 than on Debian's 8.14 (issue 8): 8.18's unset `tune` means aom's "iq".

  python3 bench/tools/avif-encoder-cpu.py LIBVIPS_SO CONCURRENCY IMAGE... [-- NAME=arg:value,... ...]

  LIBVIPS_SO   e.g. /usr/lib/x86_64-linux-gnu/libvips.so.42 or sharp's libvips-cpp.so.8.18.7
  settings     always: default (libvips' defaults) and sharp (subsample_mode off); add more as
               NAME=arg:value,arg:value, e.g. ssim=tune:ssim iq=tune:iq (tune exists from 8.18;
               enum arguments take their integer value: subsample_mode 2 = off)
"""
import ctypes
import os
import sys
import time

args = sys.argv[1:]
extra = args[args.index("--") + 1:] if "--" in args else []
args = args[: args.index("--")] if "--" in args else args
if len(args) < 3:
    sys.exit(__doc__)
lib = ctypes.CDLL(args[0], mode=ctypes.RTLD_GLOBAL)
V = ctypes.c_void_p
lib.vips_image_copy_memory.restype = V
lib.vips_image_copy_memory.argtypes = [V]
lib.vips_error_buffer.restype = ctypes.c_char_p
lib.vips_init(b"avif-encoder-cpu")
lib.vips_cache_set_max(0)
lib.vips_concurrency_set(int(args[1]))

images = []
for f in args[2:]:
    for width in (1200, 800, 400):
        out = V()
        if lib.vips_thumbnail(f.encode(), ctypes.byref(out), ctypes.c_int(width), None):
            sys.exit(lib.vips_error_buffer())
        images.append(V(lib.vips_image_copy_memory(out)))
        lib.g_object_unref(out)

AV1 = 4  # VIPS_FOREIGN_HEIF_COMPRESSION_AV1
base = [("compression", AV1), ("Q", 65), ("effort", 4), ("bitdepth", 8)]
settings = {"default": base, "sharp": base + [("subsample_mode", 2)]}
for spec in extra:
    name, pairs = spec.split("=", 1)
    opts = list(base)
    for pair in filter(None, pairs.split(",")):
        key, value = pair.split(":")
        opts.append((key, int(value) if value.lstrip("-").isdigit() else value))
    settings[name] = opts

for name, opts in settings.items():
    varargs = []
    for key, value in opts:
        varargs += [key.encode(), ctypes.c_int(value) if isinstance(value, int) else value.encode()]
    varargs.append(None)
    before, started, total = os.times(), time.time(), 0
    for image in images:
        buf, length = V(), ctypes.c_size_t()
        if lib.vips_heifsave_buffer(image, ctypes.byref(buf), ctypes.byref(length), *varargs):
            sys.exit(lib.vips_error_buffer())
        total += length.value
        lib.g_free(buf)
    after = os.times()
    cpu = after.user - before.user + after.system - before.system
    print(f"{name:10s} cpu {cpu:6.2f} s  wall {time.time() - started:6.2f} s  bytes {total}", flush=True)
