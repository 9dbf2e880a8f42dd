// SPDX-License-Identifier: MIT
/* kvsnprintf: the kernel's printf engine. Pure code, no CPU access: it is also built for the host
 * and tested there under ASan/UBSan. */
#include <kernel/printk.h>
#include <stdbool.h>

struct out {
	char *buf;	/* destination */
	size_t size;	/* capacity including the NUL */
	size_t len;	/* characters the full output has so far */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct spec {
	bool left;	/* '-': pad on the right */
	bool zero;	/* '0': pad numbers with zeros */
	bool plus;	/* '+': sign for non-negative numbers */
	bool space;	/* ' ': space for non-negative numbers */
	bool alt;	/* '#': 0x prefix for %x */
	int width;	/* minimum field width */
	int prec;	/* precision, -1 when absent */
};

static void out_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int n = 0;
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		out_pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', sp->width - n);
}

static void out_num(struct out *o, const struct spec *sp, unsigned long long v, bool neg,
		    unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int ndig = n;
	int zeros = sp->prec > ndig ? sp->prec - ndig : 0;
	const char *sign = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	int signlen = (int)__builtin_strlen(sign), prelen = (int)__builtin_strlen(prefix);
	int body = signlen + prelen + zeros + ndig;

	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > body) {
		zeros += sp->width - body;
		body = sp->width;
	}
	if (!sp->left)
		out_pad(o, ' ', sp->width - body);
	for (const char *p = sign; *p; p++)
		out_char(o, *p);
	for (const char *p = prefix; *p; p++)
		out_char(o, *p);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_pad(o, ' ', sp->width - body);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static long long arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return va_arg(*ap, long);	/* ssize_t */
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (unsigned long long)va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned);
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		const char *start = f;
		struct spec sp = { .prec = -1 };
		for (;;) {
			char c = *++f;
			if (c == '-') sp.left = true;
			else if (c == '0') sp.zero = true;
			else if (c == '+') sp.plus = true;
			else if (c == ' ') sp.space = true;
			else if (c == '#') sp.alt = true;
			else break;
		}
		if (*f == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp.width = sp.width * 10 + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			sp.prec = 0;
			if (*f == '*') {
				sp.prec = va_arg(ap, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					sp.prec = sp.prec * 10 + (*f++ - '0');
			}
		}
		enum length len = LEN_INT;
		switch (*f) {
		case 'h':
			len = LEN_SHORT;
			if (*++f == 'h') { len = LEN_CHAR; f++; }
			break;
		case 'l':
			len = LEN_LONG;
			if (*++f == 'l') { len = LEN_LLONG; f++; }
			break;
		case 'z': len = LEN_SIZE; f++; break;
		case 't': len = LEN_PTRDIFF; f++; break;
		case 'j': len = LEN_MAX; f++; break;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = arg_signed(&ap, len);
			unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			out_num(&o, &sp, m, v < 0, 10, false, "");
			break;
		}
		case 'u':
			out_num(&o, &sp, arg_unsigned(&ap, len), false, 10, false, "");
			break;
		case 'x':
		case 'X': {
			unsigned long long v = arg_unsigned(&ap, len);
			out_num(&o, &sp, v, false, 16, *f == 'X', sp.alt && v ? (*f == 'X' ? "0X" : "0x") : "");
			break;
		}
		case 'o':
			out_num(&o, &sp, arg_unsigned(&ap, len), false, 8, false, sp.alt ? "0" : "");
			break;
		case 'p': {
			void *p = va_arg(ap, void *);
			if (!p) {
				struct spec s2 = sp;
				s2.prec = -1;
				out_str(&o, &s2, "(nil)");
			} else {
				out_num(&o, &sp, (uintptr_t)p, false, 16, false, "0x");
			}
			break;
		}
		case 's':
			out_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!sp.left)
				out_pad(&o, ' ', sp.width - 1);
			out_char(&o, c);
			if (sp.left)
				out_pad(&o, ' ', sp.width - 1);
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		default:
			/* Unknown conversion: print it as written so the mistake is visible. */
			for (const char *p = start; p <= f && *p; p++)
				out_char(&o, *p);
			if (!*f)
				f--;
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
