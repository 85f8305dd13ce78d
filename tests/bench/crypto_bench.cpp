// Crypto cost per message, alone (issue: "crypto alone"): what a sender pays to seal a 1 KiB
// trace request (AEAD under a per-message key derived from the precomputed pair key, plus an
// Ed25519 signature) and what a recipient pays to open it, against two baselines measured in the
// same run: the bare Ed25519 operations, and a fresh X25519 operation per message (libsodium
// sealed boxes), which the per-message key derivation avoids.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "node/crypto/primitives.h"
#include "node/protocol/envelope.h"

namespace {

using namespace tracenet;

struct Pair {
  crypto::Identity mex = crypto::GenerateIdentity();
  crypto::Identity usa = crypto::GenerateIdentity();
  std::shared_ptr<const protocol::Keyring> mex_keys, usa_keys;
  Bytes payload = Bytes(1024, 0x5a);
  Pair() {
    auto pub = [](const std::string& id, const crypto::Identity& i) {
      protocol::PeerKeys p;
      p.id = id;
      p.sign_public = i.pub.sign_public;
      p.enc_public = i.pub.enc_public;
      return p;
    };
    mex_keys = *protocol::Keyring::Create("MEX", mex, {pub("USA", usa)});
    usa_keys = *protocol::Keyring::Create("USA", usa, {pub("MEX", mex)});
  }
};

Pair& Keys() {
  static Pair* pair = [] {
    (void)crypto::Init();
    return new Pair();
  }();
  return *pair;
}

constexpr uint64_t kNow = 1'800'000'000'000;

void BM_SenderSealAndSign1KiB(benchmark::State& state) {
  Pair& k = Keys();
  for (auto _ : state) {
    auto sealed = protocol::SealEnvelope(*k.mex_keys, "USA", protocol::wire::MessageKind::TraceRequest, k.payload,
                                         kNow, 3'600'000);
    benchmark::DoNotOptimize(sealed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SenderSealAndSign1KiB);

void BM_RecipientVerifyAndOpen1KiB(benchmark::State& state) {
  Pair& k = Keys();
  auto sealed = protocol::SealEnvelope(*k.mex_keys, "USA", protocol::wire::MessageKind::TraceRequest, k.payload,
                                       kNow, 3'600'000);
  for (auto _ : state) {
    auto opened = protocol::OpenEnvelope(sealed->bytes, *k.usa_keys, {kNow, 300'000, 1 << 20});
    if (!opened) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecipientVerifyAndOpen1KiB);

void BM_BaselineEd25519Sign(benchmark::State& state) {
  Pair& k = Keys();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::Sign(k.mex.sign_secret, k.payload));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineEd25519Sign);

void BM_BaselineEd25519Verify(benchmark::State& state) {
  Pair& k = Keys();
  crypto::Signature sig = crypto::Sign(k.mex.sign_secret, k.payload);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::Verify(k.mex.pub.sign_public, k.payload, sig));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineEd25519Verify);

// The alternative the protocol avoids: a fresh X25519 operation per message.
void BM_BaselineSealedBoxEncrypt1KiB(benchmark::State& state) {
  Pair& k = Keys();
  Bytes out(k.payload.size() + crypto_box_SEALBYTES);
  for (auto _ : state) {
    crypto_box_seal(out.data(), k.payload.data(), k.payload.size(), k.usa.pub.enc_public.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineSealedBoxEncrypt1KiB);

void BM_PerMessageKeyAeadEncrypt1KiB(benchmark::State& state) {
  Pair& k = Keys();
  const crypto::SymmetricKey* pair = k.mex_keys->OutboundKey("USA");
  Bytes id(16, 1);
  for (auto _ : state) {
    crypto::SymmetricKey mk = crypto::DeriveMessageKey(*pair, id);
    benchmark::DoNotOptimize(crypto::AeadSeal(mk, id, k.payload));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PerMessageKeyAeadEncrypt1KiB);

}  // namespace

BENCHMARK_MAIN();
