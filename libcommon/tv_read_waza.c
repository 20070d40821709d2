// SPDX-License-Identifier: MIT
// placeholder: being written
#include "tv_reader_int.h"
int tv_read_waza(struct tv_read_ctx *ctx, struct tv_input *in, struct tv_error *err)
{
	return tv_error_set(err, -TV_EFORMAT, tv_input_name(in), 0, "waza reader not built yet");
}
