/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgmt_sock: Unix datagram management server for pmc (local only).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_telemetry.h>

#include "app.h"
#include "bc_runtime.h"
#include "counters.h"
#include "mgmt/mgmt.h"
#include "mgmt_sock.h"

#define MGMT_SOCK_RXBUF	1500	/* more than any management request */

static struct {
	int fd;
	bool open;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mgmt_sock_stats st;
} ms = { .fd = -1 };

/* Reply context of one request. */
struct peer {
	struct sockaddr_un addr;
	socklen_t len;
};

/* mkdir -p of the directory part of path, 0755. Returns 0 or -1. */
static int make_parent(const char *path)
{
	char dir[sizeof(ms.path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (p == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Is a server (another ptpsw, a ptp4l) bound at addr? */
static bool live_server(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

static int open_at(const char *path)
{
	struct sockaddr_un sa;
	struct stat sb;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		PLOG(ERR, "management socket %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if (make_parent(path) != 0) {
		PLOG(ERR, "management socket %s: cannot create directory: %s",
		     path, strerror(errno));
		return -1;
	}
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			PLOG(ERR, "management socket %s: exists and is not a "
			     "socket", path);
			return -1;
		}
		if (live_server(&sa)) {
			PLOG(ERR, "management socket %s: another server is "
			     "running there", path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		PLOG(ERR, "management socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0600) != 0) {
		PLOG(ERR, "management socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int mgmt_sock_init(struct app *app)
{
	const char *path = app->conf.management_socket;

	memset(&ms.st, 0, sizeof(ms.st));
	if (path[0] == '\0') {
		PLOG(INFO, "management socket disabled");
		return 0;
	}
	ms.fd = open_at(path);
	if (ms.fd < 0)
		return -1;
	snprintf(ms.path, sizeof(ms.path), "%s", path);
	ms.open = true;
	PLOG(INFO, "management socket %s (pmc -u -s %s -d DOMAIN; local "
	     "only)", path, path);
	return 0;
}

static void send_reply(void *arg, const uint8_t *buf, size_t len)
{
	const struct peer *pe = arg;

	if (sendto(ms.fd, buf, len, MSG_DONTWAIT,
		   (const struct sockaddr *)&pe->addr, pe->len) < 0)
		ms.st.send_errors++;
	else
		ms.st.replies++;
}

static void serve(const struct app *app, const uint8_t *buf, size_t len,
		  struct peer *pe)
{
	struct mgmt_msg req;
	enum mgmt_outcome o;
	int rc;

	rc = mgmt_parse(buf, len, &req);
	if (rc != 0) {
		ms.st.malformed++;
		ms.st.last_error = rc;
		return;
	}
	if (pe->len <= offsetof(struct sockaddr_un, sun_path)) {
		ms.st.no_peer++;	/* unbound sender: cannot answer */
		return;
	}
	o = mgmt_answer(&req,
			bc_runtime_for_domain(app, req.hdr.domainNumber),
			send_reply, pe);
	if (o == MGMT_ANSWERED)
		ms.st.answered++;
	else if (o == MGMT_REFUSED)
		ms.st.refused++;
	else
		ms.st.ignored++;
}

unsigned int mgmt_sock_poll(struct app *app)
{
	uint8_t buf[MGMT_SOCK_RXBUF];
	struct peer pe;
	unsigned int n;
	ssize_t r;

	if (!ms.open)
		return 0;
	for (n = 0; n < MGMT_SOCK_BURST; n++) {
		pe.len = sizeof(pe.addr);
		r = recvfrom(ms.fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&pe.addr, &pe.len);
		if (r < 0)
			break;
		ms.st.rx++;
		serve(app, buf, (size_t)r, &pe);
	}
	return n;
}

void mgmt_sock_fini(void)
{
	if (!ms.open)
		return;
	close(ms.fd);
	unlink(ms.path);
	ms.fd = -1;
	ms.open = false;
}

const struct mgmt_sock_stats *mgmt_sock_stats(void)
{
	return &ms.st;
}

const char *mgmt_sock_path(void)
{
	return ms.open ? ms.path : NULL;
}

void mgmt_sock_dump(FILE *out)
{
	const struct mgmt_sock_stats *s = &ms.st;

	if (!ms.open) {
		fprintf(out, "management: disabled\n");
		return;
	}
	fprintf(out, "management %s:", ms.path);
	ctr_dump(out, &ctr_mgmt, 0, s);
	if (s->malformed)
		fprintf(out, " last %s", mgmt_strerror(s->last_error));
	ctr_dump(out, &ctr_mgmt, 1, s);
	fputc('\n', out);
}

void mgmt_sock_tel(struct rte_tel_data *d)
{
	const struct mgmt_sock_stats *s = &ms.st;

	rte_tel_data_add_dict_string(d, "management_socket",
				     ms.open ? ms.path : "");
	ctr_tel(d, &ctr_mgmt, s);
	rte_tel_data_add_dict_string(d, "management_last_error", s->malformed ?
				     mgmt_strerror(s->last_error) : "");
}
