#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/*
 * node_parse.js: the Node.js peer for bench/run.sh.
 *
 *   node node_parse.js MODE FILE > /dev/null
 *
 * MODE
 *   otlp-parse      read FILE (OTLP/JSON logs, one ExportLogsServiceRequest per
 *                   line) line by line and JSON.parse() each line.  Nothing else:
 *                   the raw parse rate of V8's JSON parser.
 *   otlp            the conversion: JSON.parse() each line, walk resourceLogs ->
 *                   scopeLogs -> logRecords, flatten each record's attributes
 *                   ({key, value:{stringValue|intValue|...}} -> plain object),
 *                   group records by the `session.id` attribute, and write one
 *                   JSON.stringify()ed object per session (id, start, end,
 *                   resource, records[]) as JSON Lines.
 *   collector       the same conversion for a Gemini CLI collector.log (the
 *                   OpenTelemetry Collector debug exporter's text dump): a small
 *                   line state machine (see parseCollector) builds each LogRecord
 *                   (timestamp, body, typed attributes, resource attributes),
 *                   then records are grouped and written as for `otlp`.
 *
 * What makes it a fair peer of televal-filter: the same input, read in 1 MiB
 * chunks (no readline overhead), every record parsed and kept, sessions grouped
 * by the source's key and closed after 1 h idle on the records' own clock (the
 * default --gap of televal-filter), so memory is bounded by the open sessions,
 * and one JSON line written per session.  What it does NOT do that televal
 * does: build turns / LLM calls / tool calls, usage totals, success, models,
 * RFC 3339 times.  It writes every record instead (a larger output than
 * televal's).  So this is a lower bound of what a JavaScript converter costs.
 *
 * Counts go to stderr: "node: <records> records, <sessions> sessions".
 */
'use strict';
const fs = require('fs');

const GAP_MS = 3600 * 1000;	// televal-filter's default --gap
const SWEEP_EVERY = 1024;	// records between two idle sweeps

// ---- buffered output ---------------------------------------------------------
let outParts = [], outLen = 0;
function out(s) {
  outParts.push(s);
  outLen += s.length;
  if (outLen >= 1 << 20) flushOut();
}
function flushOut() {
  if (outParts.length) fs.writeSync(1, outParts.join(''));
  outParts = [];
  outLen = 0;
}

// ---- line reader: 1 MiB chunks, split on \n ----------------------------------
function forEachLine(path, fn) {
  const fd = fs.openSync(path, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let have = 0;
  for (;;) {
    if (have === buf.length) {	// a line longer than the buffer: grow it
      const nb = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(nb, 0, 0, have);
      buf = nb;
    }
    const n = fs.readSync(fd, buf, have, buf.length - have, null);
    if (n === 0) break;
    have += n;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1 || nl >= have) break;
      fn(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    buf.copy(buf, 0, start, have);
    have -= start;
  }
  if (have > 0) fn(buf.toString('utf8', 0, have));
  fs.closeSync(fd);
}

// ---- grouping: sessions open until idle for GAP_MS ----------------------------
const open = new Map();	// session id -> {id, start, end, resource, records}
let clock = -Infinity, nrec = 0, nsess = 0;

function emit(s) {
  out(JSON.stringify({ televal: 1, id: s.id, start: s.start, end: s.end,
                       resource: s.resource, records: s.records }) + '\n');
  nsess++;
}

function addRecord(sid, t, resource, rec) {
  let s = open.get(sid);
  if (s === undefined) {
    s = { id: sid, start: t, end: t, resource, records: [] };
    open.set(sid, s);
  }
  s.records.push(rec);
  if (t < s.start) s.start = t;
  if (t > s.end) s.end = t;
  if (t > clock) clock = t;
  if (++nrec % SWEEP_EVERY === 0) {
    const cutoff = clock - GAP_MS;
    for (const [k, v] of open) if (v.end < cutoff) { emit(v); open.delete(k); }
  }
}

// ---- OTLP/JSON ---------------------------------------------------------------
function anyValue(v) {
  if (v === undefined || v === null) return null;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('boolValue' in v) return v.boolValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return (v.arrayValue.values || []).map(anyValue);
  if ('kvlistValue' in v) return kvs(v.kvlistValue.values);
  return null;
}
function kvs(list) {
  const o = {};
  if (list) for (const kv of list) o[kv.key] = anyValue(kv.value);
  return o;
}

function otlpLine(line) {
  if (line.length === 0) return;
  const req = JSON.parse(line);
  for (const rl of req.resourceLogs || []) {
    const resource = kvs(rl.resource && rl.resource.attributes);
    for (const sl of rl.scopeLogs || []) {
      for (const r of sl.logRecords || []) {
        const attrs = kvs(r.attributes);
        const sid = attrs['session.id'] ?? resource['session.id'] ?? '';
        const t = Number(r.timeUnixNano || r.observedTimeUnixNano || 0) / 1e6;
        addRecord(sid, t, resource, { time: t, event: r.eventName ?? attrs['event.name'],
                                      body: anyValue(r.body), attributes: attrs });
      }
    }
  }
}

// ---- collector.log: the debug exporter's text dump ----------------------------
// States: OUT (between records), RES (in "Resource attributes:"), REC (in a
// LogRecord header), ATTR (in a LogRecord's "Attributes:").  An attribute line
// is "     -> key: Type(value)"; a Str value may span lines (pretty-printed JSON
// in function_args), so any other line inside RES/ATTR continues the last value.
const OUT = 0, RES = 1, REC = 2, ATTR = 3;
let st = OUT, resource = null, rec = null, lastObj = null, lastKey = null;

function typed(raw) {
  const p = raw.indexOf('(');
  const ty = raw.slice(0, p), v = raw.slice(p + 1, raw.length - 1);
  switch (ty) {
    case 'Str': return v;
    case 'Int': return Number(v);
    case 'Double': return parseFloat(v);
    case 'Bool': return v === 'true';
    default: return null;	// Empty(), Map(), Slice(): not in this corpus
  }
}
// "2025-07-01 09:00:04.001 +0000 UTC" -> epoch ms (the corpus is UTC)
function goTime(s) {
  const sp = s.indexOf(' +', 11);
  return Date.parse(s.slice(0, 10) + 'T' + s.slice(11, sp) + 'Z');
}
function finishValue() {
  if (lastKey !== null) lastObj[lastKey] = typed(lastObj[lastKey]);
  lastKey = null;
}
function finishRecord() {
  finishValue();
  if (rec !== null) {
    const sid = rec.attributes['session.id'] ?? resource['session.id'] ?? '';
    addRecord(sid, rec.time, resource, rec);
  }
  rec = null;
  st = OUT;
}

function collectorLine(line) {
  if (line.startsWith('     -> ') && (st === RES || st === ATTR)) {
    finishValue();
    const c = line.indexOf(': ', 8);
    lastObj = st === RES ? resource : rec.attributes;
    lastKey = line.slice(8, c);
    lastObj[lastKey] = line.slice(c + 2);	// raw, typed() when complete
  } else if (line.startsWith('LogRecord #')) {
    finishRecord();
    rec = { time: 0, event: null, body: null, attributes: {} };
    st = REC;
  } else if (st === REC) {
    if (line.startsWith('Timestamp: ')) rec.time = goTime(line.slice(11));
    else if (line.startsWith('Body: ')) rec.body = typed(line.slice(6));
    else if (line === 'Attributes:') st = ATTR;
  } else if (st === ATTR && line.startsWith('Trace ID:')) {
    finishValue();
    rec.event = rec.attributes['event.name'] ?? null;
    finishRecord();
  } else if (line.includes('ResourceLog #')) {	// may follow "ts\tinfo\t"
    finishRecord();
    resource = {};
  } else if (line === 'Resource attributes:') {
    st = RES;
  } else if (st === RES && line.startsWith('ScopeLogs #')) {
    finishValue();
    st = OUT;
  } else if ((st === RES || st === ATTR) && lastKey !== null) {
    lastObj[lastKey] += '\n' + line;	// continuation of a multi-line value
  }
  // anything else: the collector's own log lines, scope headers: ignored
}

// ---- main --------------------------------------------------------------------
const [mode, path] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: node_parse.js otlp-parse|otlp|collector FILE\n');
  process.exit(2);
}
if (mode === 'otlp-parse') {
  forEachLine(path, (l) => { if (l.length) { JSON.parse(l); nrec++; } });
  process.stderr.write(`node: ${nrec} lines parsed\n`);
  process.exit(0);
} else if (mode === 'otlp') {
  forEachLine(path, otlpLine);
} else if (mode === 'collector') {
  forEachLine(path, collectorLine);
  finishRecord();
} else {
  process.stderr.write(`node_parse.js: unknown mode ${mode}\n`);
  process.exit(2);
}
for (const s of open.values()) emit(s);	// end of input closes the rest
flushOut();
process.stderr.write(`node: ${nrec} records, ${nsess} sessions\n`);
