// Verilator XML the fuzz target (tests/fuzz/fuzz_verilator_xml) turned up:
// it once wrote past a net's bits in the bit-blaster (an ASan report); now it
// is a one-line error naming the source file. Input layout as the fuzz target
// takes it: the top module's name, a newline, the XML.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "common/Error.hpp"
#include "rtl/VerilatorNetlistReader.hpp"

using namespace alwann;
namespace fs = std::filesystem;

namespace {
std::string read_regression_xml(const std::string& name, const std::string& xml_path, std::string& top) {
  std::ifstream in(std::string(ALWANN_SOURCE_DIR) + "/tests/fuzz/regressions/verilator_xml/" + name, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto newline = bytes.find('\n');
  REQUIRE(newline != std::string::npos);
  top = bytes.substr(0, newline);
  std::ofstream(xml_path, std::ios::binary) << bytes.substr(newline + 1);
  return xml_path;
}
}  // namespace

TEST_CASE("a scoped port net narrower than its port is an error, not a write past its bits", "[rtl][fuzz]") {
  const std::string xml = (fs::temp_directory_path() / ("alwann_test_rtl_fuzz_" + std::to_string(::getpid()) + ".xml")).string();
  std::string top;
  read_regression_xml("scoped_port_narrower_than_port.xml", xml, top);
  std::string error = "no error";
  try {
    rtl::read_verilator_xml(xml, "fuzz.v", top);
  } catch (const Error& e) {
    error = e.what();
  }
  fs::remove(xml);
  CHECK_THAT(error, Catch::StartsWith("fuzz.v:") && Catch::Contains("port B is declared 8 bits wide but its net has 1"));
}
