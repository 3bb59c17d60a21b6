#ifndef DSCOPE_CNCURSESW_SHIM_H
#define DSCOPE_CNCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600; without these the wide API does not import.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
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

#endif
