#!/usr/bin/env python3
"""Compiles a CUDA source with NVRTC exactly as cubie's model compiler does at run time
(src/models/nvrtc_compile.cpp: --std=c++20 -arch=sm_XX --fmad=true -default-device -DNDEBUG
-I<include>), on a machine without a GPU: NVRTC needs no device. Writes the CUBIN and the
PTX (from a second compile for compute_XX), and prints NVRTC's log (ptxas -v where asked).

  nvrtc_offline.py SOURCE.cu --include DIR --cubin OUT.cubin [--ptx OUT.ptx] [--sm 90]
                   [--option OPT ...]
libnvrtc is looked up in $NVRTC_LIB, then /usr/local/cuda/lib64, /usr/local/cuda/lib and
the loader's path.
"""
import argparse
import ctypes
import glob
import os
import sys


def load_nvrtc():
    cands = []
    if os.environ.get("NVRTC_LIB"):
        cands.append(os.environ["NVRTC_LIB"])
    for d in ("/usr/local/cuda/lib64", "/usr/local/cuda/lib", "/usr/local/cuda/targets/x86_64-linux/lib"):
        cands += sorted(glob.glob(os.path.join(d, "libnvrtc.so*")))
    cands.append("libnvrtc.so")
    for c in cands:
        try:
            return ctypes.CDLL(c)
        except OSError:
            continue
    sys.exit("libnvrtc not found (set NVRTC_LIB)")


def compile_once(api, text, name, options, want_cubin):
    prog = ctypes.c_void_p()
    r = api.nvrtcCreateProgram(ctypes.byref(prog), text, name, 0, None, None)
    if r != 0:
        sys.exit("nvrtcCreateProgram failed: %d" % r)
    argv = (ctypes.c_char_p * len(options))(*[o.encode() for o in options])
    res = api.nvrtcCompileProgram(prog, len(options), argv)
    size = ctypes.c_size_t()
    api.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
    log = ctypes.create_string_buffer(size.value)
    api.nvrtcGetProgramLog(prog, log)
    out = None
    if res == 0:
        get_size, get = (api.nvrtcGetCUBINSize, api.nvrtcGetCUBIN) if want_cubin else (api.nvrtcGetPTXSize, api.nvrtcGetPTX)
        get_size(prog, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        get(prog, buf)
        out = buf.raw[: size.value]
    api.nvrtcDestroyProgram(ctypes.byref(prog))
    return res, log.value.decode(errors="replace"), out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source")
    p.add_argument("--include", required=True)
    p.add_argument("--cubin", required=True)
    p.add_argument("--ptx")
    p.add_argument("--sm", default="90")
    p.add_argument("--option", action="append", default=[], help="extra NVRTC option (repeatable)")
    a = p.parse_args()
    api = load_nvrtc()
    text = open(a.source, "rb").read()
    core = ["--std=c++20", "--fmad=true", "-default-device", "-DNDEBUG", "-I" + a.include]
    res, log, cubin = compile_once(api, text, os.path.basename(a.source).encode(), core + ["-arch=sm_" + a.sm] + a.option, True)
    if log:
        print(log)
    if res != 0:
        sys.exit("NVRTC compile failed (%d)" % res)
    open(a.cubin, "wb").write(cubin)
    if a.ptx:
        opts = [o for o in a.option if "ptxas" not in o and not o.startswith("-Xptxas")]
        res, log2, ptx = compile_once(api, text, os.path.basename(a.source).encode(), core + ["-arch=compute_" + a.sm] + opts, False)
        if res != 0:
            sys.exit("NVRTC PTX compile failed (%d): %s" % (res, log2))
        open(a.ptx, "wb").write(ptx.rstrip(b"\0"))


if __name__ == "__main__":
    main()
