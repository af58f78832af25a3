// libsystemc.so defines main() calling sc_main(); alwann's executables have
// their own main() (CLI, Catch2, Google Benchmark) and start simulations
// through sim::simulate(), so this stub only satisfies the linker. Weak, so
// a program that wants SystemC's main can still define sc_main.
#include <systemc>

extern "C" __attribute__((weak)) int sc_main(int, char*[]) { return 0; }
