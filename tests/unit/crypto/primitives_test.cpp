#include "node/crypto/primitives.h"

#include <gtest/gtest.h>

#include "node/crypto/identity.h"

namespace tracenet::crypto {
namespace {

class PrimitivesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Init()); }
};

TEST_F(PrimitivesTest, SignatureVerifiesOnlyOverTheSignedBytes) {
  Identity id = GenerateIdentity();
  Bytes message = {1, 2, 3, 4};
  Signature sig = Sign(id.sign_secret, message);
  EXPECT_TRUE(Verify(id.pub.sign_public, message, sig));
  message[0] ^= 1;
  EXPECT_FALSE(Verify(id.pub.sign_public, message, sig));
  EXPECT_FALSE(Verify(id.pub.sign_public, message, ByteView(sig.data(), 63)));
}

TEST_F(PrimitivesTest, BothEndsDeriveTheSamePairKeyPerDirection) {
  Identity a = GenerateIdentity(), b = GenerateIdentity();
  auto a_to_b_at_a = DerivePairKey(a.enc_secret, b.pub.enc_public, a.pub.enc_public, b.pub.enc_public);
  auto a_to_b_at_b = DerivePairKey(b.enc_secret, a.pub.enc_public, a.pub.enc_public, b.pub.enc_public);
  auto b_to_a_at_b = DerivePairKey(b.enc_secret, a.pub.enc_public, b.pub.enc_public, a.pub.enc_public);
  ASSERT_TRUE(a_to_b_at_a && a_to_b_at_b && b_to_a_at_b);
  EXPECT_EQ(0, std::memcmp(a_to_b_at_a->data(), a_to_b_at_b->data(), 32));
  EXPECT_NE(0, std::memcmp(a_to_b_at_a->data(), b_to_a_at_b->data(), 32));
}

TEST_F(PrimitivesTest, MessageKeysDifferPerMessageAndOpenOnlyTheirOwnCiphertext) {
  Identity a = GenerateIdentity(), b = GenerateIdentity();
  auto pair = DerivePairKey(a.enc_secret, b.pub.enc_public, a.pub.enc_public, b.pub.enc_public);
  Bytes id1(16, 1), id2(16, 2), ad = {9, 9};
  SymmetricKey k1 = DeriveMessageKey(*pair, id1), k2 = DeriveMessageKey(*pair, id2);
  Bytes sealed = AeadSeal(k1, ad, AsBytes("weapon serial ABC123"));
  auto opened = AeadOpen(k1, ad, sealed);
  ASSERT_TRUE(opened);
  EXPECT_EQ(AsString(*opened), "weapon serial ABC123");
  EXPECT_FALSE(AeadOpen(k2, ad, sealed));
  Bytes other_ad = {9, 8};
  EXPECT_FALSE(AeadOpen(k1, other_ad, sealed));
  sealed.back() ^= 1;
  EXPECT_EQ(AeadOpen(k1, ad, sealed).error().code, Errc::kDecryptFailed);
  EXPECT_NE(CommitToKey(k1), CommitToKey(k2));
}

TEST_F(PrimitivesTest, TruncatedCiphertextIsRefused) {
  SymmetricKey k;
  EXPECT_FALSE(AeadOpen(k, {}, Bytes(10, 0)));
}

}  // namespace
}  // namespace tracenet::crypto
