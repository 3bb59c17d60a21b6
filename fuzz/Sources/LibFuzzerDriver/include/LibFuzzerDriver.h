#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry for programs that have their own main (compiler-rt FuzzerInterface.h).
/// SwiftPM links every executable with the module's main, so the targets call this from theirs.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
