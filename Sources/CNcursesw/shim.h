#ifndef DSCOPE_CNCURSESW_SHIM_H
#define DSCOPE_CNCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600; without these the wide API does not import.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
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

// Signals. Handlers only set flags the input loop polls, except where the process is going down
// anyway: then the terminal is restored first (endwin is not async-signal-safe, but a raw,
// echo-less shell is worse) and the signal re-raised with its default action.
static volatile sig_atomic_t dscope_quit_signal = 0;
static volatile sig_atomic_t dscope_stop_requested = 0;

static void dscope_restore_and_reraise(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

// A second Ctrl-C or SIGTERM while the first is still pending means the loop is stuck: leave now.
static void dscope_on_quit_signal(int sig) {
    if (dscope_quit_signal != 0) dscope_restore_and_reraise(sig);
    dscope_quit_signal = sig;
}

static void dscope_on_stop_signal(int sig) {
    (void)sig;
    dscope_stop_requested = 1;
}

static void dscope_endwin_at_exit(void) {
    if (!isendwin()) endwin();
}

static inline void dscope_set_handler(int sig, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = handler;  // no SA_RESTART: a blocked read returns and the loop sees the flag
    sigaction(sig, &action, NULL);
}

// Install before newterm: ncurses then leaves SIGINT, SIGTERM and SIGTSTP to us.
static inline void dscope_install_signal_handlers(void) {
    static const int fatal[] = {SIGHUP, SIGQUIT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) dscope_set_handler(fatal[i], dscope_restore_and_reraise);
    dscope_set_handler(SIGINT, dscope_on_quit_signal);
    dscope_set_handler(SIGTERM, dscope_on_quit_signal);
    dscope_set_handler(SIGTSTP, dscope_on_stop_signal);
    atexit(dscope_endwin_at_exit);
}

static inline int dscope_take_quit_signal(void) {
    int sig = dscope_quit_signal;
    dscope_quit_signal = 0;
    return sig;
}

static inline int dscope_take_stop_request(void) {
    int requested = dscope_stop_requested;
    dscope_stop_requested = 0;
    return requested;
}

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
    dscope_set_handler(SIGTSTP, dscope_on_stop_signal);
}

#endif
