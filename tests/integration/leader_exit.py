#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A process that exits the way a multi-threaded one (ptpsw, testpmd) can:
on SIGTERM its main thread leaves first (the thread group leader is a
zombie while another thread still runs), and the other thread ends the
process DELAY seconds later with status 0. Prints "ready" once SIGTERM
is awaited. For test_harness.sh."""

import ctypes
import os
import signal
import sys
import threading
import time

delay = float(sys.argv[1])
# blocked in every thread (they inherit it); the main thread waits for it
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
go = threading.Event()


def finish():
    go.wait()
    time.sleep(delay)
    os._exit(0)


threading.Thread(target=finish, daemon=True).start()
print("ready", flush=True)
signal.sigwait([signal.SIGTERM])
go.set()
ctypes.CDLL(None).pthread_exit(None)
