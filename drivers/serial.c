// SPDX-License-Identifier: MIT
/* COM1 (port 0x3f8) as the console. QEMU: -serial stdio (make run) or -serial file (tests). */
#include <arch/io.h>
#include <drivers/serial.h>

#define COM1		0x3f8
#define REG_DATA	0	/* transmit/receive; divisor low with DLAB */
#define REG_IER		1	/* interrupt enable; divisor high with DLAB */
#define REG_FCR		2	/* FIFO control */
#define REG_LCR		3	/* line control */
#define REG_MCR		4	/* modem control */
#define REG_LSR		5	/* line status */
#define LSR_THRE	0x20	/* transmitter holding register empty */

void serial_init(void)
{
	arch_outb(COM1 + REG_IER, 0x00);
	arch_outb(COM1 + REG_LCR, 0x80);	/* DLAB on */
	arch_outb(COM1 + REG_DATA, 0x01);	/* divisor 1: 115200 baud */
	arch_outb(COM1 + REG_IER, 0x00);
	arch_outb(COM1 + REG_LCR, 0x03);	/* 8N1, DLAB off */
	arch_outb(COM1 + REG_FCR, 0xc7);	/* FIFOs on and cleared, 14-byte threshold */
	arch_outb(COM1 + REG_MCR, 0x03);	/* DTR, RTS */
}

static void serial_putc(char c)
{
	for (int spins = 0; !(arch_inb(COM1 + REG_LSR) & LSR_THRE) && spins < 100000; spins++)
		;
	arch_outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
