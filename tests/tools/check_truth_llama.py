#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare canonical sessions read from a Llama Stack SQLite store with the
ground truth of tests/tools/gen_corpus.py --format llama-stack.

  check_truth_llama.py OUTPUT.jsonl TRUTH.json

The store carries no token counts (Llama Stack sends them to the OTel meter,
not to the sqlite sink: docs/FORMATS.md#llama-stack), so the truth's token totals are taken
as 0; everything else the truth knows is compared exactly, as
check_truth.py --extra does: sessions, turns, prompts, outputs, llm_calls,
llm errors, models, llm latencies, tool_calls, tool names and failures,
session success, start and end times.  Exit status as check_truth.py.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_truth  # noqa: E402


def main(argv):
    if len(argv) != 2 or argv[0].startswith("-"):
        sys.stderr.write("usage: check_truth_llama.py OUTPUT.jsonl TRUTH.json\n")
        return 2
    out_path, truth_path = argv
    with open(truth_path, encoding="utf-8") as f:
        truth = json.load(f)
    for s in truth["sessions"]:
        s["input_tokens"] = 0
        s["output_tokens"] = 0
    fd, tmp = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(truth, f)
        return check_truth.main(["--extra", out_path, tmp])
    finally:
        os.unlink(tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
