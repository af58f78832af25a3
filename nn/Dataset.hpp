#pragma once
// Labelled 8-bit image data sets: IDX files (MNIST / Fashion-MNIST layout,
// gzipped or plain) and the CIFAR-10 binary batches. Images are stored CHW,
// raw pixel bytes; normalisation is the model's business (ModelConfig).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace alwann::nn {

enum class Split { Train, Test };

struct Dataset {
  std::string source;  // directory it was read from
  std::string format;  // "idx" or "cifar10"
  int channels = 0, height = 0, width = 0;
  std::vector<std::uint8_t> pixels;  // size() * image_size() bytes, CHW per image
  std::vector<std::uint8_t> labels;

  std::size_t size() const { return labels.size(); }
  std::size_t image_size() const { return static_cast<std::size_t>(channels) * height * width; }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * image_size(); }
};

// The directory the name "fashion-mnist" stands for (Debian's dataset-fashion-mnist).
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// `spec`: "fashion-mnist", or a directory holding either
//   {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]   (IDX), or
//   data_batch_1..5.bin / test_batch.bin                 (CIFAR-10 binary,
//   also inside a cifar-10-batches-bin/ subdirectory).
// Reads at most `max_images` images. Throws alwann::Error naming the path
// when it is missing, unrecognised or malformed.
Dataset load_dataset(const std::string& spec, Split split,
                     std::size_t max_images = std::numeric_limits<std::size_t>::max());

// Every label must name one of the model's `classes` outputs: an IDX label
// byte can be anything up to 255, and a 10-class set on a 3-output model
// would otherwise be scored without a word. Throws naming the data set, the
// image and the model.
void check_labels(const Dataset& d, std::int64_t classes, const std::string& model_name);

// `count` distinct indices from [0, n), chosen by a seeded generator that is
// the same on every platform (for calibration images).
std::vector<std::size_t> sample_indices(std::size_t n, std::size_t count, std::uint64_t seed);

}  // namespace alwann::nn
