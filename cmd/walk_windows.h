/* vtop command language: the whole-space `ptov` map in windows of
 * physical addresses (walk_windows.c), for walk_jobs.c's one walk (not
 * part of the platform API; see scan.h). */
#ifndef VTOP_CMD_WALK_WINDOWS_H
#define VTOP_CMD_WALK_WINDOWS_H

#include "walk_spans.h"
#include "walk_store.h"

/* The map when it holds more pairs than walk_max_pairs: a census of the
 * pairs' physical addresses (two walks), then one walk per window of PAs
 * that holds at most that many (a single PA held more often gets a window
 * of its own), sorted and given to on_pair in PA order. The walk is the
 * same every time, so its status is the first census's. */
vtop_status walk_ptov_windows(vtop_ptov_scan *q, const span_list *sl,
                              vtop_scan_hooks *h);

#endif
