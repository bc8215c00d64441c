/* vtop EFI app: the interactive prompt's line editor on the serial console:
 * echo, backspace (BS or DEL), Ctrl-U to clear the line,
 * up/down arrows through a small history. */
#ifndef VTOP_EFI_PROMPT_H
#define VTOP_EFI_PROMPT_H

#include <stddef.h>

#define PROMPT_HISTORY 16
#define PROMPT_LINE 512

typedef struct prompt_history {
    char lines[PROMPT_HISTORY][PROMPT_LINE];
    unsigned count;   /* lines stored (oldest dropped past PROMPT_HISTORY) */
} prompt_history;

/* Print prompt, read one line into buf (NUL-terminated, no newline).
 * Returns its length, or -1 when there is no input device. */
int prompt_read_line(const char *prompt, char *buf, size_t cap,
                     prompt_history *hist);

#endif
