#include "sim/PeArray.hpp"

#include <algorithm>

#include <bitset>

#include "mapping/ArrayTiming.hpp"
#include "rtl/AdderNetlist.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/ToggleEnergy.hpp"

namespace alwann::sim {

namespace {
constexpr std::size_t kToggleBatch = 256;  // operations buffered per PE before feeding its toggle simulator
}

PeArray::PeArray(sc_core::sc_module_name name, int rows, int cols, const std::string& multiplier,
                 mapping::WeightBuffering buffering, const SimClock& clock, MemoryChannel& gb,
                 std::shared_ptr<const rtl::TechModel> tech, int adder_bits)
    : sc_module(name), R_(rows), C_(cols), buffering_(buffering), clock_(clock), gb_(gb), adder_bits_(adder_bits) {
  auto& lib = rtl::MultiplierLibrary::instance();
  signed_ = lib.info(multiplier).is_signed;
  // A table-only multiplier has no netlist to toggle: priced by library power (EnergyModel).
  const bool toggles = lib.info(multiplier).has_netlist;
  auto netlist = toggles ? lib.netlist(multiplier) : nullptr;
  const std::size_t pes = static_cast<std::size_t>(R_) * C_;
  // The multiplier is combinational: one Verilated evaluator serves every PE
  // of the array (a model per PE exhausted the process's resources at 128x128).
  model_ = lib.model(multiplier);
  const rtl::ToggleWeights weights =
      toggles ? std::make_shared<const std::vector<double>>(rtl::toggle_weights_fj(*netlist, *tech)) : nullptr;
  for (std::size_t i = 0; i < pes; ++i) {
    if (toggles) toggles_.push_back(std::make_unique<rtl::ToggleSimulator>(netlist, weights));
    adders_.push_back(std::make_unique<rtl::AdderToggleSimulator>(adder_bits, tech));
  }
  pending_sum_.assign(pes, {});
  pending_prod_.assign(pes, {});
  act_reg_.assign(pes, 0);
  psum_reg_.assign(pes, 0);
  pending_a_.assign(pes, {});
  pending_b_.assign(pes, {});
  w_active_.assign(pes, 0);
  w_shadow_.assign(pes, 0);
  act_val_.assign(pes, 0);
  act_tau_.assign(pes, -1);
  psum_.assign(pes, 0);
  ring_.assign(R_, -1);
  SC_THREAD(clocked);
}

PeArray::~PeArray() = default;

void PeArray::run(const Job& job) {
  job_ = job;
  start_.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(done_);
}

double PeArray::toggle_energy_fj() const {
  double e = 0;
  for (const auto& t : toggles_) e += t->energy_fj();
  return e;
}

double PeArray::adder_energy_fj() const {
  double e = 0;
  for (const auto& t : adders_) e += t->energy_fj();
  return e;
}

void PeArray::flush_pe(std::size_t i) {
  if (pending_a_[i].empty()) return;
  if (!toggles_.empty()) toggles_[i]->feed(pending_a_[i].data(), pending_b_[i].data(), pending_a_[i].size());
  adders_[i]->feed(pending_sum_[i].data(), pending_prod_[i].data(), pending_sum_[i].size());
  pending_a_[i].clear();
  pending_b_[i].clear();
  pending_sum_[i].clear();
  pending_prod_[i].clear();
}

void PeArray::flush_toggles() {
  for (std::size_t i = 0; i < pending_a_.size(); ++i) flush_pe(i);
}

void PeArray::begin_load(std::int64_t fold, std::int64_t t) {
  const auto& l = *job_.layer;
  const auto s = mapping::fold_shape(l, R_, C_, fold);
  const std::int64_t kf_count = mapping::ceil_div(l.K, R_), nf_count = mapping::ceil_div(l.N, C_);
  load_fold_ = fold;
  load_k_ = s.k;
  load_n_ = s.n;
  load_k0_ = static_cast<int>(fold % kf_count) * R_;
  load_n0_ = static_cast<int>((fold / kf_count) % nf_count) * C_;
  load_g_ = static_cast<int>(fold / (kf_count * nf_count));
  load_grant_ = gb_.reserve(t, static_cast<std::int64_t>(s.k) * s.n);
  load_items_ = 0;
  load_cum_ = 0;
  loading_ = true;
  // Item 0 carries bytes only when every row is used (k == R).
  load_cum_ = R_ == s.k ? s.n : 0;
  load_next_ = load_cum_ > 0 ? std::max(t, load_grant_ + mapping::transfer_cycles(static_cast<double>(load_cum_), gb_.bytes_per_cycle()) - 1) : t;
}

// One weight row enters the top of the shadow registers when the entry rule allows.
void PeArray::load_step(std::int64_t t) {
  if (!loading_ || t != load_next_) return;
  const auto& l = *job_.layer;
  const auto& W = job_.operands->weights[load_g_];
  for (int r = R_ - 1; r >= 1; --r)
    for (int c = 0; c < C_; ++c) w_shadow_[r * C_ + c] = w_shadow_[(r - 1) * C_ + c];
  const int row = R_ - 1 - static_cast<int>(load_items_);  // where this item ends up
  for (int c = 0; c < C_; ++c)
    w_shadow_[c] = (row < load_k_ && c < load_n_)
                       ? W[static_cast<std::size_t>(load_n0_ + c) * l.K + load_k0_ + row]
                       : std::uint8_t{0};
  ++load_items_;
  if (load_items_ == R_) {
    loading_ = false;
    load_end_ = t + 1;
    return;
  }
  // Next item: free (a row beyond k) or carrying load_n_ bytes.
  const int next_row = R_ - 1 - static_cast<int>(load_items_);
  load_next_ = t + 1;
  if (next_row < load_k_) {
    load_cum_ += load_n_;
    load_next_ = std::max(t + 1, load_grant_ + mapping::transfer_cycles(static_cast<double>(load_cum_), gb_.bytes_per_cycle()) - 1);
  }
}

void PeArray::start_stream(std::int64_t t) {
  const auto& l = *job_.layer;
  w_active_ = w_shadow_;
  fold_ = load_fold_;
  k_ = load_k_;
  n_ = load_n_;
  g_ = load_g_;
  k0_ = load_k0_;
  n0_ = load_n0_;
  stream_grant_ = gb_.reserve(t, static_cast<std::int64_t>(l.T) * k_);
  injected_ = 0;
  processed_ = 0;
  streaming_ = true;
  stream_next_ = std::max(t, stream_grant_ + mapping::transfer_cycles(k_, gb_.bytes_per_cycle()) - 1);
  if (buffering_ == mapping::WeightBuffering::Double && fold_ + 1 < folds_) begin_load(fold_ + 1, t);
}

std::int64_t PeArray::array_step(std::int64_t t) {
  const auto& l = *job_.layer;
  const auto& X = job_.operands->activations[g_];
  std::vector<std::int32_t>* out = job_.outputs ? &(*job_.outputs)[g_] : nullptr;
  std::int64_t processed = 0;
  for (int r = R_ - 1; r >= 0; --r) {
    const std::int64_t from_skew = ring_[static_cast<std::size_t>(((t - r) % R_ + R_) % R_)];
    for (int c = C_ - 1; c >= 0; --c) {
      const std::size_t i = static_cast<std::size_t>(r) * C_ + c;
      const std::int64_t tau = c == 0 ? from_skew : act_tau_[i - 1];
      act_tau_[i] = tau;
      if (tau < 0) continue;
      ++processed;
      const std::uint8_t x = c == 0 ? (r < k_ ? X[static_cast<std::size_t>(tau) * l.K + k0_ + r] : std::uint8_t{0})
                                    : act_val_[i - 1];
      act_val_[i] = x;
      if (c >= n_) continue;
      std::int32_t sum = r == 0 ? 0 : psum_[i - C_];
      if (r < k_) {
        const std::uint16_t p = model_->multiply(w_active_[i], x);
        const std::int32_t prod = signed_ ? static_cast<std::int32_t>(static_cast<std::int16_t>(p)) : static_cast<std::int32_t>(p);
        pending_sum_[i].push_back(sum);
        pending_prod_[i].push_back(prod);
        sum += prod;
        ++macs_;
        // Register data flips of this MAC: the activation and partial-sum registers it latches.
        const std::uint64_t mask = adder_bits_ >= 64 ? ~0ULL : ((1ULL << adder_bits_) - 1);
        register_flips_ += static_cast<std::int64_t>(std::bitset<8>(static_cast<unsigned>(act_reg_[i] ^ x)).count()) +
                           static_cast<std::int64_t>(std::bitset<64>((static_cast<std::uint64_t>(static_cast<std::int64_t>(psum_reg_[i])) ^
                                                                      static_cast<std::uint64_t>(static_cast<std::int64_t>(sum))) & mask).count());
        act_reg_[i] = x;
        psum_reg_[i] = sum;
        pending_a_[i].push_back(w_active_[i]);
        pending_b_[i].push_back(x);
        if (job_.streams) {
          (*job_.streams)[i].a.push_back(w_active_[i]);
          (*job_.streams)[i].b.push_back(x);
        }
        if (pending_a_[i].size() >= kToggleBatch) flush_pe(i);
      }
      psum_[i] = sum;
      if (r == R_ - 1 && out) (*out)[static_cast<std::size_t>(tau) * l.N + n0_ + c] += sum;
    }
  }
  return processed;
}

void PeArray::clocked() {
  while (true) {
    sc_core::wait(start_);
    const auto& l = *job_.layer;
    folds_ = mapping::fold_count(l, R_, C_);
    const std::int64_t begin = clock_.now();
    const std::int64_t per_fold_tokens = static_cast<std::int64_t>(l.T) * R_ * C_;
    std::int64_t t = begin;
    streaming_ = false;
    std::fill(ring_.begin(), ring_.end(), -1);  // the array is idle between layers
    std::fill(act_tau_.begin(), act_tau_.end(), -1);
    begin_load(0, t);
    while (true) {
      if (streaming_ && injected_ == l.T && processed_ == per_fold_tokens) {  // the array is empty
        streaming_ = false;
        if (fold_ + 1 == folds_) break;
        if (buffering_ == mapping::WeightBuffering::Single) begin_load(fold_ + 1, t);
      }
      if (!streaming_ && !loading_ && t >= load_end_) start_stream(t);
      load_step(t);
      std::int64_t entering = -1;
      if (streaming_ && injected_ < l.T && t == stream_next_) {
        entering = injected_++;
        stream_next_ = std::max(t + 1, stream_grant_ +
                                           mapping::transfer_cycles(static_cast<double>(injected_ + 1) * k_, gb_.bytes_per_cycle()) - 1);
      }
      ring_[static_cast<std::size_t>(t % R_)] = entering;
      processed_ += array_step(t);
      sc_core::wait(clock_.period());
      ++t;
    }
    flush_toggles();
    auto& r = *job_.result;
    r.folds += folds_;
    const std::int64_t ideal = mapping::ideal_array_cycles(folds_, R_, C_, l.T, buffering_);
    r.compute_cycles += ideal;
    r.gb_stall_cycles += (t - begin) - ideal;
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

void PeExecutor::run(const mapping::LayerWork& l, int unit, LayerResult& r) {
  if (l.id >= static_cast<int>(operands_.size()) || !operands_[l.id])
    throw Error("pe level: no operand data for layer '" + l.name + "'");
  PeArray& array = *arrays_[unit];
  PeArray::Job job;
  job.layer = &l;
  job.operands = operands_[l.id].get();
  job.result = &r;
  if (record_) {
    auto& s = result_.pe_streams[l.name];
    s.resize(static_cast<std::size_t>(array.pes()));
    job.streams = &s;
  }
  std::vector<std::vector<std::int32_t>> outputs(static_cast<std::size_t>(l.groups),
                                                 std::vector<std::int32_t>(static_cast<std::size_t>(l.T) * l.N, 0));
  job.outputs = &outputs;
  const double before = array.toggle_energy_fj(), add_before = array.adder_energy_fj();
  const std::int64_t macs_before = array.macs(), flips_before = array.register_flips();
  array.run(job);
  r.measured_multiply_fj += array.toggle_energy_fj() - before;
  r.measured_add_fj += array.adder_energy_fj() - add_before;
  r.measured_register_flips += array.register_flips() - flips_before;
  r.measured_ops += array.macs() - macs_before;
  if (keep_outputs_) result_.outputs[l.id] = std::move(outputs);
}

}  // namespace alwann::sim
