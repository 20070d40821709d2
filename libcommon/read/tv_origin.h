/* SPDX-License-Identifier: MIT */
/*
 * tv_origin: where a session built from traces comes from.  A trace may
 * span several processes (an A2A call between two services, a Jaeger
 * export with processes p1 and p2): source.service names every service,
 * ", "-separated in the order first seen, and metadata.resource holds the
 * resource attributes of each process: an object while there is one, an
 * array of the distinct ones once there are more.  Sessions spread over
 * several traces gather them all.  Private to read/.
 */
#ifndef TV_ORIGIN_H
#define TV_ORIGIN_H

#include <stddef.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/read/tv_spans.h"

/**
 * tv_origin_add: add the services and resources of trace @t to @s, those
 * of span @first (the trace's root) first.  @a and @b are scratch buffers.
 * Returns 0 or -ENOMEM.
 */
int tv_origin_add(struct tv_session *s, const struct tv_trace *t, size_t first, struct tv_strbuf *a,
		  struct tv_strbuf *b);

#endif
