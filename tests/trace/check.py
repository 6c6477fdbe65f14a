#!/usr/bin/env python3
"""Check an xpcsim --trace file: valid Chrome trace-event JSON, slices that nest on every track,
and call chains of a given depth across distinct tracks.

Usage: check.py TRACE MIN_CHAINS DEPTH [--all-xret]
  MIN_CHAINS: how many times a chain of DEPTH calls (each callee's slice inside its caller's, each
  on its own track) must appear. --all-xret: every call slice ended by its xret.
Prints one "PASS/FAIL  what" line per check and "N passed, N failed".
"""
import json
import sys


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip())
        return 2
    path, min_chains, depth = argv[1], int(argv[2]), int(argv[3])
    results = []

    def check(name, ok):
        results.append(ok)
        print(("PASS  " if ok else "FAIL  ") + name)

    try:
        with open(path) as f:
            doc = json.load(f)
        events = doc["traceEvents"]
        check("the trace is valid JSON with traceEvents", isinstance(events, list))
    except (OSError, ValueError, KeyError) as e:
        check(f"the trace is valid JSON with traceEvents ({e})", False)
        print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
        return 1

    names = {e["pid"]: e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "process_name"}
    slices = [e for e in events if e.get("ph") == "X"]
    check("every slice is on a named track", all(s["pid"] in names for s in slices))
    check("every slice has a start and a duration >= 0",
          all(isinstance(s["ts"], int) and s["dur"] >= 0 for s in slices))

    # On one track, slices either nest or are disjoint: a viewer draws them as a flame.
    bad = 0
    by_track = {}
    for s in slices:
        by_track.setdefault(s["pid"], []).append(s)
    for track in by_track.values():
        track.sort(key=lambda s: (s["ts"], -s["dur"]))
        open_ends = []
        for s in track:
            while open_ends and open_ends[-1] <= s["ts"]:
                open_ends.pop()
            if open_ends and s["ts"] + s["dur"] > open_ends[-1]:
                bad += 1
            open_ends.append(s["ts"] + s["dur"])
    check(f"slices nest on every track ({bad} overlap partially)", bad == 0)

    calls = sorted((s for s in slices if s["cat"] == "xpc"), key=lambda s: (s["ts"], -s["dur"]))
    flows = [e for e in events if e.get("ph") in ("s", "f")]
    check(f"a flow arrow into every call ({len(flows)} flow events, {len(calls)} calls)",
          len(flows) == 2 * len(calls) and len(calls) > 0)
    if "--all-xret" in argv:
        ended = sum(1 for s in calls if s["args"]["end"] == "xret")
        check(f"every call ended by its xret ({ended} of {len(calls)})", ended == len(calls))

    # Chains: a call slice inside another one, on another track, DEPTH deep.
    chains = 0
    stack = []
    for s in calls:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= s["ts"]:
            stack.pop()
        stack.append(s)
        tracks = [c["pid"] for c in stack[-depth:]]
        if len(stack) >= depth and len(set(tracks)) == depth and all(
                stack[i + 1]["ts"] + stack[i + 1]["dur"] <= stack[i]["ts"] + stack[i]["dur"]
                for i in range(len(stack) - depth, len(stack) - 1)):
            chains += 1
    check(f"at least {min_chains} chains {depth} calls deep, one track each ({chains})",
          chains >= min_chains)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
