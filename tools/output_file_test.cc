#include "tools/output_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace flowcheck::tools {
namespace {

namespace fs = std::filesystem;

std::string Contents(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // Every file in the directory: no temporary file may be left behind.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

TEST_F(OutputFileTest, ReplacesARegularFileAtomically) {
  const std::string path = dir_ / "report.json";
  EXPECT_EQ(CheckOutputFile(path), std::nullopt);
  ASSERT_EQ(WriteFileAtomically(path, "first"), std::nullopt);
  ASSERT_EQ(WriteFileAtomically(path, "second"), std::nullopt);
  EXPECT_EQ(Contents(path), "second");
  EXPECT_EQ(Names(), std::vector<std::string>{"report.json"});
}

TEST_F(OutputFileTest, KeepsTheModeOfTheFileItReplaces) {
  const std::string path = dir_ / "report.json";
  ASSERT_EQ(WriteFileAtomically(path, "first"), std::nullopt);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write |
                            fs::perms::group_read);
  ASSERT_EQ(WriteFileAtomically(path, "second"), std::nullopt);
  EXPECT_EQ(fs::status(path).permissions(), fs::perms::owner_read |
                                                fs::perms::owner_write |
                                                fs::perms::group_read);
}

TEST_F(OutputFileTest, WritesThroughSymbolicLinks) {
  ASSERT_EQ(WriteFileAtomically(dir_ / "target.json", "old"), std::nullopt);
  fs::create_symlink("target.json", dir_ / "middle");  // relative
  fs::create_symlink(dir_ / "middle", dir_ / "link");  // absolute, chained
  ASSERT_EQ(WriteFileAtomically(dir_ / "link", "new"), std::nullopt);
  EXPECT_TRUE(fs::is_symlink(dir_ / "link"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "middle"));
  EXPECT_EQ(Contents(dir_ / "target.json"), "new");
  EXPECT_EQ(Names(),
            (std::vector<std::string>{"link", "middle", "target.json"}));
}

TEST_F(OutputFileTest, ADanglingLinkCreatesItsTarget) {
  fs::create_directories(dir_ / "sub");
  fs::create_symlink("sub/new.json", dir_ / "link");
  ASSERT_EQ(WriteFileAtomically(dir_ / "link", "made"), std::nullopt);
  EXPECT_TRUE(fs::is_symlink(dir_ / "link"));
  EXPECT_EQ(Contents(dir_ / "sub" / "new.json"), "made");
}

TEST_F(OutputFileTest, RefusesDevicesDirectoriesAndFifos) {
  const auto null_error = CheckOutputFile("/dev/null");
  ASSERT_TRUE(null_error.has_value());
  EXPECT_EQ(*null_error,
            "'/dev/null' is a character device, not a regular file");
  fs::create_symlink("/dev/null", dir_ / "to-null");
  const auto link_error = CheckOutputFile(dir_ / "to-null");
  ASSERT_TRUE(link_error.has_value());
  EXPECT_NE(link_error->find("(a symbolic link to '/dev/null') is a character "
                             "device"),
            std::string::npos)
      << *link_error;

  const auto dir_error = CheckOutputFile(dir_);
  ASSERT_TRUE(dir_error.has_value());
  EXPECT_NE(dir_error->find("is a directory"), std::string::npos) << *dir_error;
  const auto slash_error = CheckOutputFile(dir_ / "new/");
  ASSERT_TRUE(slash_error.has_value());
  EXPECT_NE(slash_error->find("names a directory"), std::string::npos);

  const std::string fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const auto fifo_error = WriteFileAtomically(fifo, "x");
  ASSERT_TRUE(fifo_error.has_value());
  EXPECT_NE(fifo_error->find("'" + fifo + "' is a FIFO"), std::string::npos)
      << *fifo_error;
  EXPECT_EQ(Names(), (std::vector<std::string>{"fifo", "to-null"}));
}

TEST_F(OutputFileTest, RefusesAMissingDirectory) {
  const auto error = WriteFileAtomically("/nonexistent-dir/x.json", "x");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error,
            "the directory '/nonexistent-dir' of '/nonexistent-dir/x.json' "
            "does not exist");
  fs::create_symlink("missing/x.json", dir_ / "link");
  const auto link_error = CheckOutputFile(dir_ / "link");
  ASSERT_TRUE(link_error.has_value());
  EXPECT_NE(link_error->find("does not exist"), std::string::npos)
      << *link_error;
}

TEST_F(OutputFileTest, RefusesALinkLoop) {
  fs::create_symlink("b", dir_ / "a");
  fs::create_symlink("a", dir_ / "b");
  const auto error = CheckOutputFile(dir_ / "a");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("more than 40 symbolic links"), std::string::npos)
      << *error;
}

}  // namespace
}  // namespace flowcheck::tools
