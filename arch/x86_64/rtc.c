// SPDX-License-Identifier: MIT
/* The MC146818-style CMOS real-time clock (ports 0x70/0x71), read once for CLOCK_REALTIME.
 * QEMU's default "-rtc base=utc" holds UTC; BCD or binary and 12- or 24-hour formats are all
 * decoded, as status register B says. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/rtc.h>
#include <stdbool.h>

#define CMOS_INDEX	0x70	/* register number; bit 7 clear leaves NMIs enabled */
#define CMOS_DATA	0x71

#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_DAY		0x07	/* day of the month, 1..31 */
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09	/* 0..99 */
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_CENTURY	0x32	/* where PC firmware and QEMU keep it (ACPI FADT default) */

#define STATUS_A_UIP	0x80	/* update in progress: the time registers are changing */
#define STATUS_B_24H	0x02	/* hours 0..23 (else 1..12 with bit 7 = PM) */
#define STATUS_B_BINARY	0x04	/* binary values (else BCD) */
#define HOURS_PM	0x80

#define UIP_SPINS	1000000	/* bound on the wait for an update to end (it lasts ~2 ms) */

struct rtc_regs {
	uint8_t sec, min, hour, day, mon, year, century, status_b;
};

static uint8_t cmos_read(uint8_t reg)
{
	/* Index and data must go as a pair: nothing may select another register in between. */
	unsigned long flags = arch_irq_save();
	arch_outb(CMOS_INDEX, reg);
	uint8_t v = arch_inb(CMOS_DATA);
	arch_irq_restore(flags);
	return v;
}

static void read_regs(struct rtc_regs *r)
{
	for (int i = 0; i < UIP_SPINS && (cmos_read(RTC_STATUS_A) & STATUS_A_UIP); i++)
		arch_cpu_relax();
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = cmos_read(RTC_CENTURY);
	r->status_b = cmos_read(RTC_STATUS_B);
}

static bool same(const struct rtc_regs *a, const struct rtc_regs *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->mon == b->mon && a->year == b->year && a->century == b->century &&
	       a->status_b == b->status_b;
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/* Days from 1970-01-01 to @y-@m-@d of the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil, for years from 1 on). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = y / 400;
	unsigned yoe = (unsigned)(y - era * 400);			/* 0..399 */
	unsigned mp = m > 2 ? m - 3 : m + 9;				/* March = 0 */
	unsigned doy = (153 * mp + 2) / 5 + d - 1;			/* 0..365 */
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;		/* 0..146096 */
	return era * 146097 + (int64_t)doe - 719468;
}

/* The registers as Unix seconds, or 0 for a date that cannot be right. */
static uint64_t regs_to_unix(const struct rtc_regs *r)
{
	bool bcd = !(r->status_b & STATUS_B_BINARY);
	unsigned sec = bcd ? from_bcd(r->sec) : r->sec;
	unsigned min = bcd ? from_bcd(r->min) : r->min;
	unsigned day = bcd ? from_bcd(r->day) : r->day;
	unsigned mon = bcd ? from_bcd(r->mon) : r->mon;
	unsigned year = bcd ? from_bcd(r->year) : r->year;
	unsigned century = bcd ? from_bcd(r->century) : r->century;
	bool pm = r->hour & HOURS_PM;
	unsigned hour = r->hour & (uint8_t)~HOURS_PM;

	hour = bcd ? from_bcd((uint8_t)hour) : hour;
	if (!(r->status_b & STATUS_B_24H)) {
		if (hour < 1 || hour > 12)
			return 0;
		hour = hour % 12 + (pm ? 12 : 0);	/* 12 AM is 0h, 12 PM is 12h */
	}
	/* A century register that does not hold 19..29 is not kept by this firmware: then years
	 * 70..99 are the 1900s and 00..69 the 2000s, as POSIX's strptime has it. */
	unsigned full_year = century >= 19 && century <= 29 ? century * 100 + year
			     : year >= 70 ? 1900 + year : 2000 + year;
	if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || mon < 1 || mon > 12 ||
	    year > 99 || full_year < 1970)
		return 0;
	int64_t days = days_from_civil(full_year, mon, day);
	return (uint64_t)days * 86400 + hour * 3600 + min * 60 + sec;
}

uint64_t arch_rtc_unix_seconds(void)
{
	struct rtc_regs a, b;

	/* Two equal reads in a row: no update slipped in between the registers. */
	read_regs(&a);
	for (int tries = 0; tries < 5; tries++) {
		read_regs(&b);
		if (same(&a, &b))
			break;
		a = b;
	}
	return regs_to_unix(&a);
}
