#include "floe/base/fs.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace floe {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe-fs-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  size_t FilesIn(const fs::path& d) {
    return static_cast<size_t>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, PiecesAppearTogetherOnlyAtCommit) {
  fs::path p = dir_ / "sub" / "out.json";  // the missing folder is created
  AtomicFile f(p.string());
  EXPECT_TRUE(f.Write("{\"a\":"));
  EXPECT_FALSE(fs::exists(p));
  EXPECT_TRUE(f.Write("1}"));
  Diagnostics d;
  EXPECT_TRUE(f.Commit(d, /*durable=*/false));
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(Slurp(p), "{\"a\":1}");
  EXPECT_EQ(FilesIn(p.parent_path()), 1u);  // no temporary file left
}

TEST_F(AtomicFileTest, OldContentStaysUntilCommitAndWhenAbandoned) {
  fs::path p = dir_ / "manifest.json";
  std::ofstream(p) << "old";
  {
    AtomicFile f(p.string());
    f.Write("new, but never committed");
    EXPECT_EQ(Slurp(p), "old");
  }
  EXPECT_EQ(Slurp(p), "old");
  EXPECT_EQ(FilesIn(dir_), 1u);  // the abandoned temporary file is gone
  AtomicFile f(p.string());
  f.Write("new");
  Diagnostics d;
  EXPECT_TRUE(f.Commit(d));
  EXPECT_EQ(Slurp(p), "new");
}

TEST_F(AtomicFileTest, UnwritableFolderIsReportedAtCommit) {
  fs::path blocker = dir_ / "file";
  std::ofstream(blocker) << "x";  // a file where a folder should be
  AtomicFile f((blocker / "out.json").string());
  EXPECT_FALSE(f.Write("data"));
  Diagnostics d;
  EXPECT_FALSE(f.Commit(d));
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, Code::kFileUnwritable);
  EXPECT_NE(d.items()[0].message.find("cannot create the file"), std::string::npos);
}

}  // namespace
}  // namespace floe
