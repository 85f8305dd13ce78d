// Sealing from API threads while the node loop puts a new keyring in force (a directory update):
// every seal must use one whole keyring, old or new. Run under ThreadSanitizer (the tsan preset
// of ops/test.sh), this is what shows the keyring is published safely.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "node/crypto/primitives.h"
#include "node/messaging/messenger.h"
#include "tests/support/temp_dir.h"

namespace tracenet::messaging {
namespace {

// Receives nothing in this test: the messenger only seals.
class NoDeliveries final : public DeliveryHandler {
 public:
  Status OnAccepted(store::Txn&, const protocol::Opened&, Outgoing&) override { return Status::Ok(); }
  Status OnHopAccepted(store::Txn&, ByteView, const std::string&, const std::string&) override { return Status::Ok(); }
  Status OnUndeliverable(store::Txn&, ByteView, const std::string&, const Error&) override { return Status::Ok(); }
  Status OnResent(store::Txn&, ByteView, const std::string&) override { return Status::Ok(); }
};

protocol::PeerKeys PublicOf(const std::string& id, const crypto::Identity& identity) {
  protocol::PeerKeys p;
  p.id = id;
  p.sign_public = identity.pub.sign_public;
  p.enc_public = identity.pub.enc_public;
  p.transport_public = identity.pub.transport_public;
  return p;
}

TEST(MessengerKeysTest, SealingOnOtherThreadsWhileTheKeyringIsReplacedUsesOneWholeKeyring) {
  ASSERT_TRUE(crypto::Init());
  crypto::Identity self = crypto::GenerateIdentity(), usa = crypto::GenerateIdentity(), usa_rotated = crypto::GenerateIdentity();
  auto before = *protocol::Keyring::Create("MEX", self, {PublicOf("USA", usa)});
  auto after = *protocol::Keyring::Create("MEX", self, {PublicOf("USA", usa_rotated)});
  auto store = store::NodeStore::Open(test_support::FreshTempDir("messenger-keys"));
  ASSERT_TRUE(store) << store.error().message;
  SystemClock clock;
  Counters counters;
  NoDeliveries handler;
  Messenger messenger(**store, before, clock, MessengerOptions{}, counters, handler);

  std::atomic<bool> done{false};
  std::atomic<int> sealed{0}, failed{0};
  std::vector<std::thread> api_threads;
  for (int t = 0; t < 3; ++t)
    api_threads.emplace_back([&] {
      while (!done) {
        auto s = messenger.Seal("USA", protocol::wire::MessageKind::TraceRequest, AsBytes("a request"));
        ++(s ? sealed : failed);
      }
    });
  // The loop thread's part: directory changes, over and over, while the API threads seal.
  for (int i = 0; i < 2000 || sealed.load() < 300; ++i) messenger.SetKeys(i % 2 ? before : after);
  done = true;
  for (std::thread& t : api_threads) t.join();
  EXPECT_EQ(failed.load(), 0);

  // What was sealed last opens with the recipient's key of the keyring in force.
  messenger.SetKeys(after);
  auto last = messenger.Seal("USA", protocol::wire::MessageKind::TraceRequest, AsBytes("after the change"));
  ASSERT_TRUE(last);
  auto usa_keys = *protocol::Keyring::Create("USA", usa_rotated, {PublicOf("MEX", self)});
  auto opened = protocol::OpenEnvelope(last->bytes, *usa_keys, {clock.NowMs(), 300'000, 1 << 20});
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(AsString(opened->payload), "after the change");
}

}  // namespace
}  // namespace tracenet::messaging
