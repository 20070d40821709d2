#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check televal-to-eval output against the canonical sessions it came from.

  check_eval.py --format FMT --sessions S.jsonl [--unit session|turn]
                [--include-failed] [--id-prefix P] [--schema task.schema.json]
                (--stdout FILE | --dir DIR)

The eligible tasks are computed here independently (first prompted turn per
session, or one per prompted turn; failed ones only with --include-failed),
then the output must hold exactly those: the same count, ids and prompts,
in input order on standard output; it must parse (PyYAML for YAML, json for
JSON Lines), and with --schema every waza task must validate.  Exit 0 when
all holds, 1 with the reasons otherwise."""
import argparse
import json
import os
import re
import sys

import yaml

SAFE_NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9._-]*$')
DEVICES = {'con', 'prn', 'aux', 'nul'} | {'com%d' % i for i in range(10)} | {'lpt%d' % i for i in range(10)}


def has_prompt(turn):
    p = turn.get('prompt')
    return isinstance(p, str) and p.strip(' \t\r\n') != ''


def expected(path, unit, include_failed, prefix):
    out = []
    for line in open(path, encoding='utf-8'):
        s = json.loads(line)
        turns = s['turns']
        if unit == 'session':
            first = next((i for i, t in enumerate(turns) if has_prompt(t)), None)
            if first is None or (s['success'] is False and not include_failed):
                continue
            out.append((prefix + s['id'], turns[first]['prompt'], s))
            continue
        for i, t in enumerate(turns):
            if not has_prompt(t):
                continue
            failed = t['success'] is False or (t['success'] is None and s['success'] is False)
            if failed and not include_failed:
                continue
            out.append(('%s%s-%d' % (prefix, s['id'], i + 1), t['prompt'], s))
    return out


def output_of(fmt, d):
    """the captured answer a task keeps, where the format has room for it"""
    if fmt == 'promptfoo':
        return d['metadata']['reference_output']
    if fmt == 'openai-evals':
        return d['ideal']
    if fmt == 'inspect':
        return d['target']
    if fmt == 'langfuse':
        return d['expectedOutput']['output']
    return None


def first_user(messages, unit):
    users = [m['content'] for m in messages if m['role'] == 'user']
    return users[0] if unit == 'session' else users[-1]


def read_tasks(fmt, args, errors):
    """(id or None, prompt, document) for every task, in order."""
    docs = []
    if args.stdout:
        text = open(args.stdout, encoding='utf-8').read()
        if fmt == 'waza' or fmt == 'template':
            docs = [d for d in yaml.safe_load_all(text)]
        elif fmt == 'promptfoo':
            docs = yaml.safe_load(text)
            if not isinstance(docs, list):
                errors.append('promptfoo output is not one YAML list')
                return []
        else:
            docs = [json.loads(line) for line in text.split('\n') if line]
    else:
        names = sorted(os.listdir(args.dir))
        suite = {'waza': 'eval.yaml', 'promptfoo': 'promptfooconfig.yaml'}.get(fmt)
        for n in names:
            if n.startswith('.'):
                if n != '.televal-to-eval':
                    errors.append('unexpected hidden file %s' % n)
                continue
            if n == suite:
                continue
            if not SAFE_NAME.match(n) or n.split('.')[0].lower() in DEVICES or len(n) > 140:
                errors.append('unsafe file name %r' % n)
            text = open(os.path.join(args.dir, n), encoding='utf-8').read()
            docs.append(json.loads(text) if fmt in ('openai-evals', 'inspect', 'langfuse') else yaml.safe_load(text))
        manifest = open(os.path.join(args.dir, '.televal-to-eval'), encoding='utf-8').read().split()
        listed = sorted(n for n in names if not n.startswith('.') and n != suite)
        if sorted(manifest) != listed:
            errors.append('the manifest does not list the task files')
        if suite:
            check_suite(fmt, os.path.join(args.dir, suite), listed, errors)
    tasks = []
    for d in docs:
        if fmt == 'waza':
            tasks.append((d['id'], d['inputs']['prompt'], d))
        elif fmt == 'promptfoo':
            tasks.append((d['metadata']['task_id'], d['vars']['prompt'], d))
        elif fmt == 'openai-evals':
            tasks.append((None, first_user(d['input'], args.unit), d))
        elif fmt == 'inspect':
            tasks.append((d['id'], first_user(d['input'], args.unit), d))
        elif fmt == 'langfuse':
            tasks.append((d['id'], d['input']['prompt'], d))
    return tasks


def check_suite(fmt, path, listed, errors):
    suite = yaml.safe_load(open(path, encoding='utf-8'))
    if fmt == 'waza':
        if sorted(suite.get('tasks') or []) != listed:
            errors.append('eval.yaml does not list exactly the task files')
        for k in ('name', 'config', 'metrics'):
            if k not in suite:
                errors.append('eval.yaml lacks %s' % k)
    else:
        tests = sorted(t[len('file://'):] for t in suite.get('tests') or [])
        if tests != listed:
            errors.append('promptfooconfig.yaml does not list exactly the test files')
        if suite.get('prompts') != ['{{prompt}}']:
            errors.append('promptfooconfig.yaml prompts: %r' % suite.get('prompts'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--format', required=True)
    ap.add_argument('--sessions', required=True)
    ap.add_argument('--unit', default='session')
    ap.add_argument('--include-failed', action='store_true')
    ap.add_argument('--id-prefix', default='runtime-')
    ap.add_argument('--schema')
    ap.add_argument('--stdout')
    ap.add_argument('--dir')
    args = ap.parse_args()
    errors = []
    want = expected(args.sessions, args.unit, args.include_failed, args.id_prefix)
    got = read_tasks(args.format, args, errors)
    if len(got) != len(want):
        errors.append('%d tasks, expected %d' % (len(got), len(want)))
    if args.stdout:
        for (wid, wp, ws), (gid, gp, gd) in zip(want, got):
            if gid is not None and gid != wid:
                errors.append('task id %r, expected %r' % (gid, wid))
            if gp != wp:
                errors.append('%s: prompt %r, expected %r' % (wid, gp[:60], wp[:60]))
            out = output_of(args.format, gd)
            if len(ws['turns']) == 1 and out is not None and out != (ws['turns'][0]['output'] or ''):
                errors.append('%s: output %r, expected %r' % (wid, out[:60], ws['turns'][0]['output']))
    else:
        wmap = {w[0]: w[1] for w in want}
        if args.format == 'openai-evals':
            if sorted(g[1] for g in got) != sorted(w[1] for w in want):
                errors.append('the prompts differ')
        for gid, gp, _ in got:
            if gid is None:
                continue
            if gid not in wmap:
                errors.append('unexpected task %r' % gid)
            elif wmap[gid] != gp:
                errors.append('%s: prompt %r, expected %r' % (gid, gp[:60], wmap[gid][:60]))
    if args.schema and args.format == 'waza':
        import jsonschema
        schema = json.load(open(args.schema, encoding='utf-8'))
        v = jsonschema.Draft7Validator(schema)
        for gid, _, d in got:
            for e in v.iter_errors(d):
                errors.append('%s: %s at %s' % (gid, e.message, '/'.join(map(str, e.path))))
                break
    for e in errors[:20]:
        print('check_eval:', e, file=sys.stderr)
    if errors:
        return 1
    print('check_eval: %d tasks ok (%s, unit %s)' % (len(got), args.format, args.unit))
    return 0


if __name__ == '__main__':
    sys.exit(main())
