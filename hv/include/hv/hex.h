/* SPDX-License-Identifier: MIT */
/* Hexadecimal digits, for the text formats we parse (cpio, gdb RSP). */
#ifndef HV_HEX_H
#define HV_HEX_H

/* 0..15, or -1 if c is not a hexadecimal digit. */
static inline int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
