#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A key policy applies wherever a format pairs a key with its value: JSON
# members, OTLP KeyValue lists, Jaeger tags, Gemini CLI's [key, value]
# tuples, collector.log attribute lines and key=value text.  --check
# reports each finding at the line of its value, also inside one
# multi-line document, and finds nothing in what anonymize wrote.
# Token counts and types are not secrets; tokens are.
. "$(dirname "$0")/lib.sh"

ANON=${TELEVAL_ANONYMIZE:?TELEVAL_ANONYMIZE is not set (run the tests with meson test)}
printf 'a key' >key

# anon CODE ARGS...: televal-anonymize --key-file key ARGS..., expecting CODE
anon() {
	local want=$1
	shift
	expect_exit "$want" "$ANON" --key-file key "$@"
}

# leaks FILE WORD...: fail if any WORD is in FILE
leaks() {
	local f=$1 w
	shift
	for w in "$@"; do
		if grep -qF -- "$w" "$f"; then
			grep -nF -- "$w" "$f" | sed -n 1,3p >&2
			fail "'$w' survived in $(basename "$f")"
		fi
	done
}

# clean IN FROM: anonymize IN, then --check on the output finds nothing
clean() {
	anon 0 --from "$2" "$1"
	cp "$T/out" "$1.anon"
	anon 0 --check --from "$2" "$1.anon"
}

gemini_tuples() {
	cat >outfile.json <<'EOF'
{
  "hrTime": [
    1751360407,
    0
  ],
  "resource": {
    "_rawAttributes": [
      [
        "host.name",
        "janes-laptop.local"
      ],
      [
        "host.id",
        "C535C24C-F05A-5AC7-87D1-A60ED03AFEDD"
      ],
      [
        "process.owner",
        "jdoe"
      ],
      [
        "process.pid",
        41171
      ],
      [
        "service.name",
        "gemini-cli"
      ]
    ]
  },
  "attributes": {
    "session.id": "807bb603-5bfe-41bd-9ba8-f00b6c1b0a0f",
    "event.name": "gemini_cli.config"
  },
  "_body": "CLI configuration loaded."
}
EOF
	anon 3 --check --from outfile outfile.json
	stderr_has '^televal-anonymize: outfile\.json:10: key:host\.name: '
	stderr_has '^televal-anonymize: outfile\.json:14: key:host\.id: '
	stderr_has '^televal-anonymize: outfile\.json:18: key:process\.owner: '
	clean outfile.json outfile
	leaks outfile.json.anon janes-laptop C535C24C jdoe
	grep -qF '"gemini-cli"' outfile.json.anon || fail "service.name changed"
	grep -qF '807bb603-5bfe' outfile.json.anon || fail "the session id changed"
}

otlp_and_jaeger() {
	printf '%s\n' '{"resourceLogs":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"janes-laptop"}},{"key":"user.name","value":{"stringValue":"jdoe"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":{"stringValue":"hi"},"attributes":[{"key":"gen_ai.token.type","value":{"stringValue":"input"}},{"key":"http.request.header.x-auth-token","value":{"stringValue":"tok123secret"}}]}]}]}]}' >kv.jsonl
	clean kv.jsonl otlp
	leaks kv.jsonl.anon janes-laptop jdoe tok123secret
	grep -qF '{"key":"gen_ai.token.type","value":{"stringValue":"input"}}' kv.jsonl.anon ||
		fail "the token type was replaced"
	cat >jaeger.json <<'EOF'
{
  "data": [
    {
      "traceID": "e8d79f49af6d114c4a6f188a424e617b",
      "spans": [
        {
          "traceID": "e8d79f49af6d114c4a6f188a424e617b",
          "spanID": "cd502d42af1ffe0d",
          "operationName": "invoke_agent",
          "references": [],
          "startTime": 1751360414000000,
          "duration": 2475000,
          "tags": [
            {
              "key": "gen_ai.input.messages",
              "type": "string",
              "value": "[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"mail jane.doe@example.org\"}]}]"
            }
          ],
          "processID": "p1"
        }
      ],
      "processes": {
        "p1": {
          "serviceName": "agent",
          "tags": [
            {
              "key": "host.name",
              "type": "string",
              "value": "janes-laptop"
            }
          ]
        }
      }
    }
  ]
}
EOF
	anon 3 --check --from jaeger jaeger.json
	# the e-mail inside a string that holds JSON, and the host tag: their own lines
	stderr_has '^televal-anonymize: jaeger\.json:17: email: '
	stderr_has '^televal-anonymize: jaeger\.json:30: key:host\.name: '
	clean jaeger.json jaeger
	leaks jaeger.json.anon janes-laptop jane.doe
}

collector_attrs() {
	cat >c.log <<'EOF'
2025-07-01T09:00:10.050+0000	info	ResourceLog #0
Resource SchemaURL: 
Resource attributes:
     -> host.name: Str(janes-laptop)
     -> process.owner: Str(jdoe)
ScopeLogs #0
ScopeLogs SchemaURL: 
InstrumentationScope gemini-cli 
LogRecord #0
ObservedTimestamp: 2025-07-01 09:00:04 +0000 UTC
Timestamp: 2025-07-01 09:00:04 +0000 UTC
SeverityText: 
SeverityNumber: Unspecified(0)
Body: Str(login by user=jdoe2 from host.name=janes-desktop)
Attributes:
     -> session.id: Str(c386bbc4-cd61-4e30-98f1-6adf91b7584a)
     -> user.email: Str(jane.doe@example.org)
     -> prompt: Str(first line
second line with jane.roe@example.org)
     -> input_token_count: Int(12)
Trace ID: 
Span ID: 
Flags: 0
EOF
	anon 3 --check --from collector-log c.log
	stderr_has '^televal-anonymize: c\.log:4: key:host\.name: '
	stderr_has '^televal-anonymize: c\.log:5: key:process\.owner: '
	stderr_has '^televal-anonymize: c\.log:14: key:user: '
	stderr_has '^televal-anonymize: c\.log:14: key:host\.name: '
	stderr_has '^televal-anonymize: c\.log:17: key:\*\.email: '
	stderr_has '^televal-anonymize: c\.log:19: email: '
	clean c.log collector-log
	leaks c.log.anon janes-laptop jdoe janes-desktop jane.doe jane.roe
	grep -qF -- '-> input_token_count: Int(12)' c.log.anon || fail "a count changed"
}

pylog_pairs() {
	{
		echo '2025-01-01 12:00:00,123 - app - INFO - started host.name=janes-laptop process.owner=jdoe max_tokens=512 api_token=abc123def456'
		echo '2025-01-01 12:00:01,123 - app - INFO - {"event": "x", "user": "jdoe"}'
	} >p.log
	anon 3 --check --from pylog p.log
	stderr_has '^televal-anonymize: p\.log:1: key:host\.name: '
	stderr_has '^televal-anonymize: p\.log:1: key:process\.owner: '
	stderr_has '^televal-anonymize: p\.log:2: key:user: '
	clean p.log pylog
	leaks p.log.anon janes-laptop jdoe abc123def456
	grep -qF ' max_tokens=512 ' p.log.anon || fail "max_tokens changed"
}

part gemini-tuples gemini_tuples
part otlp-and-jaeger otlp_and_jaeger
part collector-attrs collector_attrs
part pylog-pairs pylog_pairs
finish
