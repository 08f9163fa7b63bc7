// SPDX-License-Identifier: MIT
/*
 * echo: reads its console (SBI DBCN read, else legacy getchar) and prints
 * every line it receives as "ECHO <line>". The line "quit" shuts the VM
 * down. Used to test that console input goes to the VM with focus.
 * "flood N" writes N numbered 64-byte lines of known content through
 * DBCN as fast as the console takes them (retrying partial writes), then
 * "FLOOD DONE N": the console must deliver every byte.
 *
 * With bootargs "uart" it reads the UART instead, polling its line status
 * register with the UART's interrupts off and without ever exiting on
 * its own: under hartvisor those reads hit the UART's shadow page, so a
 * typed byte shows only if the hypervisor unmaps that page and flushes
 * it from the guest's hart (hv/vdev/uart_shadow.c).
 */
#include "console.h"
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "util.h"

#define LINE_MAX 128

const char guest_name[] = "echo";

/* The ns16550a at QEMU virt's address (and a VM's). */
#define UART_RBR ((volatile uint8_t *)0x10000000UL)
#define UART_IER ((volatile uint8_t *)0x10000001UL)
#define UART_LSR ((volatile uint8_t *)0x10000005UL)
#define LSR_DR 0x01

static bool read_uart;

/* Spins (no wfi, no SBI call) until the UART has a byte. */
static int read_uart_byte(void)
{
	while (!(*UART_LSR & LSR_DR))
		;
	return *UART_RBR;
}

static int read_byte(void)
{
	static char byte;

	if (read_uart)
		return read_uart_byte();
	if (console_uses_dbcn()) {
		struct sbiret ret = sbi_dbcn_read(1, (unsigned long)&byte, 0);

		return ret.error || ret.value != 1 ? -1 : (unsigned char)byte;
	}
	return (int)sbi_legacy_ecall(SBI_LEGACY_GETCHAR, 0, 0);
}

/* DBCN write of all of s: a full console ring takes fewer bytes (or
 * none) for now, and the rest is tried again. */
static void write_all(const char *s, unsigned long len)
{
	while (len) {
		struct sbiret ret = sbi_dbcn_write(len, virt_to_phys(s), 0);

		if (ret.error || (unsigned long)ret.value > len) {
			console_write(s, len); /* no DBCN */
			return;
		}
		s += ret.value;
		len -= (unsigned long)ret.value;
	}
}

/* "F sssss " then 55 letters that depend on the sequence number. */
static void flood_line(char *line, unsigned seq)
{
	unsigned n = seq;

	line[0] = 'F';
	line[1] = ' ';
	for (int i = 6; i >= 2; i--, n /= 10)
		line[i] = (char)('0' + n % 10);
	line[7] = ' ';
	for (unsigned k = 0; k < 55; k++)
		line[8 + k] = (char)('a' + (seq * 7 + k) % 26);
	line[63] = '\n';
}

static void flood(unsigned lines)
{
	static char buf[4096];
	unsigned long used = 0;

	for (unsigned seq = 0; seq < lines; seq++) {
		if (used + 64 > sizeof(buf)) {
			write_all(buf, used);
			used = 0;
		}
		flood_line(buf + used, seq);
		used += 64;
	}
	write_all(buf, used);
	write_all("FLOOD DONE\n", 11);
}

static unsigned parse_count(const char *text)
{
	unsigned n = 0;

	while (*text >= '0' && *text <= '9')
		n = n * 10 + (unsigned)(*text++ - '0');
	return n;
}

void guest_main(void)
{
	char line[LINE_MAX];
	unsigned len = 0;

	read_uart = str_has_word(platform.bootargs, "uart");
	if (read_uart)
		*UART_IER = 0;
	printf("ECHO READY%s\n", read_uart ? " (UART)" : "");
	for (;;) {
		int byte = read_byte();

		if (byte < 0)
			continue; /* nothing typed yet: poll again */
		if (byte == '\r' || byte == '\n') {
			line[len] = '\0';
			if (len == 4 && line[0] == 'q' && line[1] == 'u' &&
			    line[2] == 'i' && line[3] == 't')
				break;
			if (len > 6 && !memcmp(line, "flood ", 6))
				flood(parse_count(line + 6));
			else if (len)
				printf("ECHO %s\n", line);
			len = 0;
		} else if (len < LINE_MAX - 1) {
			line[len++] = (char)byte;
		}
	}
	printf("ECHO BYE\n");
	sbi_system_reset(SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE);
	for (;;)
		wfi();
}
