#include "common/Plot.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/ContentHash.hpp"
#include "common/Error.hpp"

namespace alwann {

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "alwann-plot-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw Error("cannot create a temporary folder for gnuplot in " + fs::temp_directory_path().string());
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
  if (!out) throw Error("cannot write " + p.string());
}

}  // namespace

std::string gnuplot_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

PlotOutput render_plot(const std::string& script, const std::map<std::string, std::string>& data, int width,
                       int height) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    throw Error("gnuplot is not installed (Debian: apt-get install gnuplot-nox; scripts/setup.sh installs it)");
  TempDir dir;
  for (const auto& [name, content] : data) write(dir.path / name, content);
  PlotOutput out;
  const std::pair<const char*, std::string*> formats[] = {{"png", &out.png}, {"svg", &out.svg}};
  for (const auto& [ext, dest] : formats) {
    std::ostringstream s;
    if (std::string(ext) == "png")
      s << "set terminal pngcairo size " << width << "," << height << " enhanced font 'Sans,11'\n";
    else
      s << "set terminal svg size " << width << "," << height << " dynamic enhanced font 'Sans,11'\n";
    s << "set output 'plot." << ext << "'\n" << script << "\nunset output\n";
    write(dir.path / "plot.gp", s.str());
    const std::string cmd = "cd '" + dir.path.string() + "' && gnuplot plot.gp >gnuplot.log 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::ifstream log(dir.path / "gnuplot.log");
      std::string line, first;
      while (std::getline(log, line) && first.empty())
        if (line.find_first_not_of(" ^") != std::string::npos && line.find("line") != std::string::npos) first = line;
      throw Error("gnuplot failed" + (first.empty() ? std::string() : ": " + first));
    }
    *dest = read_file((dir.path / (std::string("plot.") + ext)).string());
  }
  return out;
}

}  // namespace alwann
