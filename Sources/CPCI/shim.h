#ifndef RESTRACK_CPCI_SHIM_H
#define RESTRACK_CPCI_SHIM_H
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

/*
 * libpci's default error handler prints and calls exit(1), e.g. for a device
 * directory without a `class` file. restrack must turn that into a warning,
 * so the handler below longjmps back into rs_pci_init_scan_fill, the one C
 * frame that calls libpci's failing functions; no Swift frame is ever
 * unwound. The jump target and message are process-wide: the Swift caller
 * holds a Mutex around every call (tests probe in parallel).
 */
/* Function-local statics: Swift's Clang importer emits a header's static
   inline functions but not its file-scope static variables. */
typedef struct { jmp_buf jump; int armed; char message[512]; char warnings[2048]; } rs_pci_state_t;
static inline rs_pci_state_t *rs_pci_state(void) {
    static rs_pci_state_t state;
    return &state;
}
#define rs_pci_jump (rs_pci_state()->jump)
#define rs_pci_message (rs_pci_state()->message)
#define rs_pci_warnings (rs_pci_state()->warnings)
#define rs_pci_armed (rs_pci_state()->armed)

__attribute__((noreturn)) static inline void rs_pci_error_handler(char *msg, ...) {
    va_list ap;
    va_start(ap, msg);
    vsnprintf(rs_pci_message, sizeof rs_pci_message, msg, ap);
    va_end(ap);
    /* libpci declares the handler noreturn, so it may not return. Every
       libpci call that can fail runs under a setjmp below; a jump with none
       armed would land in a frame that is gone, so stop plainly instead. */
    if (!rs_pci_armed) {
        fprintf(stderr, "restrack: libpci error outside a guarded call: %s\n", rs_pci_message);
        abort();
    }
    rs_pci_armed = 0;
    longjmp(rs_pci_jump, 1);
}

/* Warnings (e.g. an unreadable pci.ids) are collected, not printed: the
   snapshot's stdout is JSON and stderr is for one-line errors. */
static inline void rs_pci_warning_handler(char *msg, ...) {
    size_t used = strlen(rs_pci_warnings);
    if (used + 2 >= sizeof rs_pci_warnings) return;
    va_list ap;
    va_start(ap, msg);
    vsnprintf(rs_pci_warnings + used, sizeof rs_pci_warnings - used - 1, msg, ap);
    va_end(ap);
    used = strlen(rs_pci_warnings);
    rs_pci_warnings[used] = '\n';
    rs_pci_warnings[used + 1] = '\0';
}

static inline void rs_pci_quiet(char *msg, ...) { (void)msg; }

/* Installs the handlers; call right after pci_alloc. */
static inline void rs_pci_install_handlers(struct pci_access *a) {
    a->error = rs_pci_error_handler;
    a->warning = rs_pci_warning_handler;
    a->debug = rs_pci_quiet;
    rs_pci_warnings[0] = '\0';
    rs_pci_message[0] = '\0';
    rs_pci_armed = 0;
}

/*
 * pci_init + pci_scan_bus + pci_fill_info on every device, in this one frame.
 * Returns -1 when init or scan failed (the whole bus is unreadable; message
 * in `err`), else the number of devices whose fill failed. A device whose
 * fill failed keeps known_fields without PCI_FILL_CLASS; its message is
 * appended to `err` as "DDDD:BB:DD.F: message\n" so Swift can name it.
 * Locals that change between setjmp and longjmp are volatile, as C requires.
 */
static inline int rs_pci_init_scan_fill(struct pci_access *a, int flags, char *err, int errlen) {
    volatile int stage = 0;
    volatile int failures = 0;
    struct pci_dev *volatile d = NULL;
    if (errlen > 0) err[0] = '\0';
    rs_pci_armed = 1;
    if (setjmp(rs_pci_jump) != 0) {
        if (stage < 2) {
            snprintf(err, (size_t)errlen, "%s", rs_pci_message);
            return -1;
        }
        /* A fill failed: note it, clear what it left half-done, continue. */
        failures = failures + 1;
        size_t used = strlen(err);
        if ((int)used < errlen)
            snprintf(err + used, (size_t)(errlen - (int)used), "%04x:%02x:%02x.%d: %s\n",
                     d->domain, d->bus, d->dev, d->func, rs_pci_message);
        d->known_fields &= ~(unsigned)PCI_FILL_CLASS;
        d = d->next;
        rs_pci_armed = 1;
    } else {
        pci_init(a);
        stage = 1;
        pci_scan_bus(a);
        stage = 2;
        d = a->devices;
    }
    while (d != NULL) {
        pci_fill_info(d, flags);
        d = d->next;
    }
    rs_pci_armed = 0;
    return failures;
}

/* A failed name lookup (libpci raises an error for a malformed pci.ids
   while loading it) becomes a collected warning and "no name". */
static inline void rs_pci_lookup_failed(void) {
    size_t used = strlen(rs_pci_warnings);
    if (used + 2 >= sizeof rs_pci_warnings) return;
    snprintf(rs_pci_warnings + used, sizeof rs_pci_warnings - used - 1, "%s", rs_pci_message);
    used = strlen(rs_pci_warnings);
    while (used > 0 && rs_pci_warnings[used - 1] == '\n') rs_pci_warnings[--used] = '\0';
    rs_pci_warnings[used] = '\n';
    rs_pci_warnings[used + 1] = '\0';
}

/*
 * pci_lookup_name is variadic, which Swift cannot call: one fixed-arity
 * wrapper per lookup restrack makes. They return NULL when the id is not in
 * pci.ids (PCI_LOOKUP_NO_NUMBERS), so Swift can tell "unknown" from a name,
 * and when libpci raised an error (the first lookup loads pci.ids): the
 * lookup arms the jump for its own frame, which is alive while libpci runs.
 * libpci reads only the ids its flags name; unused trailing ones are ignored.
 */
static inline char *rs_pci_lookup(struct pci_access *a, char *buf, int size, int flags,
                                  unsigned id1, unsigned id2, unsigned id3, unsigned id4) {
    rs_pci_armed = 1;
    if (setjmp(rs_pci_jump) != 0) { rs_pci_lookup_failed(); return NULL; }
    char *r = pci_lookup_name(a, buf, size, flags | PCI_LOOKUP_NO_NUMBERS, id1, id2, id3, id4);
    rs_pci_armed = 0;
    return r;
}
static inline char *rs_pci_vendor_name(struct pci_access *a, char *buf, int size, unsigned vendor) {
    return rs_pci_lookup(a, buf, size, PCI_LOOKUP_VENDOR, vendor, 0, 0, 0);
}
static inline char *rs_pci_device_name(struct pci_access *a, char *buf, int size, unsigned vendor, unsigned device) {
    return rs_pci_lookup(a, buf, size, PCI_LOOKUP_DEVICE, vendor, device, 0, 0);
}
static inline char *rs_pci_class_name(struct pci_access *a, char *buf, int size, unsigned device_class) {
    return rs_pci_lookup(a, buf, size, PCI_LOOKUP_CLASS, device_class, 0, 0, 0);
}
static inline char *rs_pci_subsystem_name(struct pci_access *a, char *buf, int size, unsigned vendor,
                                          unsigned device, unsigned subvendor, unsigned subdevice) {
    return rs_pci_lookup(a, buf, size, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, vendor, device, subvendor, subdevice);
}

/* Copies and clears the collected warnings (Swift cannot touch C globals
   under strict concurrency). */
static inline void rs_pci_take_warnings(char *buf, int len) {
    if (len <= 0) return;
    snprintf(buf, (size_t)len, "%s", rs_pci_warnings);
    rs_pci_warnings[0] = '\0';
}

/* The type (statfs's f_type) of the filesystem an open file is on, or -1:
   the kept PCI read proves device directories by what that filesystem
   guarantees (PCIParentCheck). A function, since struct statfs's field
   types differ between architectures. */
static inline long rs_fs_type(int fd) {
    struct statfs s;
    return fstatfs(fd, &s) == 0 ? (long)s.f_type : -1;
}

/* PCI_FILL_* and PCI_ACCESS_* as plain ints for Swift. */
static inline int rs_pci_fill_flags(void) {
    /* Not PCI_FILL_NUMA_NODE: restrack reads numa_node itself (libpci takes
       garbage for 0), and libpci would warn about the same file twice. */
    return PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_SUBSYS;
}
static inline unsigned rs_pci_fill_class_bit(void) { return PCI_FILL_CLASS; }
static inline unsigned rs_pci_fill_subsys_bit(void) { return PCI_FILL_SUBSYS; }
static inline unsigned rs_pci_method_sysfs(void) { return PCI_ACCESS_SYS_BUS_PCI; }

#endif
