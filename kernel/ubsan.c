// SPDX-License-Identifier: MIT
/* The undefined-behaviour sanitizer's runtime for make DEBUG=1 (-fsanitize=... in the Makefile):
 * the __ubsan_handle_* functions the compiler calls when a check fails. Each prints what went
 * wrong (the check, the types, the values) and where (file:line:column), then panics: UB in a
 * kernel is a bug to fix, and running on after it only muddies the report. The first report is
 * the only one. This file itself is built without the sanitizer (no_sanitize below). */
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <stdbool.h>
#include <stdint.h>

#define NO_UBSAN	__attribute__((no_sanitize_undefined))

/* The compiler's data layouts (the Clang/GCC UBSan ABI). */
struct src_loc {
	const char *file;
	uint32_t line;
	uint32_t column;
};

struct type_desc {
	uint16_t kind;		/* 0 integer, 1 float, 0xffff unknown */
	uint16_t info;		/* integer: bit 0 signed, bits 1..: log2 of the width in bits */
	char name[];
};

struct overflow_data {
	struct src_loc loc;
	const struct type_desc *type;
};

struct shift_data {
	struct src_loc loc;
	const struct type_desc *lhs_type;
	const struct type_desc *rhs_type;
};

struct oob_data {
	struct src_loc loc;
	const struct type_desc *array_type;
	const struct type_desc *index_type;
};

struct mismatch_data {
	struct src_loc loc;
	const struct type_desc *type;
	uint8_t log_alignment;
	uint8_t check_kind;
};

struct loc_only_data {
	struct src_loc loc;
};

struct invalid_value_data {
	struct src_loc loc;
	const struct type_desc *type;
};

struct nonnull_arg_data {
	struct src_loc loc;
	struct src_loc attr_loc;
	int arg_index;
};

struct nonnull_return_data {
	struct src_loc attr_loc;
};

struct invalid_builtin_data {
	struct src_loc loc;
	uint8_t kind;		/* 0 ctz, 1 clz */
};

struct align_assume_data {
	struct src_loc loc;
	struct src_loc assumption_loc;
	const struct type_desc *type;
};

static NO_UBSAN bool type_signed(const struct type_desc *t)
{
	return t->kind == 0 && (t->info & 1);
}

static NO_UBSAN unsigned type_bits(const struct type_desc *t)
{
	return t->kind == 0 ? 1u << (t->info >> 1) : 0;
}

/* Integers up to 64 bits come by value; wider ones (__int128) by pointer: their low half. */
static NO_UBSAN void print_value(const struct type_desc *t, uintptr_t v)
{
	if (t->kind != 0) {
		printk("<%s value>", t->name);
		return;
	}
	uint64_t x = type_bits(t) > 64 ? *(const uint64_t *)v : (uint64_t)v;
	if (type_signed(t)) {
		unsigned bits = type_bits(t);
		if (bits < 64 && (x & (1ULL << (bits - 1))))
			x |= ~0ULL << bits;	/* sign-extend */
		printk("%lld", (long long)x);
	} else {
		printk("%llu", (unsigned long long)x);
	}
}

static NO_UBSAN void begin(const char *what)
{
	printk("\n*** UBSan: %s\n", what);
}

static NORETURN NO_UBSAN void end(const struct src_loc *loc)
{
	printk("\n    at %s:%u:%u\n", loc->file, (unsigned)loc->line, (unsigned)loc->column);
	panic("undefined behaviour (UBSan) at %s:%u:%u", loc->file, (unsigned)loc->line,
	      (unsigned)loc->column);
}

static NORETURN NO_UBSAN void overflow(const struct overflow_data *d, uintptr_t lhs, uintptr_t rhs,
				       char op)
{
	begin(type_signed(d->type) ? "signed integer overflow" : "unsigned integer overflow");
	printk("    ");
	print_value(d->type, lhs);
	printk(" %c ", op);
	print_value(d->type, rhs);
	printk(" cannot be represented in type %s", d->type->name);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_add_overflow(const struct overflow_data *d, uintptr_t l, uintptr_t r)
{
	overflow(d, l, r, '+');
}

NO_UBSAN void __ubsan_handle_sub_overflow(const struct overflow_data *d, uintptr_t l, uintptr_t r)
{
	overflow(d, l, r, '-');
}

NO_UBSAN void __ubsan_handle_mul_overflow(const struct overflow_data *d, uintptr_t l, uintptr_t r)
{
	overflow(d, l, r, '*');
}

NO_UBSAN void __ubsan_handle_negate_overflow(const struct overflow_data *d, uintptr_t old)
{
	begin("negation overflow");
	printk("    -(");
	print_value(d->type, old);
	printk(") cannot be represented in type %s", d->type->name);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_divrem_overflow(const struct overflow_data *d, uintptr_t l, uintptr_t r)
{
	bool by_zero = type_bits(d->type) && !(type_bits(d->type) <= 64 ? r
			: *(const uint64_t *)r | ((const uint64_t *)r)[1]);
	begin(by_zero ? "division by zero" : "division overflow");
	printk("    ");
	print_value(d->type, l);
	printk(" / ");
	print_value(d->type, r);
	printk(" in type %s", d->type->name);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_shift_out_of_bounds(const struct shift_data *d, uintptr_t l, uintptr_t r)
{
	begin("shift out of bounds");
	printk("    shift of ");
	print_value(d->lhs_type, l);
	printk(" by ");
	print_value(d->rhs_type, r);
	printk(": ");
	bool neg_rhs = type_signed(d->rhs_type) && (intptr_t)r < 0;
	if (neg_rhs)
		printk("shift exponent is negative");
	else if (r >= type_bits(d->lhs_type))
		printk("shift exponent %lu is too large for %u-bit type %s", (unsigned long)r,
		       type_bits(d->lhs_type), d->lhs_type->name);
	else
		printk("the result does not fit type %s (or the left operand is negative)",
		       d->lhs_type->name);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_out_of_bounds(const struct oob_data *d, uintptr_t index)
{
	begin("array index out of bounds");
	printk("    index ");
	print_value(d->index_type, index);
	printk(" is out of range for type %s", d->array_type->name);
	end(&d->loc);
}

static const char *const check_kinds[] = {
	"load of", "store to", "reference binding to", "member access within", "member call on",
	"constructor call on", "downcast of", "downcast of", "upcast of", "cast to virtual base of",
	"_Nonnull binding to", "dynamic operation on",
};

NO_UBSAN void __ubsan_handle_type_mismatch_v1(const struct mismatch_data *d, uintptr_t ptr)
{
	const char *kind = d->check_kind < ARRAY_SIZE(check_kinds) ? check_kinds[d->check_kind]
			 : "access to";
	uintptr_t align = (uintptr_t)1 << d->log_alignment;
	if (!ptr) {
		begin("null pointer dereference");
		printk("    %s null pointer of type %s", kind, d->type->name);
	} else if (align > 1 && (ptr & (align - 1))) {
		begin("misaligned access");
		printk("    %s misaligned address %#lx for type %s, which needs %lu-byte alignment",
		       kind, (unsigned long)ptr, d->type->name, (unsigned long)align);
	} else {
		begin("object too small");
		printk("    %s address %#lx with insufficient space for an object of type %s",
		       kind, (unsigned long)ptr, d->type->name);
	}
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_pointer_overflow(const struct loc_only_data *d, uintptr_t base,
					      uintptr_t result)
{
	begin("pointer overflow");
	printk("    pointer arithmetic on %#lx gave %#lx", (unsigned long)base, (unsigned long)result);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_builtin_unreachable(const struct loc_only_data *d)
{
	begin("execution reached __builtin_unreachable()");
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_missing_return(const struct loc_only_data *d)
{
	begin("control reached the end of a value-returning function");
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_vla_bound_not_positive(const struct invalid_value_data *d, uintptr_t b)
{
	begin("variable-length array bound not positive");
	printk("    bound ");
	print_value(d->type, b);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_load_invalid_value(const struct invalid_value_data *d, uintptr_t v)
{
	begin("load of an invalid value");
	printk("    value ");
	print_value(d->type, v);
	printk(" is not valid for type %s (bool or enum)", d->type->name);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_nonnull_arg(const struct nonnull_arg_data *d)
{
	begin("null passed as an argument declared nonnull");
	printk("    argument %d (nonnull declared at %s:%u)", d->arg_index, d->attr_loc.file,
	       (unsigned)d->attr_loc.line);
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_nonnull_return_v1(const struct nonnull_return_data *d,
					       const struct src_loc *loc)
{
	begin("null returned from a function declared returns_nonnull");
	printk("    (declared at %s:%u)", d->attr_loc.file, (unsigned)d->attr_loc.line);
	end(loc);
}

NO_UBSAN void __ubsan_handle_invalid_builtin(const struct invalid_builtin_data *d)
{
	begin("invalid builtin use");
	printk("    passing zero to %s", d->kind ? "clz()" : "ctz()");
	end(&d->loc);
}

NO_UBSAN void __ubsan_handle_alignment_assumption(const struct align_assume_data *d, uintptr_t ptr,
						  uintptr_t align, uintptr_t offset)
{
	begin("alignment assumption violated");
	printk("    %#lx (offset %lu) is not %lu-byte aligned", (unsigned long)ptr,
	       (unsigned long)offset, (unsigned long)align);
	end(&d->loc);
}
