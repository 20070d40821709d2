#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Deterministic sampling on 10,000 canonical sessions (unique ids, skewed
# skills, one- and two-model sessions), every decision checked against the
# documented hash computed in Python:
#
#   h = int.from_bytes(hmac.new(str(seed).encode(), id.encode(), "sha256").digest()[:8], "big")
#
#   (a) --sample 10% --seed 7 keeps exactly the ids with h < floor(0.1 * 2^64),
#       in input order, and 0.1, 10% and 1/10 are the same sample;
#   (b) order: shuffled input gives the same lines;
#   (c) shards: sampling 4 shards gives the whole run's sample;
#   (d) subset: for one seed, 1% within 5% within 10% within 50%;
#   (e) --reservoir 100: the 100 smallest hashes, sorted by hash, the same
#       bytes for shuffled input, the weight is 2^64 / (smallest hash not
#       kept + 1), and the bottom-k of per-shard bottom-k results is the
#       whole run's (the same sessions, and the same weight: a merge must
#       not multiply the shards' weights into the merged one);
#   (f) --per skill 20: min(20, stratum size) per stratum, each the
#       stratum's smallest hashes (and --per models: several values form
#       one stratum key joined with ",");
#   (g) the sampling member (method, rate, seed, weight 10 for 10%), the rest
#       of each line unchanged, and re-sampling a sampled file multiplies the
#       weights; the output validates against the schema.
. "$(dirname "$0")/lib.sh"

N=10000

# ---- the corpus: written in Python, then made canonical by televal-filter ----
"$PY" - "$N" <<'EOF' || fail "could not write the corpus"
import json, random, sys, uuid

n = int(sys.argv[1])
rnd = random.Random(2024)
sizes = {"alpha": 3980, "beta": 3000, "gamma": 2000, "delta": 900, "eps": 60,
         "exact20": 20, "rare19": 19, "rare5": 5}
skills = [k for k, v in sizes.items() for _ in range(v)]
skills += [None] * (n - len(skills))
rnd.shuffle(skills)
model_sets = [["m-a"], ["m-b"], ["m-a", "m-b"], ["m-c"], []]
T = "2025-07-01T09:00:00.000Z"
with open("gen.jsonl", "w") as f:
    for i in range(n):
        models = model_sets[rnd.randrange(len(model_sets))] if i % 97 else []
        calls = [{"time": T, "model": m, "duration_ms": 100 + i % 900, "status": "ok",
                  "status_code": 200, "input_tokens": 10, "output_tokens": 5,
                  "cached_tokens": None, "thinking_tokens": None, "total_tokens": 15,
                  "cache_hit": None, "finish_reason": None, "error": None} for m in models]
        s = {
            "televal": 1, "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "source": {"format": "outfile", "service": "gemini-cli", "file": "synthetic.log"},
            "start_time": T, "end_time": T, "duration_ms": 0, "skill": skills[i],
            "user": f"user-{i % 37}", "models": models, "success": i % 5 != 0, "error": None,
            "usage": {"input_tokens": None, "output_tokens": None, "cached_tokens": None,
                      "thinking_tokens": None, "total_tokens": None, "cost_usd": None},
            "metadata": {"n": i},
            "turns": [{"id": None, "prompt": f"prompt {i}", "output": None, "start_time": T,
                       "end_time": T, "duration_ms": 0, "success": True, "llm_calls": calls,
                       "tool_calls": []}],
            "events": [],
        }
        f.write(json.dumps(s, separators=(",", ":")) + "\n")
EOF
expect_filter 0 gen.jsonl
mv "$T/out" all.jsonl
[ "$(lines all.jsonl)" -eq "$N" ] || fail "the corpus has $(lines all.jsonl) sessions, expected $N"

cat >sampling_check.py <<'EOF'
import hmac
import json
import random
import re
import subprocess
import sys
from fractions import Fraction

FILTER = sys.argv[1]
PART = sys.argv[2]
SAN = re.compile(r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer")
problems = []

raw = open("all.jsonl", "rb").read().split(b"\n")[:-1]
LINES = [l + b"\n" for l in raw]
SESS = [json.loads(l) for l in raw]
IDS = [s["id"] for s in SESS]
LINE_OF = dict(zip(IDS, LINES))
SESS_OF = dict(zip(IDS, SESS))
assert len(set(IDS)) == len(IDS)


def H(seed, sid):
    return int.from_bytes(hmac.new(str(seed).encode(), sid.encode(), "sha256").digest()[:8], "big")


def threshold(rate):
    return min(int(Fraction(rate) * 2**64), 2**64 - 1)


HASH = {seed: {i: H(seed, i) for i in IDS} for seed in (7, 8)}


def problem(msg):
    problems.append(msg)


def run(args, stdin=None):
    p = subprocess.run([FILTER] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or p.returncode >= 128 or SAN.search(err):
        raise SystemExit(f"televal-filter {' '.join(args)}: crashed ({p.returncode}):\n{err[:3000]}")
    if p.returncode != 0:
        raise SystemExit(f"televal-filter {' '.join(args)}: exit status {p.returncode}: {err[:500]}")
    return p.stdout


def stats_line(args, n_in, n_out):
    p = subprocess.run([FILTER, "--stats"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    want = f"televal-filter: sessions: read {n_in} = written {n_out} + filtered {n_in - n_out}"
    if p.returncode != 0 or want not in err.split("\n"):
        problem(f"--stats {' '.join(args)}: exit status {p.returncode}, no line '{want}' in: {err[:400]}")


def write(path, lines):
    with open(path, "wb") as f:
        f.write(b"".join(lines))


def out_lines(out):
    return [l + b"\n" for l in out.split(b"\n")[:-1]]


def ids_of(out):
    return [json.loads(l)["id"] for l in out_lines(out)]


def same_list(what, got, want):
    if got != want:
        sg, sw = set(got), set(want)
        problem(f"{what}: {len(got)} ids, expected {len(want)}; unexpected {sorted(sg - sw)[:3]}, "
                f"missing {sorted(sw - sg)[:3]}" + ("; same set, other order" if sg == sw else ""))
        return False
    return True


def shuffled(seed):
    lines = list(LINES)
    random.Random(seed).shuffle(lines)
    return lines


def shards(k):
    """k shards, sessions dealt out at random"""
    rnd = random.Random(99)
    out = [[] for _ in range(k)]
    for l in LINES:
        out[rnd.randrange(k)].append(l)
    return out


write("shuffled.jsonl", shuffled(1))
for i, sh in enumerate(shards(4)):
    write(f"shard{i}.jsonl", sh)


def expected_sample(rate, seed):
    t = threshold(rate)
    return [i for i in IDS if HASH[seed][i] < t]


def sample_member(line):
    return json.loads(line).get("sampling")


# ---- (a) the kept ids are the hash's ----
def part_a():
    want = expected_sample(0.1, 7)
    out = run(["--sample", "10%", "--seed", "7", "all.jsonl"])
    same_list("--sample 10% --seed 7", ids_of(out), want)
    print(f"# (a) 10%: {len(want)} of {len(IDS)} kept")
    if not 900 <= len(want) <= 1100:
        problem(f"(a) the expected 10% sample has {len(want)} sessions")
    for form in ("0.1", "1/10"):
        if run(["--sample", form, "--seed", "7", "all.jsonl"]) != out:
            problem(f"--sample {form} and --sample 10% differ")
    same_list("--sample 10% --seed 7 --ids", run(["--ids", "--sample", "10%", "--seed", "7", "all.jsonl"])
              .decode().split("\n")[:-1], want)
    got = run(["--count", "--sample", "10%", "--seed", "7", "all.jsonl"])
    if got != f"{len(want)}\n".encode():
        problem(f"--count --sample 10%: {got!r}, expected {len(want)}")
    # another seed, another sample
    want8 = expected_sample(0.1, 8)
    same_list("--sample 10% --seed 8", ids_of(run(["--sample", "10%", "--seed", "8", "all.jsonl"])), want8)
    if set(want8) == set(want):
        problem("seeds 7 and 8 give the same sample")
    # no --seed is seed 0
    want0 = [i for i in IDS if H(0, i) < threshold(0.05)]
    same_list("--sample 5% (seed 0)", ids_of(run(["--sample", "5%", "all.jsonl"])), want0)
    # predicates first, then the sample
    wantw = [i for i in want if SESS_OF[i]["skill"] == "beta"]
    same_list("--where + --sample", ids_of(run(["--where", 'skill == "beta"', "--sample", "10%",
                                                "--seed", "7", "all.jsonl"])), wantw)
    # -v inverts the predicates only, not the sample
    wantv = [i for i in want if SESS_OF[i]["skill"] != "beta"]
    same_list("-v --where + --sample", ids_of(run(["-v", "--where", 'skill == "beta"', "--sample", "10%",
                                                   "--seed", "7", "all.jsonl"])), wantv)
    # --stats: read = written + filtered
    stats_line(["--sample", "10%", "--seed", "7", "all.jsonl"], len(IDS), len(want))
    # standard input
    if run(["--sample", "10%", "--seed", "7"], stdin=b"".join(LINES)) != out:
        problem("--sample 10% from standard input differs from the file")
    # rate 1 keeps everything
    same_list("--sample 1", ids_of(run(["--sample", "1", "--seed", "7", "all.jsonl"])), IDS)


# ---- (b) order does not matter ----
def part_b():
    a = run(["--sample", "10%", "--seed", "7", "all.jsonl"])
    b = run(["--sample", "10%", "--seed", "7", "shuffled.jsonl"])
    if sorted(out_lines(a)) != sorted(out_lines(b)):
        problem("(b) --sample on shuffled input: other lines (after sorting)")
    if set(ids_of(a)) != set(ids_of(b)):
        problem("(b) --sample on shuffled input: another set of ids")


# ---- (c) shards ----
def part_c():
    whole = run(["--sample", "10%", "--seed", "7", "all.jsonl"])
    parts = []
    for i in range(4):
        parts += out_lines(run(["--sample", "10%", "--seed", "7", f"shard{i}.jsonl"]))
    if sorted(parts) != sorted(out_lines(whole)):
        problem(f"(c) the union of 4 sampled shards ({len(parts)} lines) is not the whole run's "
                f"sample ({len(out_lines(whole))} lines)")
    # the 4 shards as the inputs of one run
    out = run(["--sample", "10%", "--seed", "7", "shard0.jsonl", "shard1.jsonl", "shard2.jsonl",
               "shard3.jsonl"])
    if sorted(out_lines(out)) != sorted(out_lines(whole)):
        problem("(c) sampling the 4 shards in one run differs from the whole run")


# ---- (d) subsets ----
def part_d():
    prev = None
    for rate, arg in ((0.01, "1%"), (0.05, "5%"), (0.1, "10%"), (0.5, "50%")):
        got = ids_of(run(["--sample", arg, "--seed", "7", "all.jsonl"]))
        same_list(f"--sample {arg} --seed 7", got, expected_sample(rate, 7))
        if prev is not None and not set(prev) <= set(got):
            problem(f"(d) the sample below {arg} is not within it: {sorted(set(prev) - set(got))[:3]}")
        print(f"# (d) {arg}: {len(got)}")
        prev = got


def reservoir_expect(ids, k, seed):
    hs = sorted((HASH[seed][i], i) for i in ids)
    kept = [i for _, i in hs[:k]]
    weight = 1.0 if len(hs) <= k else 2**64 / (hs[k][0] + 1)
    return kept, weight


def close(a, b):
    return abs(a - b) <= 1e-9 * abs(b)


def merge_shards(check):
    """--reservoir 100 on each shard, concatenated into merged.jsonl"""
    merged = []
    for i in range(4):
        part = run(["--reservoir", "100", "--seed", "7", f"shard{i}.jsonl"])
        if check:
            in_shard = [json.loads(l)["id"] for l in open(f"shard{i}.jsonl", "rb")]
            same_list(f"--reservoir 100 on shard {i}", ids_of(part), reservoir_expect(in_shard, 100, 7)[0])
        merged += out_lines(part)
    write("merged.jsonl", merged)
    return "merged.jsonl"


# ---- (e) reservoirs ----
def part_e():
    want, weight = reservoir_expect(IDS, 100, 7)
    whole = run(["--reservoir", "100", "--seed", "7", "all.jsonl"])
    same_list("--reservoir 100 (ids by hash)", ids_of(whole), want)
    for l in out_lines(whole):
        m = sample_member(l)
        if not m or m.get("method") != "reservoir" or m.get("seed") != 7 or not close(m.get("weight", 0), weight):
            problem(f"--reservoir 100: sampling member {m}, expected method reservoir, seed 7, weight {weight}")
            break
        if m.get("size") != 100 or m.get("seen") != len(IDS):
            problem(f"--reservoir 100: sampling member {m}: size 100, seen {len(IDS)} expected")
            break
    if run(["--reservoir", "100", "--seed", "7", "shuffled.jsonl"]) != whole:
        problem("(e) --reservoir 100 on shuffled input: other bytes")
    # bottom-k of the shards' bottom-k
    again = run(["--reservoir", "100", "--seed", "7", merge_shards(True)])
    same_list("(e) --reservoir 100 of the shards' --reservoir 100", ids_of(again), want)
    stats_line(["--reservoir", "100", "--seed", "7", "all.jsonl"], len(IDS), 100)
    # --limit: the first of the reservoir's order
    same_list("--reservoir 100 --limit 10", ids_of(run(["--reservoir", "100", "--seed", "7", "--limit", "10",
                                                        "all.jsonl"])), want[:10])
    # --ids and --count
    same_list("--reservoir 100 --ids", run(["--ids", "--reservoir", "100", "--seed", "7", "all.jsonl"])
              .decode().split("\n")[:-1], want)
    got = run(["--count", "--reservoir", "100", "--seed", "7", "all.jsonl"])
    if got != b"100\n":
        problem(f"--count --reservoir 100: {got!r}")
    # fewer sessions than the reservoir: all kept, weight 1
    small = run(["--reservoir", "20000", "--seed", "7", "all.jsonl"])
    kept, w = reservoir_expect(IDS, 20000, 7)
    same_list("--reservoir 20000", ids_of(small), kept)
    if any(sample_member(l).get("weight") != 1 for l in out_lines(small)[:50]):
        problem("--reservoir larger than the input: weight is not 1")


def part_e_weights():
    """the bottom-k of bottom-k results estimates like the whole run"""
    want, weight = reservoir_expect(IDS, 100, 7)
    again = run(["--reservoir", "100", "--seed", "7", merge_shards(False)])
    ws = sorted({sample_member(l)["weight"] for l in out_lines(again)})
    if len(ws) != 1 or not close(ws[0], weight):
        problem(f"(e) merged bottom-k weights {ws[:4]}{'...' if len(ws) > 4 else ''} "
                f"({len(ws)} distinct), expected all {weight} like the whole run")


# ---- (f) stratified ----
def strata(key):
    out = {}
    for i in IDS:
        out.setdefault(key(SESS_OF[i]), []).append(i)
    return out


def check_per(field, k, key):
    out = run(["--per", field, str(k), "--seed", "7", "all.jsonl"])
    groups = strata(key)
    want, weights = [], {}
    for name in sorted(groups, key=lambda s: s.encode()):
        kept, w = reservoir_expect(groups[name], k, 7)
        want += kept
        weights[name] = w
    got = ids_of(out)
    same_list(f"--per {field} {k}", got, want)
    per = {}
    for l in out_lines(out):
        s = json.loads(l)
        m = s.get("sampling") or {}
        st = key(s)
        per[st] = per.get(st, 0) + 1
        if m.get("method") != "stratified" or m.get("stratum") != st or m.get("field") != field \
                or not close(m.get("weight", 0), weights[st]):
            problem(f"--per {field} {k}: {s['id']}: sampling member {m}, expected stratified, "
                    f"stratum {st!r}, weight {weights[st]}")
            break
    for name, ids in groups.items():
        if per.get(name, 0) != min(k, len(ids)):
            problem(f"--per {field} {k}: stratum {name!r}: {per.get(name, 0)} kept of {len(ids)}")
    print(f"# (f) --per {field} {k}: " + ", ".join(f"{n}={per.get(n, 0)}/{len(v)}" for n, v in sorted(groups.items())))
    return out


def part_f():
    out = check_per("skill", 20, lambda s: s["skill"] if s["skill"] is not None else "null")
    if run(["--per", "skill", "20", "--seed", "7", "shuffled.jsonl"]) != out:
        problem("(f) --per skill 20 on shuffled input: other bytes")
    check_per("models", 5, lambda s: ",".join(s["models"]) or "null")
    check_per("success", 3, lambda s: "true" if s["success"] else "false")
    stats_line(["--per", "skill", "20", "--seed", "7", "all.jsonl"], len(IDS), len(ids_of(out)))
    got = run(["--count", "--per", "skill", "20", "--seed", "7", "all.jsonl"])
    want = sum(min(20, len(v)) for v in strata(lambda s: s["skill"]).values())
    if got != f"{want}\n".encode():
        problem(f"--count --per skill 20: {got!r}, expected {want}")


# ---- (g) the sampling member ----
def no_dup_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate keys {keys}")
    return dict(pairs)


SAMPLING_KEY = b'"sampling"'


def part_g():
    out = run(["--sample", "10%", "--seed", "7", "all.jsonl"])
    open("sampled.jsonl", "wb").write(out)
    for l in out_lines(out):
        s = json.loads(l, object_pairs_hook=no_dup_keys)
        m = s.get("sampling")
        if m != {"method": "hash", "rate": 0.1, "seed": 7, "weight": 10}:
            problem(f"--sample 10% --seed 7: sampling member {m}")
            break
        orig = LINE_OF[s["id"]]
        head = l[:l.rindex(b',"sampling":')]
        if head + b"}\n" != orig:
            problem(f"--sample: the line of {s['id']} is not the input line with a sampling member")
            break
    # re-sampled with another seed: rate and seed replaced, weights multiply
    again = run(["--sample", "50%", "--seed", "8", "sampled.jsonl"])
    open("resampled.jsonl", "wb").write(again)
    want = [i for i in expected_sample(0.1, 7) if HASH[8][i] < threshold(0.5)]
    same_list("--sample 50% --seed 8 of the 10% sample", ids_of(again), want)
    for l in out_lines(again):
        if l.count(SAMPLING_KEY) != 1:
            problem(f"re-sampled line with {l.count(SAMPLING_KEY)} sampling members")
            break
        s = json.loads(l, object_pairs_hook=no_dup_keys)
        m = s.get("sampling")
        if m != {"method": "hash", "rate": 0.5, "seed": 8, "weight": 20}:
            problem(f"re-sampled: sampling member {m}, expected rate 0.5, seed 8, weight 20")
            break
        orig = json.loads(LINE_OF[s["id"]])
        del s["sampling"]
        if s != orig:
            problem(f"re-sampled: {s['id']} differs from the input beyond its sampling member")
            break
    # the per output for the schema check
    open("per.jsonl", "wb").write(run(["--per", "skill", "20", "--seed", "7", "all.jsonl"]))
    open("reservoir.jsonl", "wb").write(run(["--reservoir", "100", "--seed", "7", "all.jsonl"]))


{"a": part_a, "b": part_b, "c": part_c, "d": part_d, "e": part_e, "e_weights": part_e_weights,
 "f": part_f, "g": part_g}[PART]()
for p in problems:
    print("PROBLEM: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

check() {
	"$PY" sampling_check.py "$FILTER" "$1"
}

part "(a) the kept ids are the hash's" check a
part "(b) order" check b
part "(c) shards" check c
part "(d) subsets" check d
part "(e) reservoir" check e
part "(e) merged bottom-k weights" check e_weights
part "(f) stratified" check f
part "(g) the sampling member" check g

schema_ok() {
	check_schema sampled.jsonl resampled.jsonl per.jsonl reservoir.jsonl
}
part "schema" schema_ok

finish
