#ifndef DSCOPE_CNCURSESW_SHIM_H
#define DSCOPE_CNCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600; without these the wide API does not import.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <ncursesw/curses.h>

int wcwidth(wchar_t c);

// Macros Swift cannot import, exposed as functions.
static inline attr_t dscope_a_bold(void) { return A_BOLD; }
static inline attr_t dscope_a_dim(void) { return A_DIM; }
static inline attr_t dscope_a_reverse(void) { return A_REVERSE; }
static inline attr_t dscope_a_underline(void) { return A_UNDERLINE; }
static inline attr_t dscope_a_italic(void) { return A_ITALIC; }
static inline int dscope_key_f(int n) { return KEY_F(n); }
static inline WINDOW *dscope_stdscr(void) { return stdscr; }
static inline int dscope_lines(void) { return LINES; }
static inline int dscope_cols(void) { return COLS; }
static inline int dscope_colors(void) { return COLORS; }

// A screen on explicit streams (newterm) instead of initscr, which exits the process on failure.
static inline SCREEN *dscope_newterm(const char *term, int output_fd, int input_fd) {
    FILE *out = output_fd == 1 ? stdout : fdopen(output_fd, "w");
    FILE *in = input_fd == 0 ? stdin : fdopen(input_fd, "r");
    if (out == NULL || in == NULL) return NULL;
    return newterm(term, out, in);
}

// Mouse: left presses and the wheel (buttons 4 and 5), reported at once (no click interval).
static inline void dscope_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

// The pending mouse event: 1 = left press, 4 = wheel up, 5 = wheel down, 0 = other or none.
static inline int dscope_mouse_event(int *row, int *column) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *row = event.y;
    *column = event.x;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}

// Signals. A handler only writes the signal's number to a pipe that the input loop polls together
// with the keyboard, so a signal is seen at once and in order with the keys around it. Where the
// process is going down anyway (a crash, or a second quit signal while the first is still pending:
// the loop is stuck) the terminal is restored first (endwin is not async-signal-safe, but a raw,
// echo-less shell is worse) and the signal re-raised with its default action.
static int dscope_signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t dscope_quit_pending = 0;
// The quit signal the one-second deadline (SIGALRM) falls back to.
static volatile sig_atomic_t dscope_quit_deadline = 0;

static void dscope_restore_and_reraise(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

// A quit signal also arms a one-second alarm: should the loop be busy (a long export on its
// thread), the process still goes down on time, terminal restored, killed by the signal itself.
static void dscope_on_deadline(int sig) {
    (void)sig;
    if (dscope_quit_deadline != 0) dscope_restore_and_reraise(dscope_quit_deadline);
}

static void dscope_on_signal(int sig) {
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
        if (dscope_quit_pending != 0) dscope_restore_and_reraise(sig);
        dscope_quit_pending = sig;
        dscope_quit_deadline = sig;
        alarm(1);
    }
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    ssize_t written = write(dscope_signal_pipe[1], &byte, 1);
    (void)written;
    errno = saved;
}

static void dscope_endwin_at_exit(void) {
    if (!isendwin()) endwin();
}

static inline void dscope_set_handler(int sig, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = handler;  // no SA_RESTART: a blocked poll returns and the loop reads the pipe
    sigaction(sig, &action, NULL);
}

static inline int dscope_nonblocking_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// Install before newterm: ncurses then leaves SIGINT, SIGTERM, SIGTSTP and SIGWINCH to us.
// Returns 0, or -1 when the pipe cannot be made (then the handlers are not installed).
static inline int dscope_install_signal_handlers(void) {
    if (dscope_signal_pipe[0] < 0) {
        if (pipe(dscope_signal_pipe) != 0) return -1;
        if (dscope_nonblocking_cloexec(dscope_signal_pipe[0]) != 0
            || dscope_nonblocking_cloexec(dscope_signal_pipe[1]) != 0) return -1;
    }
    static const int fatal[] = {SIGQUIT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) dscope_set_handler(fatal[i], dscope_restore_and_reraise);
    static const int polled[] = {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH};
    for (size_t i = 0; i < sizeof polled / sizeof polled[0]; i++) dscope_set_handler(polled[i], dscope_on_signal);
    dscope_set_handler(SIGALRM, dscope_on_deadline);
    atexit(dscope_endwin_at_exit);
    return 0;
}

// Waits up to timeout_ms (-1: forever) for a signal or for input on input_fd. Returns the signal's
// number when one arrived (signals first: they outrank keys typed around them), 0 when input is
// ready, -1 on timeout.
static inline int dscope_wait_for_input(int input_fd, int timeout_ms) {
    struct pollfd fds[2] = {{dscope_signal_pipe[0], POLLIN, 0}, {input_fd, POLLIN, 0}};
    int ready = poll(fds, 2, timeout_ms);
    unsigned char byte;
    if (dscope_signal_pipe[0] >= 0 && read(dscope_signal_pipe[0], &byte, 1) == 1) return byte;
    if (ready > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) return 0;
    return -1;
}

// The terminal's size now (after SIGWINCH), applied to ncurses; 0 on success.
static inline int dscope_apply_window_size(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return -1;
    return resizeterm(size.ws_row, size.ws_col) == OK ? 0 : -1;
}

// The loop has seen the quit signal and is leaving; only a signal after this one means it is stuck.
static inline void dscope_quit_seen(void) { dscope_quit_pending = 0; }

// Stops the process as Ctrl-Z would; returns once the shell continues it (fg). The caller may be
// a dispatch worker (an async main's main actor runs on one), and workers block SIGTSTP: unblock it
// here so that raise() stops the process before it returns.
static inline void dscope_stop_process(void) {
    sigset_t stop, previous;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTSTP);
    signal(SIGTSTP, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &stop, &previous);
    raise(SIGTSTP);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    dscope_set_handler(SIGTSTP, dscope_on_signal);
}

#endif
