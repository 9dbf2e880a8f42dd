// SPDX-License-Identifier: MIT
/* PCI through the legacy configuration ports 0xcf8/0xcfc (offsets below 256 are all we need):
 * enumeration of bus 0 and the buses behind PCI-PCI bridges, BAR sizing and assignment for
 * firmware that leaves BARs at 0 (qboot; SeaBIOS assigns everything itself), capabilities, INTx
 * routing on q35 and MSI-X. Everything here runs at boot from one thread except the config
 * accessors and the MSI-X mask helpers, which take the config lock or touch one table entry. */
#include <arch/io.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <drivers/pci.h>
#include <arch/boot.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

#define CONFIG_ADDRESS		0xcf8
#define CONFIG_DATA		0xcfc

/* Type 1 (bridge) header. */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_IO_BASE		0x1c
#define PCI_IO_LIMIT		0x1d
#define PCI_MEMORY_BASE		0x20
#define PCI_MEMORY_LIMIT	0x22
#define PCI_PREF_MEMORY_BASE	0x24
#define PCI_PREF_MEMORY_LIMIT	0x26
#define PCI_PREF_BASE_UPPER32	0x28
#define PCI_PREF_LIMIT_UPPER32	0x2c
#define PCI_IO_BASE_UPPER16	0x30
#define PCI_IO_LIMIT_UPPER16	0x32

/* MSI-X capability and table. */
#define MSIX_FLAGS		2		/* Message Control */
#define MSIX_FLAGS_QSIZE	0x07ff
#define MSIX_FLAGS_MASKALL	(1u << 14)
#define MSIX_FLAGS_ENABLE	(1u << 15)
#define MSIX_TABLE		4		/* BIR in bits 2:0, offset in 31:3 */
#define MSIX_ENTRY_SIZE		16
#define MSIX_ENTRY_ADDR_LO	0
#define MSIX_ENTRY_ADDR_HI	4
#define MSIX_ENTRY_DATA		8
#define MSIX_ENTRY_CTRL		12
#define MSIX_ENTRY_MASKED	1u

/* Where pci_init puts BARs firmware left unassigned. On q35 the 32-bit hole starts above RAM
 * and the 256 MiB ECAM window at 0xb0000000 (both in the memory map); the IOAPIC, HPET, chipset
 * registers, LAPIC and BIOS ROM sit from 0xfec00000 up. */
#define MEM_WINDOW_LOW		0xc0000000ULL
#define MEM_WINDOW_END		0xfec00000ULL
/* 64-bit BARs too big for that hole go above 4 GiB, after RAM, on bus 0 only (bridge windows
 * are opened below 4 GiB). QEMU routes any address no RAM claims to PCI. */
#define MEM64_WINDOW_SIZE	(64ULL << 30)
#define IO_WINDOW_LOW		0xc000
#define IO_WINDOW_END		0x10000
#define BRIDGE_MEM_ALIGN	(1ULL << 20)	/* bridge windows: 1 MiB memory, 4 KiB I/O */
#define BRIDGE_IO_ALIGN		0x1000

#define Q35_HOST_VENDOR		0x8086
#define Q35_HOST_DEVICE		0x29c0

static struct spinlock cfg_lock = SPINLOCK_INIT;
static struct pci_dev devs[PCI_MAX_DEVICES];
static int ndevs;
static bool initialized;
static uint8_t last_bus;		/* highest bus number in use */
static uint32_t bus_seen[256 / 32];	/* buses already scanned: a bad bridge cannot loop us */

/* A range addresses are handed out from: [cur, end). */
struct pci_window {
	uint64_t cur;
	uint64_t end;
};

static uint32_t cfg_addr(uint8_t bus, uint8_t slot, uint8_t func, uint16_t off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)slot << 11 | (uint32_t)func << 8 |
	       (off & 0xfc);
}

static uint32_t cfg_read32(uint8_t bus, uint8_t slot, uint8_t func, uint16_t off)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(bus, slot, func, off));
	uint32_t v = arch_inl(CONFIG_DATA);
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return cfg_read32(d->bus, d->slot, d->func, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(d->bus, d->slot, d->func, off));
	uint16_t v = arch_inw(CONFIG_DATA + (off & 2));
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(d->bus, d->slot, d->func, off));
	uint8_t v = arch_inb(CONFIG_DATA + (off & 3));
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(d->bus, d->slot, d->func, off));
	arch_outl(CONFIG_DATA, v);
	spin_unlock_irqrestore(&cfg_lock, flags);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(d->bus, d->slot, d->func, off));
	arch_outw(CONFIG_DATA + (off & 2), v);
	spin_unlock_irqrestore(&cfg_lock, flags);
}

void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t v)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(d->bus, d->slot, d->func, off));
	arch_outb(CONFIG_DATA + (off & 3), v);
	spin_unlock_irqrestore(&cfg_lock, flags);
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t off = after ? pci_read8(d, after + 1) : pci_read8(d, PCI_CAPABILITY_LIST);
	/* 48 capabilities of 4 bytes fill the 192 bytes after the header: more means a loop. */
	for (int n = 0; n < 48 && off >= 0x40; n++) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

/* ---- enumeration ---- */

/* Size the BARs of @d (6 for devices, 2 for bridges) with decoding off meanwhile. */
static void probe_bars(struct pci_dev *d)
{
	int nbars = d->header == 1 ? 2 : PCI_NUM_BARS;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; i++) {
		uint16_t off = PCI_BAR0 + 4 * i;
		uint32_t orig = pci_read32(d, off);
		pci_write32(d, off, 0xffffffffu);
		uint32_t probe = pci_read32(d, off);
		pci_write32(d, off, orig);
		if (!probe || probe == 0xffffffffu)
			continue;	/* not implemented (all ones: nothing answered) */
		struct pci_bar *b = &d->bar[i];
		if (orig & 1) {
			uint32_t mask = probe & ~3u;
			if (!(mask & 0xffff0000u))
				mask |= 0xffff0000u;	/* a 16-bit decoder reads 0 up there */
			b->type = PCI_BAR_IO;
			b->size = (uint32_t)(~mask + 1);
			b->addr = orig & ~3u;
			continue;
		}
		b->prefetch = orig & 8;
		if (((orig >> 1) & 3) == 2 && i + 1 < nbars) {
			uint32_t orig_hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, 0xffffffffu);
			uint32_t probe_hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, orig_hi);
			uint64_t mask = (uint64_t)probe_hi << 32 | (probe & ~0xfu);
			b->type = PCI_BAR_MEM64;
			b->size = ~mask + 1;
			b->addr = (uint64_t)orig_hi << 32 | (orig & ~0xfu);
			i++;		/* the upper half is not a BAR of its own */
		} else {
			b->type = PCI_BAR_MEM32;
			b->size = (uint32_t)(~(probe & ~0xfu) + 1);
			b->addr = orig & ~0xfu;
		}
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void scan_bus(uint8_t bus, struct pci_dev *parent);

static void add_function(uint8_t bus, uint8_t slot, uint8_t func, struct pci_dev *parent)
{
	uint32_t id = cfg_read32(bus, slot, func, PCI_VENDOR_ID);
	if ((id & 0xffff) == 0xffff)
		return;
	if (ndevs == PCI_MAX_DEVICES) {
		printk("pci %02x:%02x.%x: ignored, more than %d functions\n", bus, slot, func,
		       PCI_MAX_DEVICES);
		return;
	}
	struct pci_dev *d = &devs[ndevs++];
	d->bus = bus;
	d->slot = slot;
	d->func = func;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	uint32_t cr = pci_read32(d, PCI_CLASS_REVISION);
	d->class_code = cr >> 24;
	d->subclass = cr >> 16;
	d->prog_if = cr >> 8;
	d->revision = cr;
	d->header = pci_read8(d, PCI_HEADER_TYPE) & 0x7f;
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	if (d->irq_pin > 4)
		d->irq_pin = 0;
	d->parent = parent;
	if (d->header > 1)
		return;		/* CardBus and unknown layouts: listed, left alone */
	probe_bars(d);
	d->msix_cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	if (d->header != 1)
		return;

	/* A PCI-PCI bridge: number the bus behind it if firmware did not, then scan that bus. */
	uint8_t sec = pci_read8(d, PCI_SECONDARY_BUS);
	if (!sec || sec <= bus) {
		if (last_bus == 0xff)
			return;
		sec = ++last_bus;
		pci_write8(d, PCI_PRIMARY_BUS, bus);
		pci_write8(d, PCI_SECONDARY_BUS, sec);
		pci_write8(d, PCI_SUBORDINATE_BUS, 0xff);	/* pass everything while scanning */
		d->secondary = sec;
		scan_bus(sec, d);
		pci_write8(d, PCI_SUBORDINATE_BUS, last_bus);
	} else {
		d->secondary = sec;
		uint8_t sub = pci_read8(d, PCI_SUBORDINATE_BUS);
		if (sub > last_bus)
			last_bus = sub;
		if (sec > last_bus)
			last_bus = sec;
		scan_bus(sec, d);
	}
}

static void scan_bus(uint8_t bus, struct pci_dev *parent)
{
	if (bus_seen[bus / 32] & (1u << (bus % 32)))
		return;
	bus_seen[bus / 32] |= 1u << (bus % 32);
	for (uint8_t slot = 0; slot < 32; slot++) {
		uint32_t id = cfg_read32(bus, slot, 0, PCI_VENDOR_ID);
		if ((id & 0xffff) == 0xffff)
			continue;
		uint8_t ht = (cfg_read32(bus, slot, 0, PCI_HEADER_TYPE & ~3) >> 16) & 0xff;
		int nfunc = (ht & 0x80) ? 8 : 1;
		for (uint8_t func = 0; func < nfunc; func++)
			add_function(bus, slot, func, parent);
	}
}

/* ---- address assignment ---- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool is_ancestor(const struct pci_dev *bridge, const struct pci_dev *d)
{
	for (const struct pci_dev *p = d ? d->parent : NULL; p; p = p->parent)
		if (p == bridge)
			return true;
	return false;
}

/* A bridge window firmware programmed: [*base, *base + *len). False when it is closed. */
static bool bridge_window(const struct pci_dev *b, bool io, uint64_t *base, uint64_t *len)
{
	uint64_t lo, hi;
	if (io) {
		lo = (uint64_t)(pci_read8(b, PCI_IO_BASE) & 0xf0) << 8;
		hi = ((uint64_t)(pci_read8(b, PCI_IO_LIMIT) & 0xf0) << 8) | 0xfff;
	} else {
		lo = (uint64_t)(pci_read16(b, PCI_MEMORY_BASE) & 0xfff0) << 16;
		hi = ((uint64_t)(pci_read16(b, PCI_MEMORY_LIMIT) & 0xfff0) << 16) | 0xfffff;
	}
	if (!lo || lo > hi)
		return false;
	*base = lo;
	*len = hi - lo + 1;
	return true;
}

/*
 * Whether [@a, @a + @size) is taken: by the memory map (RAM, ACPI, ECAM, anything it lists), by a
 * BAR that already has an address, or by a bridge window firmware opened, unless that bridge is
 * above @d (then the range is meant to be inside it). On a clash *@next is where it ends.
 */
static bool range_taken(uint64_t a, uint64_t size, bool io, const struct pci_dev *d, uint64_t *next)
{
	if (!io) {
		for (int i = 0; i < boot_info.nr_mem; i++) {
			const struct mem_region *r = &boot_info.mem[i];
			if (overlaps(a, size, r->base, r->size)) {
				*next = r->base + r->size;
				return true;
			}
		}
	}
	for (int i = 0; i < ndevs; i++) {
		const struct pci_dev *o = &devs[i];
		for (int j = 0; j < PCI_NUM_BARS; j++) {
			const struct pci_bar *b = &o->bar[j];
			if (!b->size || !b->addr || (b->type == PCI_BAR_IO) != io)
				continue;
			if (overlaps(a, size, b->addr, b->size)) {
				*next = b->addr + b->size;
				return true;
			}
		}
		uint64_t wb, wl;
		if (o->header == 1 && !is_ancestor(o, d) && bridge_window(o, io, &wb, &wl) &&
		    overlaps(a, size, wb, wl)) {
			*next = wb + wl;
			return true;
		}
	}
	return false;
}

/* The lowest free, @align-aligned range of @size bytes in @w; 0 when none is left. */
static uint64_t window_alloc(struct pci_window *w, uint64_t size, uint64_t align, bool io,
			     const struct pci_dev *d)
{
	uint64_t a = ALIGN_UP(w->cur, align), next;
	while (a + size <= w->end && a + size > a) {
		if (!range_taken(a, size, io, d, &next)) {
			w->cur = a + size;
			return a;
		}
		a = ALIGN_UP(next, align);
	}
	return 0;
}

static int assigned_count;
static int assign_failures;
static struct pci_window mem64;		/* above 4 GiB (see MEM64_WINDOW_SIZE) */

static void assign_device_bars(struct pci_dev *d, struct pci_window *mem, struct pci_window *io)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &d->bar[i];
		if (!b->size || b->addr)
			continue;
		bool is_io = b->type == PCI_BAR_IO;
		/* Natural alignment; memory BARs get at least a page of their own. */
		uint64_t align = is_io ? b->size : MAX(b->size, (uint64_t)4096);
		uint64_t a = window_alloc(is_io ? io : mem, b->size, align, is_io, d);
		if (!a && b->type == PCI_BAR_MEM64 && !d->parent)
			a = window_alloc(&mem64, b->size, align, false, d);
		if (!a) {
			assign_failures++;
			continue;
		}
		uint16_t off = PCI_BAR0 + 4 * i;
		uint32_t low_bits = pci_read32(d, off) & (is_io ? 3u : 0xfu);
		pci_write32(d, off, (uint32_t)a | low_bits);
		if (b->type == PCI_BAR_MEM64)
			pci_write32(d, off + 4, (uint32_t)(a >> 32));
		b->addr = a;
		b->assigned = true;
		assigned_count++;
	}
}

static void bridge_close_prefetch(const struct pci_dev *b)
{
	pci_write16(b, PCI_PREF_MEMORY_BASE, 0xfff0);
	pci_write16(b, PCI_PREF_MEMORY_LIMIT, 0x0000);
	pci_write32(b, PCI_PREF_BASE_UPPER32, 0);
	pci_write32(b, PCI_PREF_LIMIT_UPPER32, 0);
}

/*
 * Give addresses to the BARs of everything on @bus, then behind each bridge on it. A bridge
 * firmware left closed gets windows that wrap exactly what was placed behind it (prefetchable
 * BARs go in its plain memory window, which is allowed; the prefetchable window stays closed).
 */
static void assign_bus(uint8_t bus, struct pci_window *mem, struct pci_window *io)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].bus == bus && devs[i].header <= 1)
			assign_device_bars(&devs[i], mem, io);

	for (int i = 0; i < ndevs; i++) {
		struct pci_dev *b = &devs[i];
		if (b->bus != bus || b->header != 1 || !b->secondary)
			continue;
		uint64_t base, len;
		struct pci_window cm, cio;
		bool fw_mem = bridge_window(b, false, &base, &len);
		if (fw_mem)
			cm = (struct pci_window){ base, base + len };
		else
			cm = (struct pci_window){ ALIGN_UP(mem->cur, BRIDGE_MEM_ALIGN), mem->end };
		bool fw_io = bridge_window(b, true, &base, &len);
		if (fw_io)
			cio = (struct pci_window){ base, base + len };
		else
			cio = (struct pci_window){ ALIGN_UP(io->cur, BRIDGE_IO_ALIGN), io->end };
		uint64_t mem_start = cm.cur, io_start = cio.cur;

		assign_bus(b->secondary, &cm, &cio);

		if (!fw_mem) {
			uint64_t end = ALIGN_UP(cm.cur, BRIDGE_MEM_ALIGN);
			if (end > mem_start && end <= mem->end) {
				pci_write16(b, PCI_MEMORY_BASE, (uint16_t)((mem_start >> 16) & 0xfff0));
				pci_write16(b, PCI_MEMORY_LIMIT, (uint16_t)(((end - 1) >> 16) & 0xfff0));
				mem->cur = end;
			} else {
				pci_write16(b, PCI_MEMORY_BASE, 0xfff0);
				pci_write16(b, PCI_MEMORY_LIMIT, 0x0000);
			}
			bridge_close_prefetch(b);
		}
		if (!fw_io) {
			uint64_t end = ALIGN_UP(cio.cur, BRIDGE_IO_ALIGN);
			if (end > io_start && end <= io->end) {
				pci_write8(b, PCI_IO_BASE, (uint8_t)((io_start >> 8) & 0xf0));
				pci_write8(b, PCI_IO_LIMIT, (uint8_t)(((end - 1) >> 8) & 0xf0));
				pci_write16(b, PCI_IO_BASE_UPPER16, 0);
				pci_write16(b, PCI_IO_LIMIT_UPPER16, 0);
				io->cur = end;
			} else {
				pci_write8(b, PCI_IO_BASE, 0xf0);
				pci_write8(b, PCI_IO_LIMIT, 0x00);
			}
		}
	}
}

/* The 32-bit window: from 0xc0000000 or the end of the highest RAM below 4 GiB, whichever is
 * higher, to the IOAPIC. Reserved regions inside it are skipped by range_taken. The 64-bit one
 * starts at the first GiB boundary above 4 GiB and above all RAM. */
static void init_windows(struct pci_window *w32, struct pci_window *w64)
{
	*w32 = (struct pci_window){ MEM_WINDOW_LOW, MEM_WINDOW_END };
	uint64_t top = 4ULL << 30;
	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		uint64_t end = r->base + r->size;
		if (r->type != MEM_RAM)
			continue;
		if (r->base < MEM_WINDOW_END && end > w32->cur)
			w32->cur = ALIGN_UP(end, 1ULL << 20);
		if (end > top)
			top = end;
	}
	top = ALIGN_UP(top, 1ULL << 30);
	*w64 = (struct pci_window){ top, top + MEM64_WINDOW_SIZE };
}

/* ---- reporting ---- */

const char *pci_class_name(uint8_t class_code, uint8_t subclass)
{
	switch (class_code << 8 | subclass) {
	case 0x0100: return "SCSI";
	case 0x0101: return "IDE";
	case 0x0106: return "SATA";
	case 0x0108: return "NVMe";
	case 0x0200: return "ethernet";
	case 0x0300: return "VGA";
	case 0x0600: return "host bridge";
	case 0x0601: return "ISA bridge";
	case 0x0604: return "PCI bridge";
	case 0x0c03: return "USB";
	case 0x0c05: return "SMBus";
	}
	static const char *const base[] = {
		"unclassified", "storage", "network", "display", "multimedia", "memory", "bridge",
		"communication", "system", "input", "docking", "processor", "serial bus",
	};
	return class_code < ARRAY_SIZE(base) ? base[class_code] : "other";
}

static void print_size(uint64_t n)
{
	if (n >= (1ULL << 30) && !(n & ((1ULL << 30) - 1)))
		printk("%lluG", (unsigned long long)(n >> 30));
	else if (n >= (1ULL << 20) && !(n & ((1ULL << 20) - 1)))
		printk("%lluM", (unsigned long long)(n >> 20));
	else if (n >= 1024 && !(n & 1023))
		printk("%lluK", (unsigned long long)(n >> 10));
	else
		printk("%llu", (unsigned long long)n);
}

static void log_device(const struct pci_dev *d)
{
	static const char *const kind[] = { "", "io", "m32", "m64" };
	printk("pci %02x:%02x.%x %04x:%04x %s", d->bus, d->slot, d->func, d->vendor, d->device,
	       pci_class_name(d->class_code, d->subclass));
	if (d->header == 1)
		printk(" (bus %02x)", d->secondary);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];
		if (!b->size)
			continue;
		printk(", BAR%d %s%s %llx+", i, kind[b->type], b->prefetch ? "p" : "",
		       (unsigned long long)b->addr);
		print_size(b->size);
		if (!b->addr)
			printk(" unassigned");
	}
	if (d->irq_pin)
		printk(", INT%c", 'A' + d->irq_pin - 1);
	if (d->msix_cap)
		printk(", MSI-X");
	printk("\n");
}

int pci_init(void)
{
	if (initialized)
		return ndevs;
	initialized = true;
	scan_bus(0, NULL);

	struct pci_window mem, io = { IO_WINDOW_LOW, IO_WINDOW_END };
	init_windows(&mem, &mem64);
	uint64_t mem_low = mem.cur;
	assign_bus(0, &mem, &io);

	if (!cmdline_get("quiet")) {
		for (int i = 0; i < ndevs; i++)
			log_device(&devs[i]);
		if (assigned_count || assign_failures)
			printk("pci: %d BARs assigned by the kernel (memory from %llx, I/O from %x)%s\n",
			       assigned_count, (unsigned long long)mem_low, IO_WINDOW_LOW,
			       assign_failures ? ", some did not fit" : "");
	}
	return ndevs;
}

int pci_count(void)
{
	return ndevs;
}

struct pci_dev *pci_get(int index)
{
	return index >= 0 && index < ndevs ? &devs[index] : NULL;
}

struct pci_dev *pci_find_device(uint16_t vendor, uint16_t device, struct pci_dev *from)
{
	int i = from ? (int)(from - devs) + 1 : 0;
	for (; i < ndevs; i++)
		if (devs[i].vendor == vendor && (device == 0xffff || devs[i].device == device))
			return &devs[i];
	return NULL;
}

volatile void *pci_bar_map(struct pci_dev *d, int bar)
{
	if (bar < 0 || bar >= PCI_NUM_BARS)
		return NULL;
	const struct pci_bar *b = &d->bar[bar];
	if (!b->addr || !b->size || (b->type != PCI_BAR_MEM32 && b->type != PCI_BAR_MEM64))
		return NULL;
	return arch_map_mmio(b->addr, b->size);
}

static void enable_one(const struct pci_dev *d, uint16_t bits)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	if ((cmd & bits) != bits)
		pci_write16(d, PCI_COMMAND, cmd | bits);
}

void pci_enable(struct pci_dev *d)
{
	uint16_t bits = PCI_COMMAND_MASTER;
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		if (d->bar[i].type == PCI_BAR_IO && d->bar[i].addr)
			bits |= PCI_COMMAND_IO;
		else if (d->bar[i].type != PCI_BAR_NONE && d->bar[i].addr)
			bits |= PCI_COMMAND_MEMORY;
	}
	enable_one(d, bits);
	for (const struct pci_dev *p = d->parent; p; p = p->parent)
		enable_one(p, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static bool is_q35(void)
{
	return ndevs && devs[0].bus == 0 && devs[0].slot == 0 && devs[0].vendor == Q35_HOST_VENDOR &&
	       devs[0].device == Q35_HOST_DEVICE;
}

int pci_intx_gsi(const struct pci_dev *d)
{
	if (!d->irq_pin)
		return -ENOENT;
	if (!is_q35()) {
		if (d->irq_line == 0 || d->irq_line >= 0xff)
			return -ENOENT;
		return d->irq_line;
	}
	unsigned pin = d->irq_pin - 1;		/* 0 = INTA */
	const struct pci_dev *at = d;
	for (; at->parent; at = at->parent)
		pin = (pin + at->slot) % 4;	/* the standard bridge swizzle */
	unsigned pirq;
	if (at->slot < 25)
		pirq = (at->slot + pin) % 4 + 4;	/* PIRQ E-H */
	else if (at->slot == 30)
		pirq = pin + 4;
	else
		pirq = pin;				/* D25IR..D31IR reset value 0x3210 */
	return 16 + (int)pirq;
}

void pci_intx_enable(const struct pci_dev *d, bool on)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	uint16_t want = on ? cmd & ~PCI_COMMAND_INTX_DISABLE : cmd | PCI_COMMAND_INTX_DISABLE;
	if (want != cmd)
		pci_write16(d, PCI_COMMAND, want);
}

/* ---- MSI-X ---- */

static volatile uint8_t *msix_entry(struct pci_dev *d, unsigned entry)
{
	return d->msix_table + (size_t)entry * MSIX_ENTRY_SIZE;
}

int pci_msix_enable(struct pci_dev *d)
{
	if (!d->msix_cap)
		return -ENODEV;
	uint16_t ctrl = pci_read16(d, d->msix_cap + MSIX_FLAGS);
	unsigned entries = (ctrl & MSIX_FLAGS_QSIZE) + 1;
	if (!d->msix_table) {
		uint32_t t = pci_read32(d, d->msix_cap + MSIX_TABLE);
		unsigned bir = t & 7;
		uint64_t off = t & ~7u;
		if (bir >= PCI_NUM_BARS || !d->bar[bir].addr ||
		    off + (uint64_t)entries * MSIX_ENTRY_SIZE > d->bar[bir].size)
			return -ENOMEM;
		volatile uint8_t *bar = pci_bar_map(d, (int)bir);
		if (!bar)
			return -ENOMEM;
		d->msix_table = bar + off;
	}
	d->msix_entries = (uint16_t)entries;
	pci_enable(d);		/* the table is in memory space */
	pci_write16(d, d->msix_cap + MSIX_FLAGS, ctrl | MSIX_FLAGS_ENABLE | MSIX_FLAGS_MASKALL);
	for (unsigned i = 0; i < entries; i++)
		pci_msix_mask(d, i);
	pci_write16(d, d->msix_cap + MSIX_FLAGS, (ctrl | MSIX_FLAGS_ENABLE) & ~MSIX_FLAGS_MASKALL);
	pci_intx_enable(d, false);
	return (int)entries;
}

void pci_msix_disable(struct pci_dev *d)
{
	if (!d->msix_cap || !d->msix_table)
		return;
	for (unsigned i = 0; i < d->msix_entries; i++)
		pci_msix_mask(d, i);
	uint16_t ctrl = pci_read16(d, d->msix_cap + MSIX_FLAGS);
	pci_write16(d, d->msix_cap + MSIX_FLAGS, ctrl & ~(MSIX_FLAGS_ENABLE | MSIX_FLAGS_MASKALL));
}

int pci_msix_set(struct pci_dev *d, unsigned entry, int vector)
{
	if (!d->msix_table || entry >= d->msix_entries)
		return -EINVAL;
	uint64_t addr;
	uint32_t data;
	arch_msi_compose(vector, &addr, &data);
	volatile uint8_t *e = msix_entry(d, entry);
	mmio_write32(e + MSIX_ENTRY_ADDR_LO, (uint32_t)addr);
	mmio_write32(e + MSIX_ENTRY_ADDR_HI, (uint32_t)(addr >> 32));
	mmio_write32(e + MSIX_ENTRY_DATA, data);
	return 0;
}

void pci_msix_mask(struct pci_dev *d, unsigned entry)
{
	if (!d->msix_table || entry >= d->msix_entries)
		return;
	volatile uint8_t *e = msix_entry(d, entry);
	mmio_write32(e + MSIX_ENTRY_CTRL, mmio_read32(e + MSIX_ENTRY_CTRL) | MSIX_ENTRY_MASKED);
}

void pci_msix_unmask(struct pci_dev *d, unsigned entry)
{
	if (!d->msix_table || entry >= d->msix_entries)
		return;
	volatile uint8_t *e = msix_entry(d, entry);
	mmio_write32(e + MSIX_ENTRY_CTRL, mmio_read32(e + MSIX_ENTRY_CTRL) & ~MSIX_ENTRY_MASKED);
}
