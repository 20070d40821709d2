#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python peer of televal-to-eval for bench/to_eval.sh.

  to_eval_peer.py --format waza --dir DIR [--fsync] SESSIONS.jsonl
  to_eval_peer.py --format promptfoo --out FILE SESSIONS.jsonl

It does what televal-to-eval does with its built-in waza and promptfoo
templates, the obvious way: json.loads each canonical session, build the
task as dicts (the same members: prompt, follow-ups, provenance, required
and forbidden tools, budgets, output literals, graders / assertions) and
write it with yaml.safe_dump.  waza: one file per task, written like
televal-to-eval writes them (skip a file whose content is the same, else a
temporary file and a rename; with --fsync the data is flushed with os.sync()
once per 8192 files, as televal-to-eval's syncfs()), plus eval.yaml.
promptfoo: one tests file (a YAML list)."""
import argparse
import json
import math
import os
import re
import sys
import tempfile

import yaml

FACTOR = 2.0
MAX_LITERALS = 5
BATCH = 8192
URL = re.compile(r'https?://[^\s"<>\\^`{|}]+')
IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]{3,}$')
PATH = re.compile(r'^[A-Za-z0-9_.~/+-]{3,}$')
EXT = re.compile(r'[A-Za-z0-9_-]\.([A-Za-z0-9]{1,8})$')


def prompted(turns):
    return [i for i, t in enumerate(turns)
            if isinstance(t.get('prompt'), str) and t['prompt'].strip(' \t\r\n')]


def literals(text, out):
    for w in text.split():
        if len(out) >= MAX_LITERALS:
            return
        m = URL.search(w)
        if m:
            u = m.group(0).rstrip('.,;:!?)]}>"\'`*')
            if u not in out:
                out.append(u)
            continue
        w = w.rstrip('.,;:!?"\'`*')
        call = w.endswith('()')
        if call:
            w = w[:-2]
        w = w.strip('([{<"\'`*').rstrip('.,;:!?)]}>"\'`*')
        if IDENT.match(w) and (call or re.search(r'[^_]_[^_]', w) or re.search(r'[a-z][A-Z]', w)):
            pass
        elif not call and PATH.match(w) and '//' not in w and (
                re.search(r'[A-Za-z0-9_-]/[A-Za-z0-9_-]', w) or
                ((m := EXT.search(w)) and re.search('[A-Za-z]', m.group(1)))):
            pass
        else:
            continue
        if 0 < len(w) <= 200 and w not in out:
            out.append(w)


def budget(x):
    return None if x is None else int(math.ceil(x * FACTOR))


def task_of(s):
    turns = s['turns']
    idx = prompted(turns)
    if not idx or s['success'] is False:
        return None
    first = turns[idx[0]]
    calls = [c for t in turns for c in t['tool_calls']]
    used = sorted({c['name'] for c in calls if c['name'] and c['decision'] != 'reject' and c['success'] is True})
    forbidden = sorted({c['name'] for c in calls if c['name'] and c['decision'] == 'reject'} - set(used))
    lits = []
    for t in turns:
        if t['output']:
            literals(t['output'], lits)
    tokens = s['usage']['total_tokens']
    behavior = {'max_tool_calls': budget(len(calls))}
    if tokens:
        behavior['max_tokens'] = budget(tokens)
    if s['duration_ms']:
        behavior['max_duration_ms'] = budget(s['duration_ms'])
    if used:
        behavior['required_tools'] = used
    if forbidden:
        behavior['forbidden_tools'] = forbidden
    title = ' '.join(first['prompt'].strip().split('\n')[0].split())
    if len(title) > 72:
        title = title[:71] + '\u2026'
    src = s['source']
    tags = ['televal'] + [x for x in (src['format'], src['service'], s['skill']) if x]
    return {
        'id': 'runtime-' + s['id'],
        'name': title,
        'description': 'Captured %s session %s (%s, %s): %d prompts, %d tool calls.' % (
            src['service'], s['id'], src['format'], s['start_time'], len(idx), len(calls)),
        'tags': list(dict.fromkeys(tags)),
        'prompt': first['prompt'],
        'follow_ups': [turns[i]['prompt'] for i in idx[1:]],
        'provenance': {'source_format': src['format'], 'source_service': src['service'],
                       'session_id': s['id'], 'turn_id': first['id'], 'turn_index': idx[0] + 1,
                       'trace_id': None, 'start_time': s['start_time']},
        'literals': lits,
        'behavior': behavior,
        'used': used,
        'forbidden': forbidden,
        'calls': calls,
        'output': turns[idx[-1]]['output'],
        'latency': behavior.get('max_duration_ms'),
        'cost': s['usage']['cost_usd'],
    }


def waza_doc(t):
    context = {}
    if t['follow_ups']:
        context['follow_up_prompts'] = t['follow_ups']
    context['televal'] = t['provenance']
    expected = {}
    if t['literals']:
        expected['output_contains'] = t['literals']
    b = t['behavior']
    expected['behavior'] = {k: b[k] for k in ('max_tool_calls', 'max_tokens', 'required_tools',
                                              'forbidden_tools') if k in b}
    if t['calls']:
        expected['tool_calls'] = {'observed': [c['name'] for c in t['calls']]}
    graders = [{'name': 'captured_behavior', 'type': 'behavior', 'config': b}]
    if t['literals']:
        graders.append({'name': 'captured_output_literals', 'type': 'text',
                        'config': {'contains_cs': t['literals']}})
    return {'id': t['id'], 'name': t['name'], 'description': t['description'], 'tags': t['tags'],
            'inputs': {'prompt': t['prompt'], 'context': context},
            'expected': expected, 'graders': graders}


def promptfoo_doc(t):
    asserts = [{'type': 'contains', 'value': v} for v in t['literals']]
    if t['latency']:
        asserts.append({'type': 'latency', 'threshold': t['latency']})
    if t['cost']:
        asserts.append({'type': 'cost', 'threshold': math.ceil(t['cost'] * FACTOR * 1e6) / 1e6})
    meta = {'task_id': t['id'], 'failed': False, 'televal': t['provenance']}
    if t['follow_ups']:
        meta['follow_up_prompts'] = t['follow_ups']
    if t['used']:
        meta['required_tools'] = t['used']
    if t['forbidden']:
        meta['forbidden_tools'] = t['forbidden']
    meta['max_tool_calls'] = t['behavior']['max_tool_calls']
    meta['reference_output'] = t['output']
    meta['reference_tool_calls'] = [{'name': c['name'], 'args': c['args'], 'success': c['success'],
                                     'decision': c['decision']} for c in t['calls']]
    return {'description': t['name'], 'vars': {'prompt': t['prompt']}, 'assert': asserts,
            'metadata': meta}


def safe_name(task_id, used):
    name = re.sub(r'[^A-Za-z0-9._-]', '_', task_id[:100])
    if name[0] in '.-':
        name = '_' + name[1:]
    n, k = name, 1
    while n.lower() in used:
        n = '%s-%d' % (name, k)
        k += 1
    used.add(n.lower())
    return n + '.yaml'


class Writer:
    def __init__(self, d, sync):
        self.d, self.sync, self.pending = d, sync, []
        os.makedirs(d, exist_ok=True)

    def write(self, name, text):
        path = os.path.join(self.d, name)
        data = text.encode('utf-8')
        try:
            with open(path, 'rb') as f:
                if f.read() == data:
                    return
        except FileNotFoundError:
            pass
        fd, tmp = tempfile.mkstemp(prefix='.tmp-', dir=self.d)
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        self.pending.append((tmp, path))
        if not self.sync or len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        if self.sync and self.pending:
            os.sync()
        for tmp, path in self.pending:
            os.replace(tmp, path)
        self.pending = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--format', choices=('waza', 'promptfoo'), required=True)
    ap.add_argument('--dir')
    ap.add_argument('--out')
    ap.add_argument('--fsync', action='store_true')
    ap.add_argument('sessions')
    a = ap.parse_args()
    n = 0
    if a.format == 'waza':
        w, used, files = Writer(a.dir, a.fsync), {'eval.yaml'}, []
        for line in open(a.sessions, encoding='utf-8'):
            t = task_of(json.loads(line))
            if t is None:
                continue
            name = safe_name(t['id'], used)
            w.write(name, yaml.safe_dump(waza_doc(t), sort_keys=False, allow_unicode=True))
            files.append(name)
            n += 1
        suite = {'name': 'televal-runtime', 'skill': 'televal-runtime',
                 'config': {'trials_per_task': 1, 'timeout_seconds': 300, 'executor': 'mock',
                            'model': 'gpt-4o'},
                 'metrics': [{'name': 'task_completion', 'weight': 1.0, 'threshold': 0.8}],
                 'tasks': sorted(files)}
        w.write('eval.yaml', yaml.safe_dump(suite, sort_keys=False, allow_unicode=True))
        w.flush()
    else:
        tests = []
        for line in open(a.sessions, encoding='utf-8'):
            t = task_of(json.loads(line))
            if t is not None:
                tests.append(promptfoo_doc(t))
        n = len(tests)
        with open(a.out, 'w', encoding='utf-8') as f:
            yaml.safe_dump(tests, f, sort_keys=False, allow_unicode=True)
    print('to_eval_peer: %d tasks' % n, file=sys.stderr)


if __name__ == '__main__':
    main()
