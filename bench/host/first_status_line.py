#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and prints when each new status text appeared: how
soon `cubie run` tells a user at a terminal what it is doing.

    python3 bench/host/first_status_line.py build/apps/cubie/cubie run MODEL.toml ...

Redraws of one status (its clock moving, a bar filling) count once; the first time of each
line is printed in seconds from the start."""
import os
import pty
import re
import sys
import time


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    start = time.time()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    seen, last = [], None
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the child has gone
            break
        if not data:
            break
        for piece in re.split(rb"\r\x1b\[K|\r?\n", data):
            text = piece.decode(errors="replace").strip()
            if not text:
                continue
            key = re.sub(r"\([0-9.]+ (ms|s)\)", "", text)  # a status whose clock moved
            key = re.sub(r"\].*", "]", key)                  # a bar that filled
            if key != last:
                seen.append((time.time() - start, text[:110]))
                last = key
    _, status = os.waitpid(pid, 0)
    for t, text in seen:
        print(f"{t:7.2f} s  {text}")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
