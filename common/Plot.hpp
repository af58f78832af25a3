#pragma once
// Charts through gnuplot (Debian's gnuplot-nox; reference §8) rather than
// hand-written SVG: the caller writes the plotting commands and the data
// files, this runs gnuplot once per format in a private temporary folder.
#include <map>
#include <string>

namespace alwann {

struct PlotOutput {
  std::string png, svg;  // file contents
};

// `script`: gnuplot commands after the terminal and output lines; `data`:
// file name -> content, readable from the script by name. Throws
// alwann::Error when gnuplot is missing or fails (its first error line).
PlotOutput render_plot(const std::string& script, const std::map<std::string, std::string>& data, int width = 900,
                       int height = 600);

// The text quoted for a gnuplot string (single quotes doubled).
std::string gnuplot_quote(const std::string& s);

}  // namespace alwann
