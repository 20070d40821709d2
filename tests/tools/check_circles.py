#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fail when libcommon's object files depend on each other in a circle.

Reads the symbol tables of a static library with nm: object A depends on
object B when A uses (U) a symbol that B defines.  The strongly connected
components of that graph with more than one object are circles; each is
printed with the symbols that tie it, and the exit status is 1.

usage: check_circles.py path/to/libcommon.a [nm] [--allow a,b ...]

--allow names a circle (its objects, comma separated) known and being
taken apart: it is printed but does not fail the check.
"""
import collections
import os
import re
import subprocess
import sys


def objects(lib, nm):
    out = subprocess.run([nm, "-A", lib], check=True, capture_output=True,
                         text=True).stdout
    defs, uses = collections.defaultdict(set), collections.defaultdict(set)
    for line in out.splitlines():
        m = re.match(r"^(.*?):\s*(?:[0-9a-fA-F]+\s+)?([A-Za-z])\s+(\S+)$", line)
        if not m:
            continue
        member, kind, sym = m.groups()
        obj = os.path.basename(member.split(":")[-1])
        obj = re.sub(r"(\.(c|cpp))?\.o$", "", obj)
        if kind == "U":
            uses[obj].add(sym)
        elif kind in "TDBRVW" and not sym.startswith("."):
            defs[obj].add(sym)
    owner = {}
    for obj, syms in defs.items():
        for s in syms:
            owner.setdefault(s, obj)
    edges = collections.defaultdict(dict)
    for obj, syms in uses.items():
        for s in syms:
            o = owner.get(s)
            if o is not None and o != obj:
                edges[obj].setdefault(o, []).append(s)
    return set(defs) | set(uses), edges


def components(nodes, edges):
    """Tarjan's strongly connected components (iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, {}))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, {})))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main():
    args, allowed = [], set()
    argv = sys.argv[1:]
    while argv:
        a = argv.pop(0)
        if a == "--allow" and argv:
            allowed.add(tuple(sorted(argv.pop(0).split(","))))
        else:
            args.append(a)
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    nm = args[1] if len(args) > 1 else "nm"
    nodes, edges = objects(args[0], nm)
    circles = components(nodes, edges)
    bad = [c for c in circles if tuple(c) not in allowed]
    for comp in circles:
        print(("known circle: " if tuple(comp) in allowed else "circle: ") + " ".join(comp))
        for a in comp:
            for b, syms in sorted(edges.get(a, {}).items()):
                if b in comp:
                    print("  %s -> %s: %s" % (a, b, ", ".join(sorted(syms)[:6])))
    if bad:
        return 1
    print("check_circles: %d objects, %s" % (len(nodes),
          "no dependency circle" if not circles else "only the known circles"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
