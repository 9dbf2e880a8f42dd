#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch lwIP's source (Debian's "lwip" source package, upstream 2.1.3) and unpack it under DIR
# (default build/lwip), so that DIR/lwip-2.1.3/src/Filelists.mk exists. Never committed: the build
# runs this whenever the tree is missing.
#
#   usage: tools/fetch-lwip.sh [DIR]
#
# Idempotent: an unpacked tree is left alone, a downloaded tarball is reused. The download goes
# through apt ("apt-get source --download-only"), which needs source indexes (deb-src). When the
# machine has none, root adds them: a copy of the machine's own /etc/apt/sources.list.d/
# debian.sources (or of the "deb" lines of /etc/apt/sources.list) with the type changed to
# deb-src, then "apt-get update". Nothing here names an archive host: they come from the
# machine's own apt configuration. As another user without deb-src, it says what to run.
set -eu
want=2.1.3
dir=${1:-build/lwip}
tree=$dir/lwip-$want
srcs=/etc/apt/sources.list.d/epunk-deb-src.sources
list=/etc/apt/sources.list.d/epunk-deb-src.list

say() { echo "fetch-lwip: $*" >&2; }

# The version of the change set below: bump it when a change is revised or withdrawn, and a
# tree patched by another version (its stamp differs, or it has none) is unpacked afresh.
patchset=3
stamp=$tree/.epunk-patchset

# Our changes to lwIP 2.1.3, each applied once after unpacking (a marker comment says it is done):
#  zero-window: tcp_receive() ACKs every zero-length segment outside the receive window, and
#    with a window of 0 that includes one at exactly RCV.NXT, which RFC 793 (3.3, "Segment
#    Receive Test") calls acceptable. Two peers whose windows are both 0 then ACK each other's
#    ACKs forever; over loopback that loop runs inside one softirq and the machine hangs
#    (also reported against lwIP on loopback as esp-idf issue #2425). The fix accepts that
#    segment without an ACK.
#  persist: a zero-window probe sends the first byte of the unsent queue; when the peer ACKs it
#    and that byte was all there was to send (a 1-byte write), tcp_receive() frees the segment
#    but leaves the persist timer running, and the next tcp_slowtmr() fails lwIP's assertion
#    "persist ticking with empty send buffer": a panic here, triggered from the network (found
#    by tests/fuzz/fuzz_frame.c). The fix stops the persist timer once nothing is left unsent.
#  mss-shrink: tcp_write() sizes segments by min(MSS, largest window the peer announced / 2), or
#    the MSS while that is 0. A peer that announces a window of 1, then 0, then 31 makes it 15
#    after segments of the full MSS are queued, and the next write fails the assertion "mss_local
#    is too small": a panic from the network (found by fuzz_frame.c). The fix keeps the bound
#    the queued segment was built with (its length, options and unused room) for that write.
# patch_line FILE MARKER NAME LINE NEW...: replace the one line of lwIP's src/core/FILE equal to
# LINE by the NEW lines (CRLF, as the file), or say it cannot.
patch_line() {
	f=$tree/src/core/$1
	marker=$2 name=$3 old=$4
	shift 4
	grep -q "epunk: $marker" "$f" && return 0
	new=$(printf '%s\r\n' "$@")
	awk -v old="$old" -v new="$new" '{
		line = $0
		sub(/\r$/, "", line)
		if (line == old) {
			printf "%s\n", new
			n++
		} else {
			print $0
		}
	} END { exit n != 1 }' "$f" > "$f.new" || {
		rm -f "$f.new"
		say "cannot apply the $name change to $f (not lwIP 2.1.3 as expected?)"
		exit 1
	}
	mv "$f.new" "$f"
	say "patched $f ($name)"
}
patch_lwip() {
	patch_line tcp_in.c zero-window "zero-window ACK loop" \
		"    if (!TCP_SEQ_BETWEEN(seqno, pcb->rcv_nxt, pcb->rcv_nxt + pcb->rcv_wnd - 1)) {" \
		"    if (!TCP_SEQ_BETWEEN(seqno, pcb->rcv_nxt, pcb->rcv_nxt + pcb->rcv_wnd - 1) &&" \
		"        !(pcb->rcv_wnd == 0 && seqno == pcb->rcv_nxt)) { /* epunk: zero-window, RFC 793 */"
	patch_line tcp_in.c persist "persist timer after an acknowledged probe" \
		"      pcb->unsent = tcp_free_acked_segments(pcb, pcb->unsent, \"unsent\", pcb->unacked);" \
		"      pcb->unsent = tcp_free_acked_segments(pcb, pcb->unsent, \"unsent\", pcb->unacked);" \
		"      if (pcb->unsent == NULL) {" \
		"        pcb->persist_backoff = 0; /* epunk: persist, the probe took the last byte */" \
		"      }"
	patch_line tcp_out.c mss-shrink "segment size after the peer's window grew" \
		'    LWIP_ASSERT("mss_local is too small", mss_local >= last_unsent->len + unsent_optlen);' \
		'    if (mss_local < last_unsent->len + unsent_optlen + pcb->unsent_oversize) {' \
		'      /* epunk: mss-shrink, the bound the queued segment was built with */' \
		'      mss_local = last_unsent->len + unsent_optlen + pcb->unsent_oversize;' \
		'    }'
}

# lwip_edit FILE MARK WHAT < SCRIPT: line edits to one lwIP file, all or nothing, once (the file
# holds MARK afterwards). SCRIPT: "@ LINE" names a line that must occur exactly once (compared
# without its CR), then "< TEXT" lines go before it, "> TEXT" lines after it, and "-" drops it.
# Inserted lines get the CRLF ends of the file around them.
lwip_edit() {
	grep -q "$2" "$1" && return 0
	awk 'FNR == NR {
		op = substr($0, 1, 1); text = substr($0, 3)
		if (op == "@") { n++; anchor[n] = text; at[text] = n }
		else if (op == "<") before[n] = before[n] text "\r\n"
		else if (op == ">") after[n] = after[n] text "\r\n"
		else if (op == "-") drop[n] = 1
		next
	}
	{
		line = $0
		sub(/\r$/, "", line)
		if (!(line in at)) { print; next }
		k = at[line]; seen[k]++
		printf "%s", before[k]
		if (!drop[k]) print
		printf "%s", after[k]
	}
	END { for (k = 1; k <= n; k++) if (seen[k] != 1) { print "line " k ": " anchor[k] > "/dev/stderr"; exit 1 } }' \
		- "$1" > "$1.new" || {
		rm -f "$1.new"
		say "cannot apply the $3 change to $1 (not lwIP 2.1.3 as expected?)"
		exit 1
	}
	mv "$1.new" "$1"
	say "patched $1 ($3)"
}

#  arp-lru: lwIP's ARP table recycles the *oldest stable* entry (by time since it was learnt) for
#    any new one, including entries created because a stranger sent us an ARP request or reply.
#    An ARP storm from many sources then evicts the entry of the host we are talking to over and
#    over, and every packet to it waits for a new resolution (measured: connections idle past
#    20 s). The change follows Linux's neighbour table, whose forced GC drops neither referenced
#    entries nor ones updated in the last 5 s, and refuses a new entry when nothing can go: an
#    entry that carried a packet in the last ETHARP_KEEP_USED_MS (5 s) is in use and is never
#    recycled, nor is a pending one before it had 1..2 s to be answered. Entries made for a
#    stranger's ARP message count as unused until we send through them, and such a message may
#    only take an unused entry (else it just gets its reply, if it is a request); our own need
#    (etharp_query) may also take the least recently used pending entry that had its time. A
#    flood of replies to forged sources can then fail new resolutions for a few seconds (the
#    packet is dropped, as Linux's "neighbour table overflow"), never the peers in use.
#    ARP_TABLE_SIZE itself is set in lwipopts.h.
#  arp-short: etharp_input read the 28-byte ARP header without checking that the frame holds it
#    (ethernet_input only strips the Ethernet header). Frames shorter than 60 bytes reach us as
#    they are (no padding), so a truncated ARP message was read on past its end, into whatever
#    the buffer held before: the hostile-frame test injects ARP messages cut short, and when the
#    stale bytes completed the sender address to the host's, the host's entry was rebound to the
#    injected random MAC; every reply to the host then went to that MAC (seen in the guest: its
#    frames to 10.77.12.1 addressed to 70:b3:40:fe:98:ed) until the injection stopped and the
#    entry was learnt again (tests/net-faults.sh: 10-s stalls, in 8 runs of about 130). Now such a
#    frame is dropped, counted as a length error.
patch_etharp() {
	lwip_edit "$tree/src/core/ipv4/etharp.c" 'epunk: arp-short' 'ARP messages shorter than their header' <<-'EOF'
	@   /* RFC 826 "Packet Reception": */
	<   if (p->len < SIZEOF_ETHARP_HDR) {  /* epunk: arp-short, see tools/fetch-lwip.sh */
	<     ETHARP_STATS_INC(etharp.lenerr);
	<     ETHARP_STATS_INC(etharp.drop);
	<     pbuf_free(p);
	<     return;
	<   }
	EOF
	lwip_edit "$tree/src/core/ipv4/etharp.c" 'epunk: arp-lru' 'ARP recycling by last use' <<-'EOF'
	@ #include "lwip/etharp.h"
	> #include "lwip/sys.h"
	@   u16_t ctime;
	>   u32_t used;  /* epunk: arp-lru, sys_now() when a packet last went through (or queued) */
	@ #define ETHARP_FLAG_FIND_ONLY    2
	> /* epunk: arp-lru, an entry for the sender of an ARP message to us that we did not ask for */
	> #define ETHARP_FLAG_UNSOLICITED  8
	> #ifndef ETHARP_KEEP_USED_MS
	> #define ETHARP_KEEP_USED_MS      5000
	> #endif
	@   /* { we have no match } => try to create a new entry */
	<   /* epunk: arp-lru, the one candidate: the least recently used entry idle for
	<    * ETHARP_KEEP_USED_MS (entries strangers made count as idle), else, for our own need only,
	<    * the least recently used pending entry that had 2 ticks (1..2 s) to be answered. Resolved
	<    * entries in use and younger pending ones are never recycled, static ones neither. */
	<   if ((empty == ARP_TABLE_SIZE) && ((flags & ETHARP_FLAG_TRY_HARD) != 0)) {
	<     u32_t now = sys_now(), idle[2] = { 0, 0 };
	<     s16_t lru[2] = { ARP_TABLE_SIZE, ARP_TABLE_SIZE }, v;
	<     for (i = 0; i < ARP_TABLE_SIZE; ++i) {
	<       u8_t st = arp_table[i].state;
	<       u32_t t = (u32_t)(now - arp_table[i].used);
	<       int c = (t >= ETHARP_KEEP_USED_MS) ? 0 : 1;
	<       if (((st == ETHARP_STATE_PENDING) && ((c == 0) || (arp_table[i].ctime >= 2))) ||
	<           ((c == 0) && (st >= ETHARP_STATE_STABLE) && (st <= ETHARP_STATE_STABLE_REREQUESTING_2))) {
	<         if ((lru[c] == ARP_TABLE_SIZE) || (t >= idle[c])) {
	<           lru[c] = i;
	<           idle[c] = t;
	<         }
	<       }
	<     }
	<     v = (lru[0] < ARP_TABLE_SIZE) ? lru[0] : ((flags & ETHARP_FLAG_UNSOLICITED) != 0) ? ARP_TABLE_SIZE : lru[1];
	<     old_stable = old_pending = old_queue = ARP_TABLE_SIZE;
	<     if (v < ARP_TABLE_SIZE) {
	<       if (arp_table[v].state != ETHARP_STATE_PENDING) {
	<         old_stable = v;
	<       } else if (arp_table[v].q != NULL) {
	<         old_queue = v;
	<       } else {
	<         old_pending = v;
	<       }
	<     }
	<   }
	<
	@   LWIP_ASSERT("arp_table[i].state == ETHARP_STATE_EMPTY",
	<   /* epunk: arp-lru, a new entry we asked for counts as used now, one we did not as unused */
	<   arp_table[i].used = sys_now() - (((flags & ETHARP_FLAG_UNSOLICITED) != 0) ? (u32_t)ETHARP_KEEP_USED_MS : 0);
	@                           for_us ? ETHARP_FLAG_TRY_HARD : ETHARP_FLAG_FIND_ONLY);
	-
	>                           for_us ? (ETHARP_FLAG_TRY_HARD | ETHARP_FLAG_UNSOLICITED) : ETHARP_FLAG_FIND_ONLY); /* epunk: arp-lru */
	@   return ethernet_output(netif, q, (struct eth_addr *)(netif->hwaddr), &arp_table[arp_idx].ethaddr, ETHTYPE_IP);
	<   arp_table[arp_idx].used = sys_now();  /* epunk: arp-lru */
	@     result = ethernet_output(netif, q, srcaddr, &(arp_table[i].ethaddr), ETHTYPE_IP);
	<     arp_table[i].used = sys_now();  /* epunk: arp-lru */
	@   } else if (arp_table[i].state == ETHARP_STATE_PENDING) {
	>     arp_table[i].used = sys_now();  /* epunk: arp-lru */
	EOF
}

#  syn-cookie: a listener whose backlog is full (half-open and not yet accepted connections, at
#    most 255 in lwIP) dropped every further SYN, and half-open ones live 20 s
#    (TCP_SYN_RCVD_TIMEOUT): a flood of SYNs from addresses that never complete the handshake
#    kept the echo server from accepting anyone while it lasted (measured: 0 of 24 connections).
#    Dropping the oldest half-open connection for each new SYN (tried first) still left real
#    clients waiting past 10 s under the hostile-frame flood (56 of 109,451 in a 23-minute soak):
#    no age tells a real client's pending handshake from a forged one. Now, as Linux with
#    tcp_syncookies, such a SYN is answered with a SYN-ACK whose sequence number is a cookie
#    (net/syncookie.c: a keyed hash of the addresses, ports, the client's sequence number and
#    the time, plus the client's MSS) and nothing is kept; the ACK that returns a valid cookie
#    makes the connection in SYN_RCVD and tcp_process establishes it as usual. A SYN that the
#    pcb pool cannot take is answered the same way. A listener of ours whose accept queue is
#    full answers no SYN (net_tcp_acceptq_full: the client retries, as with Linux); a valid
#    cookie's ACK is taken while the queue holds less than twice the backlog, the slack a
#    half-open connection has (dropping it reset clients of a burst: their later segments met
#    the listener without a valid cookie).
#    lwIP counted half-open and accepted-but-queued connections against one backlog of at most
#    255. Now, as in Linux, they have separate limits: the backlog (a u16_t, up to SOMAXCONN + 1
#    = 4097) bounds the accept queue, and net_tcp_synq_full() cookies a SYN once the half-open
#    ones reach min(backlog, NET_SYN_BACKLOG = 1024). Measured both ways: with only the backlog
#    of 255, a 1,000-connect burst (make bench) went mostly by cookie, and a cookie is fragile
#    (a client whose ACK was dropped has its next segment meet the listener without a valid
#    cookie: a reset; Linux alike); with 4,097 half-open allowed, the hostile flood's half-open
#    connections re-sent SYN-ACKs to forged sources until the TX ring overflowed and real
#    clients stalled (20 in 40,272); with 1,024, none did (tests/net-faults.sh --hostile-only).
#    With 256, a make bench burst (1,000 x 16 KiB) lost clients this way.
patch_syncookie() {
	lwip_edit "$tree/src/include/lwip/tcp.h" 'epunk: syn-cookie' 'SYN cookies: wider backlogs' <<-'EOF'
	@   u8_t backlog;
	-
	>   u16_t backlog; /* epunk: syn-cookie, Linux's SOMAXCONN (4096) + 1, not 255 */
	@   u8_t accepts_pending;
	-
	>   u16_t accepts_pending; /* epunk: syn-cookie, half-open plus queued can pass the backlog */
	@ struct tcp_pcb * tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u8_t backlog, err_t *err);
	-
	> struct tcp_pcb * tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u16_t backlog, err_t *err);
	@ struct tcp_pcb * tcp_listen_with_backlog(struct tcp_pcb *pcb, u8_t backlog);
	-
	> struct tcp_pcb * tcp_listen_with_backlog(struct tcp_pcb *pcb, u16_t backlog);
	EOF
	lwip_edit "$tree/src/core/tcp.c" 'epunk: syn-cookie' 'SYN cookies: wider backlogs' <<-'EOF'
	@ tcp_listen_with_backlog(struct tcp_pcb *pcb, u8_t backlog)
	-
	> tcp_listen_with_backlog(struct tcp_pcb *pcb, u16_t backlog) /* epunk: syn-cookie */
	@ tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u8_t backlog, err_t *err)
	-
	> tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u16_t backlog, err_t *err)
	EOF
	lwip_edit "$tree/src/core/tcp_out.c" 'epunk: syn-cookie' 'SYN cookies: a SYN-ACK without a pcb' <<-'EOF'
	@ #endif /* LWIP_TCP */
	< /* epunk: syn-cookie, a SYN-ACK for a SYN no pcb was made for: its sequence number is the
	<  * cookie, its one option our MSS. The listener gives the route's hints, as for tcp_rst. */
	< void
	< tcp_syncookie_synack(const struct tcp_pcb *lpcb, u32_t iss, u32_t ackno, u16_t mss,
	<                      const ip_addr_t *local_ip, const ip_addr_t *remote_ip,
	<                      u16_t local_port, u16_t remote_port)
	< {
	<   struct pbuf *p;
	<   u32_t *opts;
	<
	<   p = tcp_output_alloc_header_common(ackno, LWIP_TCP_OPT_LEN_MSS, 0, lwip_htonl(iss),
	<                                      local_port, remote_port, TCP_SYN | TCP_ACK,
	<                                      TCPWND_MIN16(TCP_WND));
	<   if (p == NULL) {
	<     return;
	<   }
	<   opts = (u32_t *)(void *)((struct tcp_hdr *)p->payload + 1);
	<   *opts = TCP_BUILD_MSS_OPTION(mss);
	<   tcp_output_control_segment(lpcb, p, local_ip, remote_ip);
	< }
	<
	EOF
	lwip_edit "$tree/src/core/tcp_in.c" 'epunk: syn-cookie' 'SYN cookies' <<-'EOF'
	@ static void tcp_listen_input(struct tcp_pcb_listen *pcb);
	> /* epunk: syn-cookie, see tools/fetch-lwip.sh */
	> void tcp_syncookie_synack(const struct tcp_pcb *lpcb, u32_t iss, u32_t ackno, u16_t mss,
	>                           const ip_addr_t *local_ip, const ip_addr_t *remote_ip,
	>                           u16_t local_port, u16_t remote_port);
	> static void tcp_parseopt(struct tcp_pcb *pcb);
	>
	> /* epunk: syn-cookie, answer the SYN in hand with a cookie, unless the accept queue is full */
	> static void
	> tcp_syncookie_reply(struct tcp_pcb_listen *lpcb)
	> {
	>   struct tcp_pcb opt;  /* for tcp_parseopt only: the MSS the client offers */
	>   u32_t iss;
	>
	>   if (net_tcp_acceptq_full(lpcb, 0)) {
	>     return;
	>   }
	>   memset(&opt, 0, sizeof(opt));
	>   opt.mss = 536;  /* no MSS option: RFC 1122's default */
	>   tcp_parseopt(&opt);
	>   iss = net_syncookie_make(ip4_addr_get_u32(ip_2_ip4(ip_current_src_addr())),
	>                            ip4_addr_get_u32(ip_2_ip4(ip_current_dest_addr())),
	>                            tcphdr->src, tcphdr->dest, seqno, opt.mss);
	>   tcp_syncookie_synack((const struct tcp_pcb *)lpcb, iss, seqno + 1,
	>                        tcp_eff_send_mss(TCP_MSS, ip_current_dest_addr(), ip_current_src_addr()),
	>                        ip_current_dest_addr(), ip_current_src_addr(), tcphdr->dest, tcphdr->src);
	> }
	>
	> /* epunk: syn-cookie, an ACK (no SYN, no RST) for a listener: 0 when it does not return a
	>  * valid cookie (lwIP goes on: a RST), else 1 with *out its connection, made in SYN_RCVD as
	>  * tcp_listen_input makes one after a SYN, for tcp_process to establish; NULL when it cannot
	>  * be made now (accept queue full, no pcb), and the segment is dropped: the client sends
	>  * it again. */
	> static int
	> tcp_syncookie_input(struct tcp_pcb_listen *lpcb, struct tcp_pcb **out)
	> {
	>   struct tcp_pcb *npcb;
	>   u16_t mss;
	>
	>   *out = NULL;
	>   if (((flags & (TCP_SYN | TCP_RST | TCP_ACK)) != TCP_ACK) ||
	>       !net_syncookie_check(ip4_addr_get_u32(ip_2_ip4(ip_current_src_addr())),
	>                            ip4_addr_get_u32(ip_2_ip4(ip_current_dest_addr())),
	>                            tcphdr->src, tcphdr->dest, seqno - 1, ackno - 1, &mss)) {
	>     return 0;
	>   }
	>   if (net_tcp_acceptq_full(lpcb, lpcb->backlog)) {
	>     return 1;
	>   }
	>   npcb = tcp_alloc(lpcb->prio);
	>   if (npcb == NULL) {
	>     TCP_STATS_INC(tcp.memerr);
	>     return 1;
	>   }
	>   ip_addr_copy(npcb->local_ip, *ip_current_dest_addr());
	>   ip_addr_copy(npcb->remote_ip, *ip_current_src_addr());
	>   npcb->local_port = lpcb->local_port;
	>   npcb->remote_port = tcphdr->src;
	>   npcb->state = SYN_RCVD;
	>   npcb->rcv_nxt = seqno;
	>   npcb->rcv_ann_right_edge = npcb->rcv_nxt;
	>   npcb->lastack = ackno - 1;   /* our ISN: the cookie, its SYN-ACK sent */
	>   npcb->snd_wl2 = ackno - 1;
	>   npcb->snd_nxt = ackno;
	>   npcb->snd_lbb = ackno;
	>   npcb->snd_wl1 = seqno - 1;   /* forces the window update */
	>   npcb->callback_arg = lpcb->callback_arg;
	>   npcb->listener = lpcb;
	>   npcb->so_options = lpcb->so_options & SOF_INHERITED;
	>   npcb->netif_idx = lpcb->netif_idx;
	>   npcb->snd_wnd = tcphdr->wnd;
	>   npcb->snd_wnd_max = npcb->snd_wnd;
	>   npcb->mss = tcp_eff_send_mss(mss, &npcb->local_ip, &npcb->remote_ip);
	>   TCP_REG_ACTIVE(npcb);
	>   MIB2_STATS_INC(mib2.tcppassiveopens);
	>   *out = npcb;
	>   return 1;
	> }
	@         tcp_listen_input(lpcb);
	-
	>         /* epunk: syn-cookie, an ACK returning a valid cookie makes its connection here */
	>         if (tcp_syncookie_input(lpcb, &pcb) == 0) {
	>           tcp_listen_input(lpcb);
	>         } else if (pcb != NULL) {
	>           goto syncookie_established;
	>         }
	@     /* The incoming segment belongs to a connection. */
	< syncookie_established: /* epunk: syn-cookie */
	@     if (pcb->accepts_pending >= pcb->backlog) {
	-
	>     if (net_tcp_synq_full(pcb)) { /* epunk: syn-cookie, half-open ones or the queue at the limit */
	@       LWIP_DEBUGF(TCP_DEBUG, ("tcp_listen_input: listen backlog exceeded for port %"U16_F"\n", tcphdr->dest));
	>       tcp_syncookie_reply(pcb); /* epunk: syn-cookie */
	@       TCP_EVENT_ACCEPT(pcb, NULL, pcb->callback_arg, ERR_MEM, err);
	>       tcp_syncookie_reply(pcb); /* epunk: syn-cookie, no pcb for a half-open one now */
	EOF
}

if [ -d "$tree" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$patchset" ]; then
	say "$tree was patched by another version of this script: unpacking it again"
	rm -rf "$tree"
fi
if [ -f "$tree/src/Filelists.mk" ]; then
	patch_lwip
	patch_etharp
	patch_syncookie
	echo "$patchset" > "$stamp"
	touch "$tree/src/Filelists.mk"	# make runs this when the script is newer: done now
	exit 0
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)	# apt-get source runs in $dir: make the log paths absolute
tree=$dir/lwip-$want

orig() {	# the upstream tarball apt-get source left in $dir, if any
	ls "$dir"/lwip_"$want"*.orig.tar.* 2>/dev/null | head -n 1
}

download() {
	# apt-get source downloads into the current directory; -qq keeps it to errors.
	(cd "$dir" && apt-get source --download-only -qq lwip >/dev/null 2>"$dir/apt-source.log") &&
		[ -n "$(orig)" ]
}

enable_deb_src() {
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		# deb822 format: the same stanzas, "Types: deb" becoming "Types: deb-src".
		sed -e 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
			/etc/apt/sources.list.d/debian.sources > "$srcs.new"
		grep -q '^Types: deb-src$' "$srcs.new" || {
			rm -f "$srcs.new"
			return 1
		}
		mv "$srcs.new" "$srcs"
		say "added $srcs (deb-src twin of debian.sources)"
	elif [ -f /etc/apt/sources.list ] && grep -q '^deb[[:space:]]' /etc/apt/sources.list; then
		# One-line format: each "deb ..." line again as "deb-src ...".
		sed -n 's/^deb\([[:space:]]\)/deb-src\1/p' /etc/apt/sources.list > "$list"
		say "added $list (deb-src twin of sources.list)"
	else
		return 1
	fi
}

if [ -z "$(orig)" ] && ! download; then
	if [ "$(id -u)" != 0 ]; then
		say "cannot download Debian's lwip source package (no deb-src entries in apt?)"
		say "run once as root: sudo tools/fetch-lwip.sh $dir   (or: sudo make)"
		say "it adds a deb-src twin of /etc/apt/sources.list.d/debian.sources and runs apt-get update"
		sed 's/^/  apt: /' "$dir/apt-source.log" >&2 || true
		exit 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		say "apt-get not found: this needs a Debian (12) machine"
		exit 1
	fi
	if ! enable_deb_src; then
		say "found no apt sources to derive deb-src entries from"
		exit 1
	fi
	say "apt-get update (source indexes)"
	apt-get update -qq >&2
	if ! download; then
		say "apt-get source --download-only lwip failed:"
		cat "$dir/apt-source.log" >&2
		exit 1
	fi
fi

tarball=$(orig)
if ! command -v xz >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		say "xz is missing: run once as root: sudo apt-get install xz-utils"
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xz-utils >&2
fi
say "unpacking $(basename "$tarball")"
rm -rf "$dir/unpack" "$tree"
mkdir -p "$dir/unpack"
tar -xf "$tarball" -C "$dir/unpack"
# The tarball holds one top directory, lwip-2.1.3: that becomes $tree. Our port is written for
# this version (its files have CRLF line ends, as upstream ships them); a newer Debian package would be caught here rather than by odd build errors.
top=lwip-$want
if [ ! -f "$dir/unpack/$top/src/Filelists.mk" ]; then
	say "$tarball does not hold $top/src/Filelists.mk (another lwIP version?)"
	exit 1
fi
version=$(awk '/^#define LWIP_VERSION_(MAJOR|MINOR|REVISION)[ \t]/ { sub(/\r$/, ""); v = v (v ? "." : "") $3 }
	END { print v }' "$dir/unpack/$top/src/include/lwip/init.h")
if [ "$version" != "$want" ]; then
	say "$tarball is lwIP $version, the port expects $want"
	exit 1
fi
mv "$dir/unpack/$top" "$tree"
rm -rf "$dir/unpack"
patch_lwip
patch_etharp
patch_syncookie
echo "$patchset" > "$stamp"
say "lwIP $version in $tree"
