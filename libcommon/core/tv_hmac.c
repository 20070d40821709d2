/* SPDX-License-Identifier: MIT */
#include "libcommon/core/tv_hmac.h"

#include <nettle/hmac.h>

void tv_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		    unsigned char out[TV_HMAC_SIZE])
{
	struct hmac_sha256_ctx ctx;

	hmac_sha256_set_key(&ctx, klen, key);
	hmac_sha256_update(&ctx, mlen, msg);
	hmac_sha256_digest(&ctx, TV_HMAC_SIZE, out);
}
