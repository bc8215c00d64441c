/* vtop EFI app: one run (banner, firmware paging report, own map, images,
 * commands). Returns an APP_STATUS_* value (power.h). */
#ifndef VTOP_EFI_APP_H
#define VTOP_EFI_APP_H

#include "options.h"

int app_run(const app_options *opt);

#endif
