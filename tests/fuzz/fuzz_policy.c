// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the YAML policy loader of televal-anonymize: the
 * input is a policy file.  Loading must end in 0 or an error naming a line;
 * a policy that loads is compiled with the built-in rules and used on a
 * text and a JSON record.  Dictionary: policy.dict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "libcommon/pii/tv_pii.h"
#include "libcommon/pii/tv_pii_int.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char TEXT[] = "mail jane.doe@example.org, card 4111 1111 1111 1111, "
			   "call +44 20 7946 0958 from /home/jane/src EMP-123456";
static const char JSON[] = "{\"user\":{\"email\":\"jane.doe@example.org\",\"phone\":\"555-0100\"},"
			   "\"debug\":{\"x\":1},\"customer_id\":\"c-1\",\"attributes\":"
			   "[{\"key\":\"host.name\",\"value\":{\"stringValue\":\"box-1\"}}]}";

static void use(const char *path)
{
	static const unsigned char key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct tv_pii_opts o = { .policy_file = path, .key = key, .key_len = sizeof(key) };
	struct tv_pii *p = NULL;
	struct tv_strbuf out, json;
	struct tv_error err;

	if (tv_pii_create(&o, &p, &err) < 0) {
		return;
	}
	tv_strbuf_init(&out);
	tv_strbuf_init(&json);
	tv_pii_scrub(p, "message", 7, TEXT, sizeof(TEXT) - 1, &out);
	tv_pii_scrub(p, "user.email", 10, TEXT, sizeof(TEXT) - 1, &out);
	if (tv_strbuf_puts(&json, JSON) == 0) {
		tv_pii_scrub_json(p, json.p, json.len, &out);
	}
	tv_strbuf_finish(&out);
	tv_strbuf_finish(&json);
	tv_pii_destroy(p);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char path[] = "/tmp/tv-fuzz-policy-XXXXXX";
	struct pii_policy pol;
	struct tv_error err;
	int fd = mkstemp(path), r;

	if (fd < 0) {
		return 0;
	}
	close(fd);
	if (fuzz_put_file(path, data, size) < 0) {
		unlink(path);
		return 0;
	}
	memset(&pol, 0, sizeof(pol));
	tv_error_clear(&err);
	r = pii_policy_load(path, &pol, &err);
	pii_policy_free(&pol);
	if (r < 0 && err.msg[0] == '\0') {
		abort(); /* every failure says why */
	}
	if (r == 0) {
		use(path);
	}
	unlink(path);
	return 0;
}
