/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hotmem: 2 MiB-aligned anonymous mappings advised as huge pages.
 */

#include <stdint.h>
#include <sys/mman.h>

#include "sw/hotmem.h"

#define HOTMEM_ALIGN	((size_t)2 << 20)

static size_t hotmem_len(size_t size)
{
	return (size + HOTMEM_ALIGN - 1) & ~(HOTMEM_ALIGN - 1);
}

void *hotmem_alloc(size_t size)
{
	size_t len = hotmem_len(size), head;
	uint8_t *raw, *p;

	if (size == 0)
		return NULL;
	/* one alignment's worth more, the unaligned ends given back */
	raw = mmap(NULL, len + HOTMEM_ALIGN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (uint8_t *)(((uintptr_t)raw + HOTMEM_ALIGN - 1) &
			~(uintptr_t)(HOTMEM_ALIGN - 1));
	head = (size_t)(p - raw);
	if (head)
		munmap(raw, head);
	if (HOTMEM_ALIGN - head)
		munmap(p + len, HOTMEM_ALIGN - head);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);	/* a hint: 4 KiB pages if not */
#endif
	return p;
}

void hotmem_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, hotmem_len(size));
}
