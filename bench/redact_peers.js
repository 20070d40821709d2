#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/*
 * redact_peers.js: the npm peers of televal-anonymize for bench/anonymize.sh.
 *
 *   node redact_peers.js PEER FILE > OUT
 *
 * PEER is `redact-pii` (SyncRedactor, all its default rules) or
 * `@redactpii/node` (Redactor, all its default rules).  FILE is read in
 * 1 MiB chunks, and every line is redacted as text and written out, one
 * line for each line read.  Neither library knows JSON: they see each line
 * as one string, which is what they are built for; that their output may no
 * longer parse is not checked.  Install them with `npm ci` in bench/.
 */
'use strict';
const fs = require('fs');

function redactor(peer) {
	if (peer === 'redact-pii') {
		const { SyncRedactor } = require('redact-pii');
		const r = new SyncRedactor();
		return (s) => r.redact(s);
	}
	if (peer === '@redactpii/node') {
		const { Redactor } = require('@redactpii/node');
		const r = new Redactor();
		return (s) => r.redact(s);
	}
	throw new Error(`unknown peer ${peer} (redact-pii or @redactpii/node)`);
}

function main() {
	const [peer, file] = process.argv.slice(2);
	if (!peer || !file) {
		process.stderr.write('usage: node redact_peers.js redact-pii|@redactpii/node FILE\n');
		process.exit(2);
	}
	const redact = redactor(peer);
	const fd = fs.openSync(file, 'r');
	const buf = Buffer.alloc(1 << 20);
	let rest = Buffer.alloc(0), lines = 0, bytes = 0, out = [], outLen = 0;
	const flush = () => {
		if (out.length) {
			fs.writeSync(1, out.join(''));
			out = [];
			outLen = 0;
		}
	};
	const emit = (line) => {
		const r = redact(line) + '\n';
		out.push(r);
		outLen += r.length;
		lines++;
		if (outLen >= 1 << 20) {
			flush();
		}
	};
	for (;;) {
		const n = fs.readSync(fd, buf, 0, buf.length, null);
		if (n === 0) {
			break;
		}
		bytes += n;
		// a chunk may end inside a UTF-8 sequence: cut at the last newline
		const chunk = buf.subarray(0, n);
		const nl = chunk.lastIndexOf(10);
		if (nl < 0) {
			rest = Buffer.concat([rest, chunk]);
			continue;
		}
		const text = Buffer.concat([rest, chunk.subarray(0, nl)]).toString('utf8');
		rest = Buffer.from(chunk.subarray(nl + 1));
		for (const line of text.split('\n')) {
			emit(line);
		}
	}
	if (rest.length) {
		emit(rest.toString('utf8'));
	}
	flush();
	process.stderr.write(`${peer}: ${lines} lines, ${bytes} bytes\n`);
}

main();
