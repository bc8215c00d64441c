/* vtop EFI app: serial console (see console.h). */
#include "console.h"

#include "cpu.h"
#include "efi_env.h"

/* 16550 registers (National Semiconductor PC16550D data sheet). */
#define UART_BASE 0x3F8u
#define UART_THR  0u     /* transmit holding register */
#define UART_LSR  5u     /* line status; bit 5 = THR empty */
#define UART_SCR  7u     /* scratch register: probes the UART's presence */
#define UART_LSR_THRE 0x20u
#define UART_LSR_TEMT 0x40u  /* transmitter empty: FIFO and shift register */
#define UART_SPIN_LIMIT 100000u

static console_kind g_kind;
static SERIAL_IO_INTERFACE *g_serial;

static bool uart_present(void)
{
    /* A missing UART floats the bus: reads return 0xFF whatever we wrote. */
    cpu_outb(UART_BASE + UART_SCR, 0x5A);
    if (cpu_inb(UART_BASE + UART_SCR) != 0x5A)
        return false;
    cpu_outb(UART_BASE + UART_SCR, 0xA5);
    return cpu_inb(UART_BASE + UART_SCR) == 0xA5;
}

console_kind console_init(void)
{
    if (g_kind != CONSOLE_NONE)
        return g_kind;
    EFI_GUID guid = SERIAL_IO_PROTOCOL;
    void *iface = NULL;
    if (g_efi.bs &&
        g_efi.bs->LocateProtocol(&guid, NULL, &iface) == EFI_SUCCESS && iface) {
        g_serial = iface;
        g_kind = CONSOLE_SERIAL_IO;
    } else if (uart_present()) {
        g_kind = CONSOLE_UART_3F8;
    } else if (g_efi.st && g_efi.st->ConOut) {
        g_kind = CONSOLE_CONOUT;
    }
    return g_kind;
}

const char *console_kind_name(console_kind kind)
{
    switch (kind) {
    case CONSOLE_SERIAL_IO: return "EFI_SERIAL_IO_PROTOCOL";
    case CONSOLE_UART_3F8:  return "16550 UART at 0x3F8";
    case CONSOLE_CONOUT:    return "ConOut (no serial port)";
    default:                return "none";
    }
}

static void uart_putc(char c)
{
    for (unsigned i = 0; i < UART_SPIN_LIMIT; i++) {
        if (cpu_inb(UART_BASE + UART_LSR) & UART_LSR_THRE)
            break;
    }
    cpu_outb(UART_BASE + UART_THR, (uint8_t)c);
}

static void conout_chunk(const char *text, size_t n)
{
    CHAR16 wide[129];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k + 2 >= 128) {
            wide[k] = 0;
            g_efi.st->ConOut->OutputString(g_efi.st->ConOut, wide);
            k = 0;
        }
        unsigned char c = (unsigned char)text[i];
        if (c == '\n')
            wide[k++] = u'\r';
        wide[k++] = c < 0x80 ? c : u'?';
    }
    wide[k] = 0;
    if (k)
        g_efi.st->ConOut->OutputString(g_efi.st->ConOut, wide);
}

/* Write all n bytes: SerialIo Write may return EFI_TIMEOUT having sent only
 * part (UEFI 2.10 12.8.3.5, BufferSize is updated); go on from there, giving
 * up only after several rounds without progress (a dead port must not hang
 * the app). */
static void serial_io_write_all(const char *p, size_t n)
{
    unsigned stalled = 0;
    while (n > 0 && stalled < 8) {
        UINTN len = n;
        EFI_STATUS s = g_serial->Write(g_serial, &len, (void *)p);
        if (len > n)
            len = n;
        p += len;
        n -= len;
        if (len == 0 || EFI_ERROR(s)) {
            stalled = len ? 0 : stalled + 1;
            if (!len)
                g_efi.bs->Stall(1000);
        }
    }
}

/* SerialIo: one Write per run of text between newlines, CR inserted. */
static void serial_io_write(const char *text, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] != '\n')
            continue;
        serial_io_write_all(text + start, i - start);
        if (i < n)
            serial_io_write_all("\r\n", 2);
        start = i + 1;
    }
}

void console_write(const char *text, size_t n)
{
    switch (console_init()) {
    case CONSOLE_SERIAL_IO:
        serial_io_write(text, n);
        break;
    case CONSOLE_UART_3F8:
        for (size_t i = 0; i < n; i++) {
            if (text[i] == '\n')
                uart_putc('\r');
            uart_putc(text[i]);
        }
        break;
    case CONSOLE_CONOUT:
        conout_chunk(text, n);
        break;
    default:
        break;
    }
}

void console_drain(void)
{
    /* Bounded: at most ~100 ms, whatever the device says. */
    for (int i = 0; i < 1000; i++) {
        if (g_kind == CONSOLE_SERIAL_IO) {
            UINT32 bits = 0;
            if (g_serial->GetControl(g_serial, &bits) != EFI_SUCCESS ||
                (bits & EFI_SERIAL_OUTPUT_BUFFER_EMPTY))
                return;
        } else if (g_kind == CONSOLE_UART_3F8) {
            if (cpu_inb(UART_BASE + UART_LSR) & UART_LSR_TEMT)
                return;
        } else {
            return;
        }
        g_efi.bs->Stall(100);
    }
}

int console_getkey(void)
{
    SIMPLE_INPUT_INTERFACE *in = g_efi.st ? g_efi.st->ConIn : NULL;
    if (!in)
        return -1;
    for (;;) {
        EFI_INPUT_KEY key;
        EFI_STATUS s = in->ReadKeyStroke(in, &key);
        if (s == EFI_NOT_READY) {
            UINTN index;
            /* UEFI 2.10 12.3.3: WaitForKey signals when a key is ready. */
            if (g_efi.bs->WaitForEvent(1, &in->WaitForKey, &index) != EFI_SUCCESS)
                g_efi.bs->Stall(10000);
            continue;
        }
        if (EFI_ERROR(s))
            return -1;
        if (key.UnicodeChar)
            return key.UnicodeChar < 0x80 ? (int)key.UnicodeChar : '?';
        /* Scan codes (UEFI 2.10 table 12-2): 1 up, 2 down, 8 delete. */
        switch (key.ScanCode) {
        case 0x01: return CONSOLE_KEY_UP;
        case 0x02: return CONSOLE_KEY_DOWN;
        case 0x08: return '\b';
        default:   break;   /* other keys carry nothing for us */
        }
    }
}

int console_getc(void)
{
    for (;;) {
        int c = console_getkey();
        if (c < 0x100)
            return c;
    }
}
