// The external-process seam: a program that hangs, prints garbage, exits, lies about roles or
// ids, or speaks another protocol version. Each costs one lookup with a clear reason; the
// adapter replaces the program and the next lookup is answered.
#include "adapters/process/process_adapter.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "tests/unit/adapters/adapter_test_support.h"

namespace tracenet::adapters {
namespace {

using namespace test_support;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ProcessAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TRACENET_EXAMPLE_ADAPTER", ExampleProcessAdapter().c_str(), 1);
    WriteText(dir + "/fixture.csv", FixtureText(conformance::FixtureFormat::kCsv));
  }
  Result<std::unique_ptr<RegistryAdapter>> Start(nlohmann::json extra = nlohmann::json::object(), int processes = 1) {
    nlohmann::json settings{{"data", dir + "/fixture.csv"}};
    settings.update(extra);
    return CreateAdapter(Config("process", {{"command", {"python3", MisbehavingProcessAdapter()}},
                                            {"pass_env", {"TRACENET_EXAMPLE_ADAPTER"}},
                                            {"processes", processes}, {"settings", settings}},
                                dir, 1000),
                         {});
  }
  // After a failure the program restarts after a short pause; wait it out.
  static Result<Findings> LookupSoon(RegistryAdapter& a, const WeaponQuery& q) {
    Result<Findings> r = a.Lookup(q);
    for (int i = 0; i < 50 && !r && r.error().code == Errc::kUnavailable; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = a.Lookup(q);
    }
    return r;
  }
  std::string dir = tracenet::test_support::FreshTempDir("process-adapter");
};

void ExpectAnswered(RegistryAdapter& a) {
  auto ok = a.Lookup({"TNCK-1001", "Glock"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->outcome, FindingOutcome::kFound);
  EXPECT_EQ(ok->chain.size(), 5u);
}

TEST_F(ProcessAdapterTest, AHungProgramIsStoppedAtTheDeadlineAndReplaced) {
  auto adapter = Start();
  ASSERT_TRUE(adapter) << adapter.error().message;
  auto started = std::chrono::steady_clock::now();
  auto hung = (*adapter)->Lookup({"HANG-1", "Glock"});
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, Errc::kTimeout);
  EXPECT_NE(hung.error().message.find("did not answer in time"), std::string::npos) << hung.error().message;
  EXPECT_LT(took, std::chrono::seconds(10));  // bounded by the 1 s deadline, not the hour it sleeps
  auto next = LookupSoon(**adapter, {"TNCK-1001", "Glock"});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->outcome, FindingOutcome::kFound);
}

TEST_F(ProcessAdapterTest, GarbageOutputIsRefusedWithWhatItWas) {
  auto adapter = Start();
  ASSERT_TRUE(adapter);
  auto garbage = (*adapter)->Lookup({"GARBAGE-1", "Glock"});
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, Errc::kMalformed);
  EXPECT_NE(garbage.error().message.find("adapter sent malformed output: not JSON: \"<html>500"), std::string::npos)
      << garbage.error().message;
  auto next = LookupSoon(**adapter, {"TNCK-1001", "Glock"});
  ASSERT_TRUE(next) << next.error().message;
}

TEST_F(ProcessAdapterTest, AProgramThatExitsIsReportedWithItsStatusAndRestarted) {
  auto adapter = Start();
  ASSERT_TRUE(adapter);
  auto exited = (*adapter)->Lookup({"EXIT-1", "Glock"});
  ASSERT_FALSE(exited);
  EXPECT_EQ(exited.error().code, Errc::kUnavailable);
  EXPECT_NE(exited.error().message.find("exited with status 3"), std::string::npos) << exited.error().message;
  auto next = LookupSoon(**adapter, {"TNCK-1001", "Glock"});
  ASSERT_TRUE(next) << next.error().message;
}

TEST_F(ProcessAdapterTest, RepliesWithUnknownRolesOrAnotherRequestsIdAreRefused) {
  auto adapter = Start();
  ASSERT_TRUE(adapter);
  auto role = (*adapter)->Lookup({"BADROLE-1", "Glock"});
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("role \"smuggler\""), std::string::npos) << role.error().message;
  auto id = LookupSoon(**adapter, {"WRONGID-1", "Glock"});
  ASSERT_FALSE(id);
  EXPECT_NE(id.error().message.find("reply id does not match"), std::string::npos) << id.error().message;
  ASSERT_TRUE(LookupSoon(**adapter, {"TNCK-1001", "Glock"}));
}

TEST_F(ProcessAdapterTest, OtherLookupsProceedWhileOneProgramHangs) {
  auto adapter = Start(nlohmann::json::object(), 2);
  ASSERT_TRUE(adapter);
  std::thread hung([&] { EXPECT_FALSE((*adapter)->Lookup({"HANG-2", "Glock"})); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ExpectAnswered(**adapter);  // served by the second program meanwhile
  hung.join();
}

TEST_F(ProcessAdapterTest, AnotherProtocolVersionIsRefusedAtStart) {
  auto adapter = Start({{"hello_version", 2}});
  ASSERT_FALSE(adapter);
  EXPECT_NE(adapter.error().message.find("adapter speaks protocol version 2; this node speaks version 1"),
            std::string::npos)
      << adapter.error().message;
}

// The program sees a clean environment (the node's may hold secrets) plus what the operator
// names, and runs from an absolute path resolved once.
TEST_F(ProcessAdapterTest, TheProgramGetsACleanEnvironmentAndAnAbsolutePath) {
  setenv("TRACENET_NODE_SECRET", "must-not-leak", 1);
  std::string script = dir + "/env_adapter.sh";
  // Writes what it was given, then answers nothing useful (the handshake fails; that is fine here).
  WriteText(script, "#!/bin/sh\nenv > \"$(dirname \"$0\")/seen-env.txt\"\nread hello\necho '{}'\n");
  ::chmod(script.c_str(), 0755);
  (void)CreateAdapter(Config("process", {{"command", {script}}}, dir, 1000), {});
  std::string seen = ReadText(dir + "/seen-env.txt");
  EXPECT_EQ(seen.find("TRACENET_NODE_SECRET"), std::string::npos) << seen;
  EXPECT_NE(seen.find("PATH=/usr/local/bin:/usr/bin:/bin"), std::string::npos) << seen;
  EXPECT_NE(seen.find("LANG=C.UTF-8"), std::string::npos) << seen;

  (void)CreateAdapter(Config("process", {{"command", {script}}, {"pass_env", {"TRACENET_NODE_SECRET"}}}, dir, 1000), {});
  EXPECT_NE(ReadText(dir + "/seen-env.txt").find("TRACENET_NODE_SECRET=must-not-leak"), std::string::npos);

  auto python = ResolveProgram("python3");
  ASSERT_TRUE(python) << python.error().message;
  EXPECT_EQ((*python)[0], '/');
  auto missing = ResolveProgram("no-such-adapter-program");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("is not on the PATH"), std::string::npos);
  unsetenv("TRACENET_NODE_SECRET");
}

TEST_F(ProcessAdapterTest, AMissingProgramIsAStartupError) {
  auto adapter = CreateAdapter(Config("process", {{"command", {"./no-such-adapter"}}}, dir), {});
  ASSERT_FALSE(adapter);
  EXPECT_NE(adapter.error().message.find("no-such-adapter"), std::string::npos) << adapter.error().message;
}

}  // namespace
}  // namespace tracenet::adapters
