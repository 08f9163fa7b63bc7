#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Stack budget of the hypervisor, from GCC's -fcallgraph-info=su output.

Usage: check-stack-usage.py FRAME_BUDGET STACK_BUDGET REPORT FILE.ci...

Fails (exit 1, naming the culprits) if
  - any function's frame is larger than FRAME_BUDGET bytes, or is not
    static (alloca, variable-length arrays: "dynamic"), or
  - the deepest call chain is larger than STACK_BUDGET bytes.
The deepest chain follows direct calls. An indirect call (exit handlers,
SBI extensions, device callbacks...) is charged as the deepest chain of
direct calls in the whole image: the estimate holds whatever it calls, as
long as no chain passes through two indirect calls.
Recursion (a cycle of direct calls) through a function of
RECURSION_BOUNDS is charged that function's frame as many times as its
known depth; any other recursion is a warning (printed and in REPORT),
charged UNKNOWN_RECURSION_DEPTH frames, until someone states its bound
here. Writes the largest frames and the deepest chain to REPORT.
"""
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
FRAME = re.compile(r'\\n(\d+) bytes \((\w+)(?:,\w+)?\)')
INDIRECT = "__indirect_call"
# Recursive functions and how deep they can go, with why.
RECURSION_BOUNDS = {
    # sched/fair_tree.c: an AVL tree of at most 64 entities per hart is
    # at most 1.44 log2(64) ~ 9 levels high.
    "sched/fair_tree.c:insert": 10,
    "sched/fair_tree.c:remove": 10,
    "sched/fair_tree.c:remove_first": 10,
    # hv/mm/stage2.c: one call per page-table level (Sv48x4: 4).
    "hv/mm/stage2.c:free_subtables": 4,
    # hv/vm/vm.c: stopping a VM may finish another stopped one, once.
    "hv/vm/vm.c:vm_stop": 2,
    # vm_stop and vm_end_reboot both end in finish_stop, whose wait for
    # the vCPUs serves messages that may finish another VM: at most once
    # per VM (HV_MAX_VMS).
    "hv/vm/vm.c:finish_stop": 8,
}
UNKNOWN_RECURSION_DEPTH = 4


def parse(paths):
    frames = {}  # key -> (bytes, qualifier, where)
    calls = {}  # key -> [callee name]
    defined_in = {}  # (file, name) -> key, name -> [keys]
    for path in paths:
        local = {}
        edges = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = NODE.search(line)
                if m:
                    name, label = m.groups()
                    fm = FRAME.search(label)
                    if fm:  # a definition (callees have no frame)
                        key = f"{path}:{name}"
                        where = label.split("\\n")[1]
                        frames[key] = (int(fm.group(1)), fm.group(2), where)
                        local[name] = key
                        defined_in.setdefault(name, []).append(key)
                    continue
                m = EDGE.search(line)
                if m:
                    edges.append(m.groups())
        for src, dst in edges:
            calls.setdefault(local[src], []).append((path, dst))
    return frames, calls, defined_in


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    frame_budget, stack_budget = int(sys.argv[1]), int(sys.argv[2])
    report_path, paths = sys.argv[3], sys.argv[4:]
    frames, calls, defined_in = parse(paths)
    local_keys = {key.rsplit(":", 1)[1]: key for key in frames}
    problems = []

    for key, (size, qual, where) in frames.items():
        name = key.rsplit(":", 1)[1]
        if qual != "static":
            problems.append(f"{where}: {name}: {qual} stack frame")
        if size > frame_budget:
            problems.append(f"{where}: {name}: frame of {size} bytes "
                            f"(budget {frame_budget})")

    def resolve(path, name):
        own = f"{path}:{name}"
        if own in frames:
            return own
        keys = defined_in.get(name, [])
        return keys[0] if len(keys) == 1 else (
            max(keys, key=lambda k: frames[k][0]) if keys else None)

    depth, chain, state = {}, {}, {}
    indirect_cost = [0]

    warnings = set()

    def bound_of(key):
        file = frames[key][2].split(":")[0]
        return RECURSION_BOUNDS.get(f"{file}:{key.rsplit(':', 1)[1]}")

    def repeats(key):
        bound = bound_of(key)
        if bound is not None:
            return bound
        recursive = any(w.split(": recursion through ")[1].split(" ")[0]
                        == key.rsplit(":", 1)[1] and
                        w.startswith(frames[key][2]) for w in warnings)
        return UNKNOWN_RECURSION_DEPTH if recursive else 1

    def visit(key, with_indirect):
        if state.get(key) == "done":
            return depth[key]
        if state.get(key) == "active":
            name = key.rsplit(":", 1)[1]
            if bound_of(key) is None:
                warnings.add(f"{frames[key][2]}: recursion through {name} "
                             f"(no known bound: charged "
                             f"{UNKNOWN_RECURSION_DEPTH} frames)")
            return 0
        state[key] = "active"
        best, best_chain = 0, []
        for path, callee in calls.get(key, []):
            if callee == INDIRECT:
                sub, sub_chain = (indirect_cost[0], ["(indirect call)"]) \
                    if with_indirect else (0, [])
            else:
                target = resolve(path, callee)
                if target is None:
                    continue  # libc/libgcc/libfdt leaf: no .ci file
                sub = visit(target, with_indirect)
                sub_chain = chain.get(target, [])
            if sub > best:
                best, best_chain = sub, sub_chain
        state[key] = "done"
        # A recursive function repeats its own frame (the ones listed
        # recurse into themselves).
        depth[key] = frames[key][0] * repeats(key) + best
        chain[key] = [key.rsplit(":", 1)[1]] + best_chain
        return depth[key]

    # First without indirect calls, to price one; then with it.
    for key in frames:
        visit(key, False)
    indirect_cost[0] = max(depth.values(), default=0)
    depth, chain, state = {}, {}, {}
    for key in frames:
        visit(key, True)
    deepest = max(depth, key=depth.get) if depth else None
    worst = depth.get(deepest, 0)
    if worst > stack_budget:
        problems.append(f"deepest call chain {worst} bytes "
                        f"(budget {stack_budget}): "
                        + " -> ".join(chain[deepest]))

    with open(report_path, "w", encoding="utf-8") as out:
        out.write(f"largest frames (budget {frame_budget} bytes):\n")
        for key in sorted(frames, key=lambda k: -frames[k][0])[:10]:
            size, _, where = frames[key]
            out.write(f"  {size:6d}  {key.rsplit(':', 1)[1]}  ({where})\n")
        out.write(f"deepest chain: {worst} bytes (budget {stack_budget}; "
                  f"an indirect call counts {indirect_cost[0]}):\n  "
                  + " -> ".join(chain.get(deepest, [])) + "\n")
        for w in sorted(warnings):
            out.write(f"warning: {w}\n")
    for w in sorted(warnings):
        print(f"stack budget: warning: {w}", file=sys.stderr)
    if problems:
        for p in sorted(set(problems)):
            print(f"stack budget: {p}", file=sys.stderr)
        sys.exit(1)
    print(f"stack budget: ok, largest frame "
          f"{max((v[0] for v in frames.values()), default=0)} bytes, "
          f"deepest chain {worst} of {stack_budget} bytes")


if __name__ == "__main__":
    main()
