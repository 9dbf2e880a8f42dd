// SPDX-License-Identifier: MIT
/* malloc and friends over the kernel's kmalloc: one heap for the kernel and its apps. */
#include <errno.h>
#include <kernel/slab.h>
#include <stdlib.h>

void *malloc(size_t size)
{
	void *p = kmalloc(size);	/* kmalloc(0) is a unique 16-byte block */
	if (!p)
		errno = ENOMEM;
	return p;
}

void *calloc(size_t nmemb, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(nmemb, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = kzalloc(total);
	if (!p)
		errno = ENOMEM;
	return p;
}

/* realloc(p, 0) keeps a minimal block (like malloc(0)) rather than freeing: POSIX allows either,
 * and this way a NULL return always means failure with @ptr untouched. */
void *realloc(void *ptr, size_t size)
{
	void *p = krealloc(ptr, size);
	if (!p)
		errno = ENOMEM;
	return p;
}

void free(void *ptr)
{
	kfree(ptr);
}
