/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * journal: DPDK log stream to stderr, with syslog priority prefixes when
 * stderr is connected to systemd's journal.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_log.h>

#include "journal.h"

static bool journal_prefix;
static bool journal_bol = true;		/* next byte starts a line */

/* Is stderr the stream systemd announced in JOURNAL_STREAM ("dev:ino")? */
static bool journal_is_stderr(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

static ssize_t journal_write(void *cookie, const char *buf, size_t size)
{
	size_t i = 0, n;
	const char *nl;
	int lvl;

	(void)cookie;
	while (i < size) {
		if (journal_prefix && journal_bol) {
			/* RTE_LOG_EMERG (1) .. RTE_LOG_DEBUG (8) -> 0 .. 7 */
			lvl = rte_log_cur_msg_loglevel();
			if (lvl < 1 || lvl > 8)
				lvl = 7;
			fprintf(stderr, "<%d>", lvl - 1);
		}
		nl = memchr(buf + i, '\n', size - i);
		n = nl ? (size_t)(nl - (buf + i)) + 1 : size - i;
		fwrite(buf + i, 1, n, stderr);
		journal_bol = nl != NULL;
		i += n;
	}
	fflush(stderr);
	return (ssize_t)size;
}

int journal_init(void)
{
	cookie_io_functions_t io = { .write = journal_write };
	FILE *f;

	journal_prefix = journal_is_stderr();
	f = fopencookie(NULL, "w", io);
	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	return rte_openlog_stream(f);
}
