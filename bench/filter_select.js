// node peer of `televal-filter --where 'prompt =~ RE' --sample RATE --seed S`:
// parse each canonical line, test the first prompt against RE, keep the
// session iff the HMAC-SHA256 sampling hash of its id is under RATE (the
// same hash televal documents in libcommon/sample/tv_sample.h), write kept lines.
// usage: node filter_select.js REGEX RATE SEED FILE
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const readline = require('readline');

const [re, rate, seed, file] = process.argv.slice(2);
const pattern = new RegExp(re);
const threshold = BigInt(Math.floor(Number(rate) * 2 ** 64));
const key = String(seed);
const out = [];
let kept = 0;

const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
rl.on('line', (line) => {
	const s = JSON.parse(line);
	const prompt = s.turns.length ? s.turns[0].prompt || '' : '';
	if (!pattern.test(prompt))
		return;
	const h = crypto.createHmac('sha256', key).update(s.id).digest().readBigUInt64BE(0);
	if (h >= threshold)
		return;
	kept++;
	out.push(line);
	if (out.length >= 4096)
		process.stdout.write(out.splice(0).join('\n') + '\n');
});
rl.on('close', () => {
	if (out.length)
		process.stdout.write(out.join('\n') + '\n');
	process.stderr.write(`node: ${kept} sessions kept\n`);
});
