/* SPDX-License-Identifier: MIT */
/*
 * Loops and depth: ADD refuses an epoll that would (directly or not) contain itself, and refuses
 * chains deeper than Linux's nesting limit, counted both below the target and above the set.
 */
#define _GNU_SOURCE
#include "conformance.h"

#define MAX_CHAIN 8

/* A set cannot watch itself (EINVAL, not ELOOP). */
static void loops_self(void)
{
	int ep, d;

	conf_scenario("loops.self");
	ep = xepoll();
	check_ctl("add_self", ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0);
	d = dup(ep);
	check_ctl("add_self_through_dup", ep, EPOLL_CTL_ADD, d, EPOLLIN, 0);
	xclose(d);
	xclose(ep);
}

/* Cycles of two, three and four sets are refused with ELOOP; nothing is left half-added. */
static void loops_cycles(void)
{
	int e[4], i, d;

	conf_scenario("loops.cycles");
	for (i = 0; i < 4; i++)
		e[i] = xepoll();
	xctl(e[0], EPOLL_CTL_ADD, e[1], EPOLLIN, 1);
	check_ctl("cycle2", e[1], EPOLL_CTL_ADD, e[0], EPOLLIN, 0);
	check_ctl("cycle2_not_added", e[1], EPOLL_CTL_DEL, e[0], 0, 0);
	d = dup(e[0]);
	check_ctl("cycle2_through_dup", e[1], EPOLL_CTL_ADD, d, EPOLLIN, 0);
	xclose(d);
	xctl(e[1], EPOLL_CTL_ADD, e[2], EPOLLIN, 2);
	check_ctl("cycle3", e[2], EPOLL_CTL_ADD, e[0], EPOLLIN, 0);
	xctl(e[2], EPOLL_CTL_ADD, e[3], EPOLLIN, 3);
	check_ctl("cycle4", e[3], EPOLL_CTL_ADD, e[0], EPOLLIN, 0);
	check_ctl("cycle2_lower", e[3], EPOLL_CTL_ADD, e[2], EPOLLIN, 0);
	/* Once the edge is gone, the reverse edge is fine. */
	check_ctl("del_edge", e[0], EPOLL_CTL_DEL, e[1], 0, 0);
	check_ctl("reverse_after_del", e[1], EPOLL_CTL_ADD, e[0], EPOLLIN, 0);
	for (i = 3; i >= 0; i--)
		xclose(e[i]);
}

/* Two paths to one set (a diamond) are not a loop; the event arrives through both. */
static void loops_diamond(void)
{
	int e[4], i, efd;

	conf_scenario("loops.diamond");
	for (i = 0; i < 4; i++)
		e[i] = xepoll();
	efd = xeventfd(0, 0);
	check_ctl("top_left", e[0], EPOLL_CTL_ADD, e[1], EPOLLIN, 0x1);
	check_ctl("top_right", e[0], EPOLL_CTL_ADD, e[2], EPOLLIN, 0x2);
	check_ctl("left_bottom", e[1], EPOLL_CTL_ADD, e[3], EPOLLIN, 0x13);
	check_ctl("right_bottom", e[2], EPOLL_CTL_ADD, e[3], EPOLLIN, 0x23);
	check_ctl("source", e[3], EPOLL_CTL_ADD, efd, EPOLLIN, 0x3);
	xwrite_u64(efd, 1);
	check_wait0("top", e[0], 8);
	check_ctl("bottom_to_top", e[3], EPOLL_CTL_ADD, e[0], EPOLLIN, 0);
	xclose(efd);
	for (i = 3; i >= 0; i--)
		xclose(e[i]);
}

enum grow {
	GROW_TOP,	/* each new set is added above the chain: ADD(new, old_top) */
	GROW_BOTTOM,	/* each new set is added below the chain: ADD(old_bottom, new) */
};

/*
 * Build a chain of len sets in the given direction (optionally with a pipe watched by the bottom
 * set, added first for GROW_TOP and last for GROW_BOTTOM) and describe the result of the last
 * step: "ret=0", the error, or the step that failed earlier.
 */
static void depth_chain(struct vbuf *b, int len, int grow, bool leaf)
{
	int e[MAX_CHAIN], p[2] = { -1, -1 }, i, step = 0, err = 0, last_err = 0;
	int nsteps = len - 1 + (leaf ? 1 : 0);

	for (i = 0; i < len; i++)
		e[i] = xepoll();
	if (leaf)
		xpipe(p);
	/* e[0] is the top of the finished chain, e[len - 1] its bottom. */
	if (grow == GROW_TOP) {
		if (leaf) {
			last_err = ctl_err(e[len - 1], EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
			step++;
		}
		for (i = len - 2; i >= 0 && !last_err; i--) {
			last_err = ctl_err(e[i], EPOLL_CTL_ADD, e[i + 1], EPOLLIN, 0);
			step++;
		}
	} else {
		for (i = 0; i < len - 1 && !last_err; i++) {
			last_err = ctl_err(e[i], EPOLL_CTL_ADD, e[i + 1], EPOLLIN, 0);
			step++;
		}
		if (leaf && !last_err) {
			last_err = ctl_err(e[len - 1], EPOLL_CTL_ADD, p[0], EPOLLIN, 0);
			step++;
		}
	}
	err = -last_err;
	if (step < nsteps) {
		vb_kv_int(b, "failed_at_step", step);
		vb_kv_str(b, "errno", errno_name(err));
	} else if (err) {
		vb_ret(b, -1, err);
	} else {
		vb_ret(b, 0, 0);
	}
	if (leaf) {
		xclose(p[0]);
		xclose(p[1]);
	}
	for (i = 0; i < len; i++)
		xclose(e[i]);
}

static void loops_depth(const char *scenario, int grow, bool leaf)
{
	struct vbuf b;
	char check[16];
	int len;

	conf_scenario(scenario);
	for (len = 2; len <= MAX_CHAIN; len++) {
		vb_init(&b);
		depth_chain(&b, len, grow, leaf);
		snprintf(check, sizeof(check), "sets%d", len);
		check_str(check, b.s);
	}
}

/*
 * Join two finished chains (above: a sets, below: b sets) with one ADD from the bottom of the
 * upper chain to the top of the lower one: the depth limit counts both sides.
 */
static void depth_join(struct vbuf *b, int above, int below)
{
	int e[2 * MAX_CHAIN], i, n = above + below, err;

	for (i = 0; i < n; i++)
		e[i] = xepoll();
	for (i = 0; i < above - 1; i++)
		xctl(e[i], EPOLL_CTL_ADD, e[i + 1], EPOLLIN, 0);
	for (i = above; i < n - 1; i++)
		xctl(e[i], EPOLL_CTL_ADD, e[i + 1], EPOLLIN, 0);
	err = -ctl_err(e[above - 1], EPOLL_CTL_ADD, e[above], EPOLLIN, 0);
	vb_ret(b, err ? -1 : 0, err);
	for (i = 0; i < n; i++)
		xclose(e[i]);
}

static void loops_depth_join(void)
{
	static const int pairs[][2] = {
		{ 1, 4 }, { 1, 5 }, { 2, 3 }, { 2, 4 }, { 3, 2 }, { 3, 3 }, { 4, 1 }, { 4, 2 },
		{ 5, 1 },
	};
	struct vbuf b;
	char check[24];
	size_t i;

	conf_scenario("loops.depth_join");
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		vb_init(&b);
		depth_join(&b, pairs[i][0], pairs[i][1]);
		snprintf(check, sizeof(check), "above%d_below%d", pairs[i][0], pairs[i][1]);
		check_str(check, b.s);
	}
}

void area_loops(void)
{
	loops_self();
	loops_cycles();
	loops_diamond();
	loops_depth("loops.depth_grow_top", GROW_TOP, false);
	loops_depth("loops.depth_grow_bottom", GROW_BOTTOM, false);
	loops_depth("loops.depth_grow_top_leaf", GROW_TOP, true);
	loops_depth("loops.depth_grow_bottom_leaf", GROW_BOTTOM, true);
	loops_depth_join();
}
