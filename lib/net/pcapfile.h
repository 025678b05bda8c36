/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_NET_PCAPFILE_H
#define PTPSW_NET_PCAPFILE_H

/*
 * Frames in a capture file, counted without libpcap: the classic pcap
 * format (microsecond or nanosecond magic, either byte order) and
 * pcapng (Enhanced, Simple and obsolete Packet blocks, every section,
 * either byte order). Used to size the mbuf pool for a net_pcap port
 * that replays a file with infinite_rx=1 (the PMD keeps a copy of every
 * frame of the file in the pool). Not on the fast path. No EAL.
 */

#include <stdint.h>

/* Count the frames of the capture file at path into *frames.
 * Returns 0, -errno when the file cannot be read, -EINVAL when it is
 * neither pcap nor pcapng or a record runs past its end (*frames then
 * holds the whole records before it). */
int pcapfile_count(const char *path, uint64_t *frames);

#endif /* PTPSW_NET_PCAPFILE_H */
