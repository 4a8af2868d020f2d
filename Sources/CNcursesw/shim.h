#ifndef RESTRACK_CNCURSESW_SHIM_H
#define RESTRACK_CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so the wide-character API
   must be switched on here. */
#define NCURSES_WIDECHAR 1
#include <wchar.h>
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

/* Returns freed heap to the kernel (glibc keeps it otherwise); a no-op
   where glibc's malloc is not the allocator. Fixing glibc's trim or mmap
   thresholds with mallopt instead saved 1.2 MiB more but doubled idle
   CPU: every frame's canvas was then mapped and faulted in afresh. */
#ifdef __GLIBC__
#include <malloc.h>
static inline void rs_malloc_trim(void) { (void)malloc_trim(0); }
#else
static inline void rs_malloc_trim(void) {}
#endif

static inline WINDOW *rs_stdscr(void) { return stdscr; }
static inline FILE *rs_stdout(void) { return stdout; }
static inline FILE *rs_stdin(void) { return stdin; }
static inline void rs_getmaxyx(WINDOW *w, int *y, int *x) { int a, b; getmaxyx(w, a, b); *y = a; *x = b; }

static inline attr_t rs_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t rs_A_BOLD(void) { return A_BOLD; }
static inline attr_t rs_A_DIM(void) { return A_DIM; }
static inline attr_t rs_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t rs_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t rs_A_STANDOUT(void) { return A_STANDOUT; }
static inline attr_t rs_A_ITALIC(void) { return A_ITALIC; }

static inline chtype rs_ACS_HLINE(void) { return ACS_HLINE; }
static inline chtype rs_ACS_VLINE(void) { return ACS_VLINE; }
static inline chtype rs_ACS_ULCORNER(void) { return ACS_ULCORNER; }
static inline chtype rs_ACS_URCORNER(void) { return ACS_URCORNER; }
static inline chtype rs_ACS_LLCORNER(void) { return ACS_LLCORNER; }
static inline chtype rs_ACS_LRCORNER(void) { return ACS_LRCORNER; }
static inline const cchar_t *rs_WACS_HLINE(void) { return WACS_HLINE; }
static inline const cchar_t *rs_WACS_VLINE(void) { return WACS_VLINE; }

static inline int rs_KEY_F(int n) { return KEY_F(n); }
static inline chtype rs_color_pair(int n) { return COLOR_PAIR(n); }

/* Writes one wide character with attributes and a colour pair. */
static inline int rs_mvadd_wchar(int y, int x, wchar_t ch, attr_t a, short pair) {
    cchar_t cc;
    wchar_t wc[2] = { ch, 0 };
    if (setcchar(&cc, wc, a, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cc);
}

/* 0 = usable, 1 = unknown TERM, 2 = no cursor addressing ('cup'). Leaves
   the current terminal untouched. */
static inline int rs_probe_terminal(const char *t) {
    int e = 0;
    TERMINAL *saved = cur_term;
    if (setupterm((char *)t, 1, &e) != OK) return 1;
    char *c = tigetstr((char *)"cup");
    TERMINAL *probe = cur_term;
    set_curterm(saved);
    del_curterm(probe);
    return (c && c != (char *)-1) ? 0 : 2;
}
#endif
