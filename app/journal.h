/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_JOURNAL_H
#define PTPSW_APP_JOURNAL_H

/*
 * Where log messages (DPDK's and ptpsw's PLOG) go: stderr only. Debian's
 * EAL otherwise writes every message to stderr and to syslog, which under
 * systemd puts each line into the journal twice. When stderr is the
 * journal (systemd sets JOURNAL_STREAM), every line gets its syslog
 * priority as a "<N>" prefix, so `journalctl -p` filters by level.
 */

/* Install the log stream (call before rte_eal_init). Returns 0, or -1
 * if the stream cannot be made (logging then stays as EAL sets it). */
int journal_init(void);

#endif /* PTPSW_APP_JOURNAL_H */
