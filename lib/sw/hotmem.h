/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_HOTMEM_H
#define PTPSW_SW_HOTMEM_H

/*
 * Memory for per-lcore state the fast path reads on every packet (a
 * worker, its TC instance): zeroed, aligned to 2 MiB and backed by one
 * transparent huge page where the kernel allows it (madvise), so the
 * state costs one TLB entry. EAL memory without hugepages (--no-huge, the
 * lab and benchmark set-ups) is 4 KiB pages, and a worker's learn cache,
 * TX buffers and counters spread over a dozen of them: measured 8 % of
 * the forwarding rate (docs/performance.md, Forwarding). Without THP it
 * is ordinary anonymous memory. No EAL; never on the fast path.
 */

#include <stddef.h>

/* size bytes of zeroed memory. Returns NULL if mmap fails. */
void *hotmem_alloc(size_t size);
/* Free what hotmem_alloc(size) returned (NULL is fine). */
void hotmem_free(void *p, size_t size);

#endif /* PTPSW_SW_HOTMEM_H */
