/* vtop host CLI: scan services (cmd/scan.h) on POSIX: a progress line on
 * stderr and jobs as threads. */
#ifndef VTOP_HOST_SCAN_H
#define VTOP_HOST_SCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd/scan.h"

typedef struct host_scan {
    bool show;              /* --progress, or stderr is a terminal */
    const char *what;
    uint64_t total;
    atomic_uint_fast64_t done;
    atomic_flag printing;   /* one thread prints at a time */
    double start, last;     /* seconds (CLOCK_MONOTONIC) */
    bool printed;
} host_scan;

/* Services over hs (jobs: --jobs, 0 for 1; progress: --progress given). */
void host_scan_services(host_scan *hs, unsigned jobs, bool progress,
                        vtop_scan_services *svc);

#endif
