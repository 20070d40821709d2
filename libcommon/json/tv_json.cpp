// SPDX-License-Identifier: MIT
// The C API over simdjson's DOM parser (see tv_json.h).
#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

#include <simdjson.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_json.h"

using simdjson::dom::element;
using simdjson::dom::element_type;

static_assert(simdjson::SIMDJSON_PADDING <= TV_JSON_PAD, "padding too small");
static_assert(sizeof(element) <= sizeof(tv_jv), "tv_jv too small");
static_assert(std::is_trivially_copyable<element>::value, "element not copyable");

namespace
{

struct iter_state {
	bool is_object;
	union {
		simdjson::dom::array::iterator a[2];
		simdjson::dom::object::iterator o[2];
	};
	iter_state() : is_object(false), a{}
	{
	}
};

static_assert(sizeof(iter_state) <= sizeof(tv_jiter), "tv_jiter too small");
static_assert(alignof(iter_state) <= alignof(tv_jiter), "tv_jiter misaligned");
static_assert(std::is_trivially_destructible<iter_state>::value, "");
static_assert(std::is_trivially_copyable<simdjson::dom::array::iterator>::value, "");
static_assert(std::is_trivially_copyable<simdjson::dom::object::iterator>::value, "");

inline element load(const tv_jv *v)
{
	element e;
	std::memcpy(static_cast<void *>(&e), v, sizeof(e));
	return e;
}

inline void store(tv_jv *v, const element &e)
{
	std::memset(v, 0, sizeof(*v));
	std::memcpy(v, static_cast<const void *>(&e), sizeof(e));
}

} // namespace

struct tv_json_parser {
	simdjson::dom::parser p;
	tv_json_parser() : p(simdjson::SIMDJSON_MAXSIZE_BYTES)
	{
	}
};

extern "C" struct tv_json_parser *tv_json_parser_create(void)
{
	auto *p = new (std::nothrow) tv_json_parser();
	if (p == nullptr) {
		return nullptr;
	}
	if (p->p.allocate(1 << 16, TV_JSON_MAX_DEPTH) != simdjson::SUCCESS) {
		delete p;
		return nullptr;
	}
	return p;
}

extern "C" void tv_json_parser_destroy(struct tv_json_parser *p)
{
	delete p;
}

extern "C" int tv_json_parse(struct tv_json_parser *p, const char *buf, size_t len,
			     struct tv_jv *root, const char **why)
{
	element e;
	simdjson::error_code ec;

	if (len > simdjson::SIMDJSON_MAXSIZE_BYTES) {
		if (why) {
			*why = "document too large";
		}
		return -TV_ETOOBIG;
	}
	try {
		ec = p->p.parse(reinterpret_cast<const uint8_t *>(buf), len, false).get(e);
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
	if (ec != simdjson::SUCCESS) {
		if (why) {
			*why = simdjson::error_message(ec);
		}
		if (ec == simdjson::DEPTH_ERROR) {
			return -TV_EDEPTH;
		}
		if (ec == simdjson::MEMALLOC) {
			return -ENOMEM;
		}
		return -TV_EPARSE;
	}
	store(root, e);
	return 0;
}

extern "C" enum tv_jtype tv_jv_type(const struct tv_jv *v)
{
	switch (load(v).type()) {
	case element_type::ARRAY:
		return TV_J_ARRAY;
	case element_type::OBJECT:
		return TV_J_OBJECT;
	case element_type::INT64:
		return TV_J_INT;
	case element_type::UINT64:
		return TV_J_UINT;
	case element_type::DOUBLE:
		return TV_J_DOUBLE;
	case element_type::STRING:
		return TV_J_STRING;
	case element_type::BOOL:
		return TV_J_BOOL;
	case element_type::NULL_VALUE:
	default:
		return TV_J_NULL;
	}
}

extern "C" bool tv_jv_str(const struct tv_jv *v, const char **s, size_t *n)
{
	std::string_view sv;

	if (load(v).get_string().get(sv) != simdjson::SUCCESS) {
		return false;
	}
	*s = sv.data();
	*n = sv.size();
	return true;
}

extern "C" bool tv_jv_int(const struct tv_jv *v, int64_t *out)
{
	element e = load(v);

	if (e.type() != element_type::INT64) {
		return false;
	}
	return e.get_int64().get(*out) == simdjson::SUCCESS;
}

extern "C" bool tv_jv_uint(const struct tv_jv *v, uint64_t *out)
{
	element e = load(v);

	if (e.type() != element_type::UINT64) {
		return false;
	}
	return e.get_uint64().get(*out) == simdjson::SUCCESS;
}

extern "C" bool tv_jv_num(const struct tv_jv *v, double *out)
{
	element e = load(v);

	switch (e.type()) {
	case element_type::INT64:
		*out = static_cast<double>(int64_t(e));
		return true;
	case element_type::UINT64:
		*out = static_cast<double>(uint64_t(e));
		return true;
	case element_type::DOUBLE:
		*out = double(e);
		return true;
	default:
		return false;
	}
}

extern "C" bool tv_jv_bool(const struct tv_jv *v, bool *out)
{
	return load(v).get_bool().get(*out) == simdjson::SUCCESS;
}

extern "C" bool tv_jv_get(const struct tv_jv *obj, const char *key, struct tv_jv *out)
{
	simdjson::dom::object o;
	element e;

	if (load(obj).get_object().get(o) != simdjson::SUCCESS) {
		return false;
	}
	if (o.at_key(key).get(e) != simdjson::SUCCESS) {
		return false;
	}
	store(out, e);
	return true;
}

extern "C" size_t tv_jv_len(const struct tv_jv *v)
{
	element e = load(v);
	simdjson::dom::array a;
	simdjson::dom::object o;

	if (e.get_array().get(a) == simdjson::SUCCESS) {
		return a.size();
	}
	if (e.get_object().get(o) == simdjson::SUCCESS) {
		return o.size();
	}
	return 0;
}

extern "C" void tv_jv_iter_init(const struct tv_jv *v, struct tv_jiter *it)
{
	element e = load(v);
	simdjson::dom::array a;
	simdjson::dom::object o;
	iter_state *st = new (static_cast<void *>(it)) iter_state();

	if (e.get_object().get(o) == simdjson::SUCCESS) {
		st->is_object = true;
		st->o[0] = o.begin();
		st->o[1] = o.end();
	} else if (e.get_array().get(a) == simdjson::SUCCESS) {
		st->a[0] = a.begin();
		st->a[1] = a.end();
	}
	/* a scalar: both default iterators compare equal, an empty range */
}

/* the iterator state lives in the caller's struct tv_jiter (placement new above) */
static inline iter_state *state(struct tv_jiter *it)
{
	return std::launder(reinterpret_cast<iter_state *>(it));
}

extern "C" bool tv_jv_iter_next(struct tv_jiter *it, const char **key, size_t *klen,
				struct tv_jv *val)
{
	iter_state *st = state(it);

	if (st->is_object) {
		if (st->o[0] == st->o[1]) {
			return false;
		}
		std::string_view k = st->o[0].key();
		*key = k.data();
		*klen = k.size();
		store(val, st->o[0].value());
		++st->o[0];
		return true;
	}
	if (st->a[0] == st->a[1]) {
		return false;
	}
	*key = nullptr;
	*klen = 0;
	store(val, *st->a[0]);
	++st->a[0];
	return true;
}

/* the one member of an AnyValue holding a scalar */
static bool any_scalar(simdjson::dom::object v, struct tv_jkv *out)
{
	auto it = v.begin();

	if (it == v.end()) {
		return false;
	}
	std::string_view k = it.key();
	element x = it.value();
	if (++it != v.end()) {
		return false;
	}
	if (k == "stringValue") {
		std::string_view sv;

		if (x.get_string().get(sv) != simdjson::SUCCESS) {
			return false;
		}
		out->type = TV_J_STRING;
		out->s = sv.data();
		out->n = sv.size();
		return true;
	}
	if (k == "intValue") {
		std::string_view sv;

		if (x.type() == element_type::INT64) {
			out->type = TV_J_INT;
			out->i = int64_t(x);
			return true;
		}
		if (x.get_string().get(sv) != simdjson::SUCCESS) {
			return false;
		}
		out->type = TV_J_STRING;
		out->int_text = true;
		out->s = sv.data();
		out->n = sv.size();
		return true;
	}
	if (k == "doubleValue") {
		if (x.type() != element_type::DOUBLE && x.type() != element_type::INT64) {
			return false;
		}
		out->type = TV_J_DOUBLE;
		out->d = x.type() == element_type::DOUBLE ? double(x) : double(int64_t(x));
		return true;
	}
	if (k == "boolValue") {
		if (x.type() != element_type::BOOL) {
			return false;
		}
		out->type = TV_J_BOOL;
		out->b = bool(x);
		return true;
	}
	return false;
}

extern "C" bool tv_jv_otlp_kv(const struct tv_jv *kv, struct tv_jkv *out)
{
	simdjson::dom::object o, v;
	std::string_view key;
	bool have_key = false, have_value = false;

	if (load(kv).get_object().get(o) != simdjson::SUCCESS) {
		return false;
	}
	out->int_text = false;
	for (auto m : o) {
		if (m.key == "key" && !have_key) {
			if (m.value.get_string().get(key) != simdjson::SUCCESS) {
				return false;
			}
			have_key = true;
		} else if (m.key == "value" && !have_value) {
			if (m.value.get_object().get(v) != simdjson::SUCCESS ||
			    !any_scalar(v, out)) {
				return false;
			}
			have_value = true;
		} else {
			return false;
		}
	}
	if (!have_key || !have_value) {
		return false;
	}
	out->key = key.data();
	out->klen = key.size();
	return true;
}
