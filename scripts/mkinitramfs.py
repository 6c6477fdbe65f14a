#!/usr/bin/env python3
"""Write a Linux initramfs: an uncompressed cpio archive in the "newc" format.

Usage: mkinitramfs.py OUT DIR [--node PATH:c:MAJOR:MINOR ...]

Every file, directory and symlink under DIR goes in with owner root and time 0, so the same tree
gives the same bytes; --node adds device nodes (a fresh initramfs needs /dev/console before
devtmpfs is mounted, and making the node on the host would need root). Written here rather than
with cpio(1) because Debian's minimal install has no cpio, and the format is a page of the
kernel's Documentation/driver-api/early-userspace/buffer-format.rst.
"""
import os
import stat
import sys


def entry(out, ino, name, mode, data=b"", nlink=1, rdev=(0, 0)):
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0]
    out.write(b"070701" + b"".join(b"%08X" % f for f in fields))
    out.write(name_bytes)
    out.write(b"\0" * (-(110 + len(name_bytes)) % 4))
    out.write(data)
    out.write(b"\0" * (-len(data) % 4))


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    out_path, root = argv[1], argv[2]
    if not os.path.isdir(root):
        print(f"mkinitramfs: {root}: not a directory", file=sys.stderr)
        return 1
    nodes = []
    rest = argv[3:]
    while rest:
        if rest[0] != "--node" or len(rest) < 2:
            print(f"mkinitramfs: unknown argument {rest[0]}", file=sys.stderr)
            return 2
        path, kind, major, minor = rest[1].split(":")
        if kind not in ("c", "b"):
            print(f"mkinitramfs: node kind must be c or b: {rest[1]}", file=sys.stderr)
            return 2
        nodes.append((path.lstrip("/"), stat.S_IFCHR if kind == "c" else stat.S_IFBLK,
                      int(major), int(minor)))
        rest = rest[2:]
    ino = 1
    with open(out_path, "wb") as out:
        for dirpath, dirnames, filenames in os.walk(root):
            links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
            dirnames[:] = sorted(d for d in dirnames if d not in links)
            paths = [dirpath] if dirpath != root else []
            paths += [os.path.join(dirpath, n) for n in sorted(filenames + links)]
            for path in paths:
                rel = os.path.relpath(path, root)
                st = os.lstat(path)
                perm = stat.S_IMODE(st.st_mode)
                if stat.S_ISLNK(st.st_mode):
                    entry(out, ino, rel, stat.S_IFLNK | 0o777, os.readlink(path).encode())
                elif stat.S_ISDIR(st.st_mode):
                    entry(out, ino, rel, stat.S_IFDIR | perm, nlink=2)
                elif stat.S_ISREG(st.st_mode):
                    with open(path, "rb") as f:
                        entry(out, ino, rel, stat.S_IFREG | perm, f.read())
                else:
                    print(f"mkinitramfs: {path}: not a file, directory or link", file=sys.stderr)
                    return 1
                ino += 1
        for path, kind, major, minor in nodes:
            entry(out, ino, path, kind | 0o600, rdev=(major, minor))
            ino += 1
        entry(out, 0, "TRAILER!!!", 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
