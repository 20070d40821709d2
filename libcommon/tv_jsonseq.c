// SPDX-License-Identifier: MIT
// placeholder: being written
#include "tv_jsonseq.h"
