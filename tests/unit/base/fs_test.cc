#include "floe/base/fs.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

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
  // Not durable: exchanged with the old file, which goes; and a first write has none to replace.
  AtomicFile g(p.string());
  g.Write("newer");
  EXPECT_TRUE(g.Commit(d, /*durable=*/false));
  EXPECT_EQ(Slurp(p), "newer");
  EXPECT_EQ(FilesIn(dir_), 1u);
  fs::path fresh = dir_ / "fresh.json";
  AtomicFile h(fresh.string());
  h.Write("first");
  EXPECT_TRUE(h.Commit(d, /*durable=*/false));
  EXPECT_EQ(Slurp(fresh), "first");
  EXPECT_EQ(FilesIn(dir_), 2u);
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

// Writes `files` (path under dir -> content) through a BackgroundWriter with an index.
void WriteAll(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  BackgroundWriter w((dir / ".index").string());
  for (const auto& [name, content] : files)
    w.Add((dir / name).string(), content);
  Diagnostics d;
  EXPECT_TRUE(w.Finish(d));
}

TEST_F(AtomicFileTest, IndexedWriterLeavesUnchangedFilesAndRepairsChangedOnes) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"a/one.sql", "select 1"}, {"a/two.sql", "select 2"}, {"b/three.sql", ""}};
  WriteAll(dir_, files);
  EXPECT_EQ(Slurp(dir_ / "a/one.sql"), "select 1");
  EXPECT_TRUE(fs::exists(dir_ / ".index"));
  auto written = fs::last_write_time(dir_ / "a/two.sql");
  auto index_time = fs::last_write_time(dir_ / ".index");
  // Someone changes one file (same size), deletes another: the next run repairs both, and
  // leaves the third as it is.
  { std::ofstream(dir_ / "a/one.sql") << "select 9"; }
  fs::remove(dir_ / "b/three.sql");
  WriteAll(dir_, files);
  EXPECT_EQ(Slurp(dir_ / "a/one.sql"), "select 1");
  EXPECT_TRUE(fs::exists(dir_ / "b/three.sql"));
  EXPECT_EQ(fs::last_write_time(dir_ / "a/two.sql"), written);
  // A run that changes nothing does not rewrite the index.
  index_time = fs::last_write_time(dir_ / ".index");
  WriteAll(dir_, files);
  EXPECT_EQ(fs::last_write_time(dir_ / ".index"), index_time);
  // New content is written.
  WriteAll(dir_, {{"a/two.sql", "select 22"}});
  EXPECT_EQ(Slurp(dir_ / "a/two.sql"), "select 22");
  // An index of another format is ignored: every file is compared as before.
  { std::ofstream(dir_ / ".index") << "garbage\n"; }
  { std::ofstream(dir_ / "a/one.sql") << "select 8"; }
  WriteAll(dir_, files);
  EXPECT_EQ(Slurp(dir_ / "a/one.sql"), "select 1");
  EXPECT_EQ(Slurp(dir_ / "a/two.sql"), "select 2");
}

}  // namespace
}  // namespace floe
