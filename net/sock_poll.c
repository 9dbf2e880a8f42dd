// SPDX-License-Identifier: MIT
/* Socket readiness masks, transcribed from Linux 6.x (see net/include/net/sock_poll.h). */
#include <net/sock_poll.h>
#include <uapi/eventpoll.h>

uint32_t sock_tcp_poll_mask(const struct sock_poll_state *s)
{
	uint32_t mask = 0;

	if (s->tcp_state == SK_TCP_LISTEN)
		return s->readable ? EPOLLIN | EPOLLRDNORM : 0;

	/* Linux: "EPOLLHUP is certainly not done right. But poll() doesn't have a notion of HUP
	 * in just one direction, and for a socket the read side is more interesting." HUP when
	 * both directions are shut or the socket is closed (which includes never connected). */
	if (s->shutdown == SK_SHUTDOWN_MASK || s->tcp_state == SK_TCP_CLOSE)
		mask |= EPOLLHUP;
	if (s->shutdown & SK_RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	/* Connected (or closed): data and send space. A connecting socket reports neither. */
	if (s->tcp_state != SK_TCP_SYN_SENT) {
		if (s->readable)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(s->shutdown & SK_SEND_SHUTDOWN)) {
			if (s->writable)
				mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;	/* writes fail at once: not blocked */
		}
	}
	if (s->err)
		mask |= EPOLLERR;
	return mask;
}

uint32_t sock_udp_poll_mask(const struct sock_poll_state *s)
{
	uint32_t mask = 0;

	if (s->err)
		mask |= EPOLLERR;
	if (s->shutdown & SK_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (s->shutdown == SK_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (s->readable)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (s->writable)
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}
