/* SPDX-License-Identifier: MIT */
/*
 * tv_yaml_depth: how deep a YAML file nests, checked before libyaml builds
 * its document.  libyaml's loader does not recurse, but its scanner slows
 * down with every open flow collection (a file of 100,000 '[' takes a
 * minute, a megabyte of them hours): the policy and price files are
 * checked with this first, and stop at the first list or mapping nested
 * too deep.
 */
#ifndef TV_YAML_DEPTH_H
#define TV_YAML_DEPTH_H

#include <stdio.h>

#include "libcommon/core/tv_error.h"

/**
 * tv_yaml_check_depth: read the YAML stream @f (named @file in messages)
 * event by event and fail at the first list or mapping nested more than
 * @max deep; then rewind @f.  Syntax errors are not reported here: the
 * loader that reads @f next reports them.  A stream that cannot be
 * rewound (a pipe) is not read, and not checked.
 * Returns: 0, -TV_EDEPTH with @err set (file and line of the list or
 * mapping one level too deep), -ENOMEM, or -errno when @f cannot be
 * rewound.
 */
int tv_yaml_check_depth(FILE *f, const char *file, int max, struct tv_error *err);

#endif
