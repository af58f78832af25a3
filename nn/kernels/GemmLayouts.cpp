// Weight and activation re-layouts shared by the kernels, and the calls into
// the AVX-512 kernels with their plain arguments (plain C++, any CPU).
#include <algorithm>
#include <cstring>

#include "nn/kernels/GemmImpl.hpp"

namespace alwann::nn::kernels {

void prepare_planes(const rtl::ProductTable& table, PreparedTable::Impl& t) {
  // Per weight code w: the product planes (low bytes of its 256 products,
  // then high bytes), and the error E_w(x) = M(w, x) - w * x with its class
  // (ApproxPlanesArgs) and, for classes 0 and 1, the error plane E_w - min.
  const std::uint8_t flip = t.is_signed ? 0x80 : 0x00;
  t.planes = AlignedBytes(256 * kPlaneRowBytes);
  t.error_planes = AlignedBytes(256 * kErrorRowBytes);
  for (int w = 0; w < 256; ++w) {
    const auto wc = static_cast<std::uint8_t>(w);
    const std::uint16_t* row = table.row(wc);
    std::uint8_t* lo = t.planes.data() + w * kPlaneRowBytes;
    std::uint8_t* hi = lo + 256;
    std::int32_t err[256];
    for (int x = 0; x < 256; ++x) {
      lo[x] = static_cast<std::uint8_t>(row[x] & 0xFF);
      hi[x] = static_cast<std::uint8_t>((row[x] >> 8) ^ flip);
      const auto xc = static_cast<std::uint8_t>(x);
      err[x] = table.value(wc, xc) - table.exact_value(wc, xc);
    }
    const std::int32_t mn = *std::min_element(err, err + 256), mx = *std::max_element(err, err + 256);
    t.row_class[w] = mx == mn ? 0 : mx - mn < 256 ? 1 : 2;
    t.row_min[w] = mn;
    if (t.row_class[w] == 1)
      for (int x = 0; x < 256; ++x) t.error_planes.data()[w * kErrorRowBytes + x] = static_cast<std::uint8_t>(err[x] - mn);
  }
}

void prepare_entries(PreparedGemm::Impl& p) {
  // Per channel: class-1 entries, then class-2 ones; the constant collects
  // the class-0/1 offsets and the signed planes' bias of 32768 per class-2 entry.
  const PreparedTable::Impl& t = *p.table;
  const int N = p.N, K = p.K;
  std::vector<std::uint8_t> exact_w(p.w);
  p.entries.clear();
  p.entry_begin.assign(static_cast<std::size_t>(N) + 1, 0);
  p.entry_split.assign(static_cast<std::size_t>(N), 0);
  p.constant.assign(static_cast<std::size_t>(N), 0);
  bool any_exact = false;
  std::vector<std::int32_t> second;
  for (int n = 0; n < N; ++n) {
    p.entry_begin[n] = static_cast<std::int32_t>(p.entries.size());
    second.clear();
    std::uint32_t constant = 0;  // wraps like the int32 sums
    for (int k = 0; k < K; ++k) {
      const std::size_t i = static_cast<std::size_t>(n) * K + k;
      const int w = p.w[i];
      if (t.row_class[w] == 2) {
        second.push_back(k << 8 | w);
        exact_w[i] = 0;
        constant -= p.is_signed ? 32768u : 0u;
        continue;
      }
      any_exact = true;
      constant += static_cast<std::uint32_t>(t.row_min[w]);
      if (t.row_class[w] == 1) p.entries.push_back(k << 8 | w);
    }
    p.entry_split[n] = static_cast<std::int32_t>(p.entries.size());
    p.entries.insert(p.entries.end(), second.begin(), second.end());
    p.constant[n] = static_cast<std::int32_t>(constant);
  }
  p.entry_begin[N] = static_cast<std::int32_t>(p.entries.size());
  if (any_exact) p.exact_part = make_exact(p.is_signed, std::move(exact_w), N, K, p.path);
}

std::shared_ptr<PreparedGemm::Impl> make_exact(bool is_signed, std::vector<std::uint8_t> w, int N, int K,
                                               KernelPath path) {
  auto p = std::make_shared<PreparedGemm::Impl>();
  p->N = N;
  p->K = K;
  p->path = path;
  p->is_signed = is_signed;
  p->exact = true;
  p->w = std::move(w);
  if (path == KernelPath::Avx512) prepare_exact_packed(*p);
  return p;
}

void prepare_exact_packed(PreparedGemm::Impl& p) {
  // Rows of whole 4-byte k groups, channels padded to the kernel's block;
  // padding weights are 0, so whatever the padded activations hold adds 0.
  p.n_padded = (p.N + kExactChannelBlock - 1) / kExactChannelBlock * kExactChannelBlock;
  p.k_groups = (p.K + 3) / 4;
  const std::size_t kp = static_cast<std::size_t>(p.k_groups) * 4;
  p.packed = AlignedBytes(kp * p.n_padded);
  p.correction.assign(p.n_padded, 0);
  for (int n = 0; n < p.N; ++n) {
    std::int32_t sum = 0;
    for (int k = 0; k < p.K; ++k) {
      const std::uint8_t w = p.w[static_cast<std::size_t>(n) * p.K + k];
      p.packed.data()[n * kp + k] = w;
      sum += p.is_signed ? static_cast<std::int8_t>(w) : w;
    }
    p.correction[n] = p.is_signed ? -128 * sum : 128 * sum;
  }
}

namespace {

// Transposes the 8 x 8 bytes whose rows start at src + i * src_stride into
// dst + j * dst_stride: three rounds of swapping 1-, 2- and 4-byte halves of
// 2 x 2 blocks inside 64-bit words (Hacker's Delight, transpose8).
void transpose_8x8(const std::uint8_t* src, std::size_t src_stride, std::uint8_t* dst, std::size_t dst_stride) {
  std::uint64_t a[8];
  for (int i = 0; i < 8; ++i) std::memcpy(&a[i], src + i * src_stride, 8);
  for (int i = 0; i < 8; i += 2) {
    const std::uint64_t t = ((a[i] >> 8) ^ a[i + 1]) & 0x00FF00FF00FF00FFull;
    a[i + 1] ^= t;
    a[i] ^= t << 8;
  }
  for (int i : {0, 1, 4, 5}) {
    const std::uint64_t t = ((a[i] >> 16) ^ a[i + 2]) & 0x0000FFFF0000FFFFull;
    a[i + 2] ^= t;
    a[i] ^= t << 16;
  }
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t t = ((a[i] >> 32) ^ a[i + 4]) & 0x00000000FFFFFFFFull;
    a[i + 4] ^= t;
    a[i] ^= t << 32;
  }
  for (int j = 0; j < 8; ++j) std::memcpy(dst + j * dst_stride, &a[j], 8);
}

}  // namespace

void transpose_bytes(const std::uint8_t* src, int rows, int cols, std::uint8_t* dst) {
  // 8 x 8 blocks in registers; the ragged right and bottom edges byte by byte.
  const int rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
  const std::size_t R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols);
  for (int r = 0; r < rows8; r += 8)
    for (int c = 0; c < cols8; c += 8) transpose_8x8(src + r * C + c, C, dst + c * R + r, R);
  for (int r = 0; r < rows; ++r)
    for (int c = r < rows8 ? cols8 : 0; c < cols; ++c) dst[c * R + r] = src[r * C + c];
}

namespace {
// Per-thread scratch that only grows: the engine calls the kernels once per
// layer and batch, and a fresh multi-megabyte buffer each time would mean
// fresh pages (page faults) each time.
AlignedBytes& thread_scratch(std::size_t bytes) {
  thread_local AlignedBytes scratch;
  if (bytes > scratch.size()) scratch = AlignedBytes(bytes);
  return scratch;
}
}  // namespace

ApproxPlanesArgs approx_args(const PreparedGemm::Impl& p) {
  return {p.table->planes.data(), p.table->error_planes.data(), p.entries.data(), p.entry_begin.data(),
          p.entry_split.data(),   p.constant.data(),              p.N,              p.exact_part != nullptr};
}

void run_approx_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  if (p.exact_part) run_exact_avx512(*p.exact_part, xt, M, c, o);
  approx_xt_avx512(approx_args(p), xt, M, c, o);
}

void run_exact_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  const int m_padded = (M + kExactPixelBlock - 1) / kExactPixelBlock * kExactPixelBlock;
  AlignedBytes& xp = thread_scratch(static_cast<std::size_t>(p.k_groups) * 4 * m_padded);
  pack_activations_avx512(xt, p.K, M, p.k_groups, m_padded, xp.data());
  const ExactPackedArgs a{p.packed.data(), p.correction.data(), p.N, p.n_padded, p.k_groups, p.is_signed};
  exact_avx512(a, xp.data(), M, m_padded, c, o);
}

}  // namespace alwann::nn::kernels
