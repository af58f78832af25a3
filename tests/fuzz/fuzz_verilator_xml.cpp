// The Verilog importer's front end after Verilator: the netlist reader and
// the bit-blaster on Verilator's flattened XML. Input layout: the top module
// name, a newline, the XML (tests/fuzz/make_seeds.sh writes seeds this way
// from the repository's Verilog). The netlist's 65,536 products are then
// simulated, as the importer does to check it against the Verilated model.
#include <cstring>

#include "FuzzSupport.hpp"
#include "rtl/VerilatorNetlistReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* newline = static_cast<const std::uint8_t*>(std::memchr(data, '\n', size));
  if (!newline) return 0;
  const std::string top(reinterpret_cast<const char*>(data), static_cast<std::size_t>(newline - data));
  const std::size_t skip = static_cast<std::size_t>(newline - data) + 1;
  const std::string path = alwann::fuzz::write_input("netlist.xml", data + skip, size - skip);
  alwann::fuzz::expect_only_alwann_errors([&] {
    alwann::rtl::read_verilator_xml(path, "fuzz.v", top).products();
  });
  return 0;
}
