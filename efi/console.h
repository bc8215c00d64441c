/* vtop EFI app: the serial console.
 *
 * Output goes, in order of preference, to the firmware's
 * EFI_SERIAL_IO_PROTOCOL (UEFI spec 2.10 section 12.8), to a 16550 UART at
 * 0x3F8 found by probing its scratch register, or to ConOut when there is no
 * serial port at all (so a machine without serial never hangs). '\n' becomes
 * CRLF. Input comes from ConIn: the firmware's terminal driver already polls
 * the serial port, and reading the port behind its back would race it.
 */
#ifndef VTOP_EFI_CONSOLE_H
#define VTOP_EFI_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum console_kind {
    CONSOLE_NONE = 0,
    CONSOLE_SERIAL_IO,
    CONSOLE_UART_3F8,
    CONSOLE_CONOUT
} console_kind;

/* Pick the output device; safe to call more than once. */
console_kind console_init(void);
const char *console_kind_name(console_kind kind);

/* Write n bytes, LF -> CRLF. Never blocks for long: every device wait is
 * bounded. */
void console_write(const char *text, size_t n);

/* Wait (bounded) until the UART has sent everything: the firmware's
 * SerialIo Write returns once bytes are in the FIFO, and powering off then
 * would lose the last line. */
void console_drain(void);

/* One key from ConIn: an ASCII byte, CONSOLE_KEY_UP / _DOWN for the arrow
 * keys (scan codes), or -1 when ConIn is absent or fails. Waits. */
#define CONSOLE_KEY_UP   0x101
#define CONSOLE_KEY_DOWN 0x102
int console_getkey(void);

/* Wait for one key from ConIn: returns the ASCII byte (CR for Enter, 8 for
 * backspace), or -1 when ConIn is absent or reports an error. */
int console_getc(void);

#endif
