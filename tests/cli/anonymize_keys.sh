#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Keyed pseudonyms: equal across two runs, across shards of the input and
# across formats with the same key; different with another key and between
# runs without a key.  The key comes from --key-file or TELEVAL_KEY (text
# or hex), never from the command line.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
N=60

# every rule a pseudonym, so that there is something to compare
cat >pseudo.yaml <<'EOF'
rules:
  "*": {op: pseudonym}
EOF

printf 'key one' >k1
printf 'key two' >k2
gen otlp-logs "$N" in.jsonl --pii-rate 0.5 --truth truth.json
unset TELEVAL_KEY

# anon OUT ARGS...: televal-anonymize --policy pseudo.yaml ARGS... > OUT, exit 0
anon() {
	local out=$1
	shift
	expect_exit 0 "$ANON" --policy pseudo.yaml "$@"
	mv "$T/out" "$out"
}

# tokens FILE: the pseudonyms in FILE, sorted, one per line
tokens() {
	grep -oE '<[A-Z][A-Z0-9_]*:[0-9a-f]{6,}>' "$1" | sort -u || true
}

two_runs() {
	anon a1 --key-file k1 in.jsonl
	anon a2 --key-file k1 in.jsonl
	same a1 a2 "two runs with one key"
	[ "$(tokens a1 | wc -l)" -gt 5 ] || fail "too few pseudonyms to compare: $(tokens a1 | wc -l)"
	note "$(tokens a1 | wc -l) distinct pseudonyms"
}

shards() {
	anon a1 --key-file k1 in.jsonl
	split -l 7 in.jsonl shard.
	[ "$(ls shard.* | wc -l)" -ge 3 ] || fail "too few shards"
	for s in shard.*; do
		anon "$s.anon" --key-file k1 "$s"
	done
	cat shard.*.anon >joined
	same a1 joined "one run and the shards joined"
	# and as several inputs of one run
	anon several --key-file k1 shard.a?
	same a1 several "one input and the same lines as several inputs"
}

other_key() {
	anon a1 --key-file k1 in.jsonl
	anon b1 --key-file k2 in.jsonl
	cmp -s a1 b1 && fail "another key gave the same output"
	tokens a1 >t1
	tokens b1 >t2
	[ -z "$(comm -12 t1 t2)" ] || fail "pseudonyms shared by two keys: $(comm -12 t1 t2 | head -3)"
}

env_key() {
	anon a1 --key-file k1 in.jsonl
	TELEVAL_KEY='key one' anon e1 in.jsonl
	same a1 e1 "--key-file and the same key as TELEVAL_KEY text"
	stderr_lacks 'warning'
	head -c 32 /dev/urandom >kraw
	anon r1 --key-file kraw in.jsonl
	TELEVAL_KEY=$(od -An -tx1 -v kraw | tr -d ' \n') anon r2 in.jsonl
	same r1 r2 "--key-file and the same key as TELEVAL_KEY hex"
	TELEVAL_KEY='key two' anon w1 --key-file k1 in.jsonl
	same a1 w1 "--key-file wins over TELEVAL_KEY"
}

no_key() {
	anon n1 in.jsonl
	stderr_has '^televal-anonymize: warning: no key'
	anon n2 in.jsonl
	cmp -s n1 n2 && fail "two runs without a key gave the same pseudonyms"
	anon a1 --key-file k1 in.jsonl
	stderr_lacks 'warning'
}

key_on_command_line() {
	expect_exit 2 "$ANON" --key 'sekrit-value' in.jsonl
	stderr_lacks 'sekrit-value'
	expect_exit 2 "$ANON" --key='sekrit-value' in.jsonl
	stderr_lacks 'sekrit-value'
	: >empty.key
	expect_exit 2 "$ANON" --key-file empty.key in.jsonl
	expect_exit 1 "$ANON" --key-file no-such.key in.jsonl
}

# the same value gets the same pseudonym in another format
across_formats() {
	gen gemini-collector-log "$N" cl.log --pii-rate 0.5
	gen otlp-logs "$N" ol.jsonl --pii-rate 0.5
	anon cl.anon --key-file k1 cl.log
	anon ol.anon --key-file k1 ol.jsonl
	tokens cl.anon | grep '^<EMAIL' >e1 || true
	tokens ol.anon | grep '^<EMAIL' >e2 || true
	[ -s e1 ] || fail "no e-mail pseudonyms in the collector.log"
	cmp -s e1 e2 || { diff e1 e2 | head >&2; fail "e-mail pseudonyms differ between formats"; }
}

part two-runs two_runs
part shards shards
part other-key other_key
part env-key env_key
part no-key no_key
part key-on-command-line key_on_command_line
part across-formats across_formats
finish
