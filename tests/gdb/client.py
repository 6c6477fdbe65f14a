#!/usr/bin/env python3
"""A hostile and an impatient debugger for xpcsim's GDB stub, which must survive both.

  client.py PORT garbage   bad checksums, unknown and malformed packets, an oversized packet,
                           then a disconnect in the middle of a packet
  client.py PORT ctrl-c    continue, Ctrl-C (0x03) while running, expect a SIGINT stop, kill

Prints one line per check ("ok ..." or "FAIL ..."); exits 1 if any failed."""
import socket
import sys
import time

failed = False


def say(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + what)
    failed |= not ok


def packet(body):
    return b"$" + body + b"#%02x" % (sum(body) & 0xFF)


def reply(s):
    """The next packet's body, acknowledging it."""
    buf = b""
    while b"#" not in buf or len(buf) < buf.index(b"#") + 3:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError
        buf += chunk
        buf = buf[buf.index(b"$"):] if b"$" in buf else b""
    s.sendall(b"+")
    return buf[1:buf.index(b"#")]


def connect(port):
    for _ in range(100):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            time.sleep(0.05)
    raise SystemExit("cannot connect")


def garbage(port):
    s = connect(port)
    s.sendall(b"$g#00")  # bad checksum: refused with '-'
    say(s.recv(1) == b"-", "a bad checksum is refused with '-'")
    s.sendall(packet(b"g"))
    say(len(reply(s)) == 33 * 16, "then 'g' answers the 33 core registers")
    for bad in [b"Zzz", b"m", b"mffffffffffffffff,10", b"M80000000,4:zz", b"p", b"P1=12",
                b"qXfer:features:read:nope.xml:0,10", b"vUnknown", b"\x7f\x80"]:
        s.sendall(packet(bad))
        r = reply(s)
        say(r == b"" or r.startswith(b"E"), "%r answered with %r" % (bad, r[:8]))
    s.sendall(packet(b"m" + b"8" * 5000))  # longer than any number
    say(reply(s).startswith(b"E"), "an overlong number is an error")
    s.sendall(b"$" + b"x" * 40000 + b"#00")  # past the packet buffer
    say(s.recv(1) == b"-", "an oversized packet is refused")
    s.sendall(b"$m8000")  # and gone in the middle of the next
    s.close()


def ctrl_c(port):
    s = connect(port)
    s.sendall(packet(b"c"))
    time.sleep(0.3)
    s.sendall(b"\x03")
    r = reply(s)
    say(r.startswith(b"T02"), "Ctrl-C stops the running hart with SIGINT (%r)" % r[:8])
    s.sendall(packet(b"k"))
    s.settimeout(10)
    say(s.recv(1) in (b"", b"+"), "kill")
    s.close()


if __name__ == "__main__":
    port, what = int(sys.argv[1]), sys.argv[2]
    try:
        {"garbage": garbage, "ctrl-c": ctrl_c}[what](port)
    except (OSError, EOFError) as e:
        say(False, "connection: %s" % e)
    sys.exit(1 if failed else 0)
