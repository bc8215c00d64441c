/* vtop EFI app: line editor (see prompt.h). */
#include "prompt.h"

#include <stdio.h>
#include <string.h>

#include "console.h"

static void echo(const char *s, size_t n)
{
    console_write(s, n);
}

/* Erase the n characters before the cursor ("\b \b" each). */
static void erase(size_t n)
{
    for (size_t i = 0; i < n; i++)
        echo("\b \b", 3);
}

static void history_add(prompt_history *h, const char *line)
{
    if (!h || !line[0])
        return;
    unsigned slot = h->count % PROMPT_HISTORY;
    snprintf(h->lines[slot], PROMPT_LINE, "%s", line);
    h->count++;
}

/* Replace the edited text with history entry back (1 = newest). */
static size_t recall(prompt_history *h, unsigned back, char *buf, size_t cap,
                     size_t len)
{
    erase(len);
    const char *src = "";
    if (back > 0)
        src = h->lines[(h->count - back) % PROMPT_HISTORY];
    snprintf(buf, cap, "%s", src);
    len = strlen(buf);
    echo(buf, len);
    return len;
}

int prompt_read_line(const char *prompt, char *buf, size_t cap,
                     prompt_history *hist)
{
    fflush(stdout);
    echo(prompt, strlen(prompt));
    size_t len = 0;
    unsigned back = 0;
    unsigned stored = hist ? (hist->count < PROMPT_HISTORY ? hist->count : PROMPT_HISTORY) : 0;
    buf[0] = '\0';
    for (;;) {
        int c = console_getkey();
        if (c < 0)
            return -1;
        if (c == '\r' || c == '\n') {
            echo("\n", 1);
            break;
        }
        if (c == '\b' || c == 0x7f) {
            if (len) {
                buf[--len] = '\0';
                erase(1);
            }
        } else if (c == 0x15) {            /* Ctrl-U */
            erase(len);
            len = 0;
            buf[0] = '\0';
        } else if (c == CONSOLE_KEY_UP && back < stored) {
            len = recall(hist, ++back, buf, cap, len);
        } else if (c == CONSOLE_KEY_DOWN && back > 0) {
            len = recall(hist, --back, buf, cap, len);
        } else if (c >= 0x20 && c < 0x7f && len + 1 < cap) {
            buf[len++] = (char)c;
            buf[len] = '\0';
            char ch = (char)c;
            echo(&ch, 1);
        }
    }
    history_add(hist, buf);
    return (int)len;
}
