#include "nn/Dataset.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <numeric>

#include "common/Error.hpp"

namespace alwann::nn {

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Whole file, gunzipped if it is gzip (zlib reads plain files unchanged).
std::string read_maybe_gzipped(const std::string& path, std::size_t limit) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw file_error(path, "cannot open data file");
  std::string out;
  char buf[1 << 16];
  int n;
  while (out.size() < limit && (n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  const std::string why = err != Z_OK && err != Z_STREAM_END ? msg : "";
  gzclose(f);
  if (!why.empty()) throw file_error(path, "corrupt compressed data (" + why + ")");
  return out;
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

std::string pick(const std::string& base) {
  if (exists(base + ".gz")) return base + ".gz";
  if (exists(base)) return base;
  throw file_error(base + "[.gz]", "data file not found");
}

// IDX: magic 0x0000080D (D = number of dimensions, type 08 = unsigned byte), D big-endian sizes, data.
void load_idx(const std::string& dir, Split split, std::size_t max_images, Dataset& d) {
  const std::string prefix = dir + "/" + (split == Split::Train ? "train" : "t10k");
  const std::string img_path = pick(prefix + "-images-idx3-ubyte"), lbl_path = pick(prefix + "-labels-idx1-ubyte");
  const std::string lbl = read_maybe_gzipped(lbl_path, std::numeric_limits<std::size_t>::max());
  if (lbl.size() < 8 || big_endian(lbl, 0) != 0x801) throw file_error(lbl_path, "not an IDX label file (bad magic)");
  const std::size_t n_labels = big_endian(lbl, 4);
  if (lbl.size() < 8 + n_labels) throw file_error(lbl_path, "truncated: header says " + std::to_string(n_labels) + " labels");
  const std::size_t n = std::min(n_labels, max_images);
  // Read the image header first, then only as many images as needed.
  const std::string head = read_maybe_gzipped(img_path, 16);
  if (head.size() < 16 || big_endian(head, 0) != 0x803) throw file_error(img_path, "not an IDX image file (bad magic)");
  const std::size_t n_images = big_endian(head, 4);
  d.channels = 1;
  d.height = static_cast<int>(big_endian(head, 8));
  d.width = static_cast<int>(big_endian(head, 12));
  if (n_images != n_labels)
    throw file_error(img_path, std::to_string(n_images) + " images but " + std::to_string(n_labels) + " labels in " + lbl_path);
  const std::string img = read_maybe_gzipped(img_path, 16 + n * d.image_size());
  if (img.size() < 16 + n * d.image_size()) throw file_error(img_path, "truncated image data");
  d.pixels.assign(img.begin() + 16, img.begin() + static_cast<std::ptrdiff_t>(16 + n * d.image_size()));
  d.labels.assign(lbl.begin() + 8, lbl.begin() + static_cast<std::ptrdiff_t>(8 + n));
  d.format = "idx";
}

// CIFAR-10 binary: records of 1 label byte + 3072 pixel bytes (R, G, B planes of 32x32).
void load_cifar(const std::string& dir, Split split, std::size_t max_images, Dataset& d) {
  std::vector<std::string> files;
  if (split == Split::Test) {
    files.push_back(dir + "/test_batch.bin");
  } else {
    for (int i = 1; i <= 5; ++i)
      if (exists(dir + "/data_batch_" + std::to_string(i) + ".bin")) files.push_back(dir + "/data_batch_" + std::to_string(i) + ".bin");
  }
  if (files.empty() || !exists(files[0])) throw file_error(files.empty() ? dir + "/data_batch_1.bin" : files[0], "data file not found");
  d.channels = 3;
  d.height = d.width = 32;
  d.format = "cifar10";
  const std::size_t record = 1 + d.image_size();
  for (const auto& f : files) {
    const std::string bytes = read_maybe_gzipped(f, std::numeric_limits<std::size_t>::max());
    if (bytes.empty() || bytes.size() % record != 0)
      throw file_error(f, "not a CIFAR-10 binary batch (size " + std::to_string(bytes.size()) + " is not a multiple of 3073)");
    for (std::size_t at = 0; at < bytes.size() && d.labels.size() < max_images; at += record) {
      if (static_cast<unsigned char>(bytes[at]) > 9) throw file_error(f, "label out of range at record " + std::to_string(at / record));
      d.labels.push_back(static_cast<std::uint8_t>(bytes[at]));
      d.pixels.insert(d.pixels.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at + 1),
                      bytes.begin() + static_cast<std::ptrdiff_t>(at + record));
    }
  }
}

}  // namespace

Dataset load_dataset(const std::string& spec, Split split, std::size_t max_images) {
  Dataset d;
  std::string dir = spec == "fashion-mnist" ? std::string(kFashionMnistDir) : spec;
  if (!is_dir(dir)) throw file_error(dir, spec == dir ? "data set directory not found" : "data set '" + spec + "' not found");
  if (is_dir(dir + "/cifar-10-batches-bin")) dir += "/cifar-10-batches-bin";
  d.source = dir;
  const bool cifar = exists(dir + "/test_batch.bin") || exists(dir + "/data_batch_1.bin");
  const bool idx = exists(dir + "/t10k-images-idx3-ubyte.gz") || exists(dir + "/t10k-images-idx3-ubyte") ||
                   exists(dir + "/train-images-idx3-ubyte.gz") || exists(dir + "/train-images-idx3-ubyte");
  if (cifar)
    load_cifar(dir, split, max_images, d);
  else if (idx)
    load_idx(dir, split, max_images, d);
  else
    throw file_error(dir, "no IDX (t10k-images-idx3-ubyte[.gz]) or CIFAR-10 (test_batch.bin) files found");
  if (d.size() == 0) throw file_error(dir, "the data set is empty");
  return d;
}

void check_labels(const Dataset& d, std::int64_t classes, const std::string& model_name) {
  for (std::size_t i = 0; i < d.labels.size(); ++i)
    if (d.labels[i] >= classes)
      throw file_error(d.source, "label " + std::to_string(d.labels[i]) + " of image " + std::to_string(i) +
                                     " is out of range: model '" + model_name + "' has " + std::to_string(classes) +
                                     " outputs (labels 0.." + std::to_string(classes - 1) + ")");
}

std::vector<std::size_t> sample_indices(std::size_t n, std::size_t count, std::uint64_t seed) {
  count = std::min(count, n);
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::uint64_t s = seed;
  auto next = [&s] {  // splitmix64: fixed output on every platform, unlike std:: distributions
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  for (std::size_t i = 0; i < count; ++i) std::swap(idx[i], idx[i + next() % (n - i)]);
  idx.resize(count);
  return idx;
}

}  // namespace alwann::nn
