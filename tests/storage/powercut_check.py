#!/usr/bin/env python3
"""Holds a disk image to what fscut announced on the console before the machine was stopped
(the line formats are in user/fscut/fscut.c). Prints one line per problem; exit status 0 when
every announced file is as it must be, 1 otherwise.

usage: powercut_check.py XPCFS IMAGE CONSOLE_LOG"""
import re
import subprocess
import sys
import zlib

LINE = re.compile(r"^fscut: (pending|file|pending-gone|gone|prefix) (/\S+)(?: (\d+) ([0-9a-f]{8}))? end$")


def read(xpcfs, image, path):
    r = subprocess.run([xpcfs, image, "cat", path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1])
        return 2
    xpcfs, image, log = sys.argv[1:]
    # Per path: the states it may be in, the last durable one first.
    allowed = {}
    prefix = {}
    with open(log, errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\r\n"))
            if not m:
                continue
            kind, path, size, crc = m.groups()
            state = None if kind.endswith("gone") else (int(size), int(crc, 16))
            if kind == "prefix":
                prefix[path] = state
            elif kind in ("file", "gone"):
                allowed[path] = [state]
            else:
                allowed.setdefault(path, [None]).append(state)
    problems = 0
    for path, states in sorted(allowed.items()):
        data = read(xpcfs, image, path)
        now = None if data is None else (len(data), zlib.crc32(data))
        if now in states:
            continue
        problems += 1
        want = " or ".join("absent" if s is None else "%d bytes crc %08x" % s for s in states)
        have = "absent" if now is None else "%d bytes crc %08x" % now
        print("%s: %s, must be %s" % (path, have, want))
    for path, (size, crc) in sorted(prefix.items()):
        data = read(xpcfs, image, path)
        if data is None or len(data) < size or zlib.crc32(data[:size]) != crc:
            problems += 1
            have = "absent" if data is None else "%d bytes" % len(data)
            print("%s: %s, must start with %d bytes crc %08x" % (path, have, size, crc))
    checked = len(allowed) + len(prefix)
    print("checked %d files: %s" % (checked, "ok" if problems == 0 else "%d wrong" % problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
