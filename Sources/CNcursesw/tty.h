#ifndef RESTRACK_CNCURSESW_TTY_H
#define RESTRACK_CNCURSESW_TTY_H
/* Terminal-device helpers the dashboard loop needs beside ncurses. Swift
   cannot call the variadic ioctl, and the termios flag names are simpler
   to get right in C. */
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* The window size of the terminal on `fd`; 0 on success. */
static inline int rs_tty_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

/* Turns XON/XOFF flow control off on `fd`: with IXON on, Ctrl-S stops all
   output until Ctrl-Q, and a loop blocked writing a frame can then never
   read the Ctrl-Q. 0 on success. */
static inline int rs_tty_flow_control_off(int fd) {
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return -1;
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
    return tcsetattr(fd, TCSANOW, &t);
}

/* Restarts output stopped by XOFF or tcflow(TCOOFF). */
static inline int rs_tty_restart_output(int fd) { return tcflow(fd, TCOON); }

/* Discards output queued for the terminal but not yet sent. */
static inline int rs_tty_drop_output(int fd) { return tcflush(fd, TCOFLUSH); }
#endif
