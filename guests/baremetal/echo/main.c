// SPDX-License-Identifier: MIT
/*
 * echo: reads its console (SBI DBCN read, else legacy getchar) and prints
 * every line it receives as "ECHO <line>". The line "quit" shuts the VM
 * down. Used to test that console input goes to the VM with focus.
 */
#include "console.h"
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "util.h"

#define LINE_MAX 128

const char guest_name[] = "echo";

static int read_byte(void)
{
	static char byte;

	if (console_uses_dbcn()) {
		struct sbiret ret = sbi_dbcn_read(1, (unsigned long)&byte, 0);

		return ret.error || ret.value != 1 ? -1 : (unsigned char)byte;
	}
	return (int)sbi_legacy_ecall(SBI_LEGACY_GETCHAR, 0, 0);
}

void guest_main(void)
{
	char line[LINE_MAX];
	unsigned len = 0;

	printf("ECHO READY\n");
	for (;;) {
		int byte = read_byte();

		if (byte < 0)
			continue; /* nothing typed yet: poll again */
		if (byte == '\r' || byte == '\n') {
			line[len] = '\0';
			if (len == 4 && line[0] == 'q' && line[1] == 'u' &&
			    line[2] == 'i' && line[3] == 't')
				break;
			if (len)
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
