// SPDX-License-Identifier: MIT
/* A small vsnprintf: enough for test reports and hex dumps. */
#include "util.h"

struct out_buf {
	char *buf;
	size_t size;
	size_t len; /* characters produced, even past size */
};

static void out_char(struct out_buf *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void out_padded(struct out_buf *out, const char *s, size_t len,
		       unsigned width, char pad, bool left)
{
	size_t fill = width > len ? width - len : 0;

	if (!left && pad == '0' && len && (*s == '-')) {
		/* Zero padding goes after the sign. */
		out_char(out, *s++);
		len--;
	}
	if (!left)
		while (fill--)
			out_char(out, pad);
	while (len--)
		out_char(out, *s++);
	if (left)
		while (fill--)
			out_char(out, ' ');
}

static size_t format_number(char *tmp, uint64_t v, unsigned base, bool upper,
			    bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, len = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		tmp[len++] = '-';
	while (n)
		tmp[len++] = rev[--n];
	return len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out_buf out = {buf, size, 0};

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&out, *fmt);
			continue;
		}
		fmt++;
		bool left = false;
		char pad = ' ';
		unsigned width = 0, longs = 0;

		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;

		char tmp[24];
		uint64_t v;
		size_t len;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t s = longs ? va_arg(ap, long) : va_arg(ap, int);

			v = s < 0 ? -(uint64_t)s : (uint64_t)s;
			len = format_number(tmp, v, 10, false, s < 0);
			out_padded(&out, tmp, len, width, pad, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = longs ? va_arg(ap, unsigned long)
				  : va_arg(ap, unsigned int);
			len = format_number(tmp, v, *fmt == 'u' ? 10 : 16,
					    *fmt == 'X', false);
			out_padded(&out, tmp, len, width, pad, left);
			break;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			out_char(&out, '0');
			out_char(&out, 'x');
			len = format_number(tmp, v, 16, false, false);
			out_padded(&out, tmp, len, width, pad, left);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			out_padded(&out, s, strlen(s), width, ' ', left);
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			out_padded(&out, tmp, 1, width, ' ', left);
			break;
		case '%':
			out_char(&out, '%');
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop cleanly */
			break;
		default:
			out_char(&out, '%');
			out_char(&out, *fmt);
			break;
		}
	}
	if (size)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return (int)out.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
