// The SQLite database on a small tmpfs: filled to the last byte (disk full), then remounted
// read-only, while users keep trading. Each refused trade gets a clear storage error; nothing is
// half-written (integrity_check ok, the ledger adds up, no position without its ledger entry);
// once space is back, trading resumes. Needs mount rights (root in the sandbox); skipped if not.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "e2e/e2e_fixture.hpp"
#include "faults/ledger_check.hpp"

namespace kt::e2e {
namespace {

/// A tmpfs of `size` mounted on a fresh directory; unmounted on destruction.
class SmallTmpfs {
 public:
  SmallTmpfs(const std::filesystem::path& at, const std::string& size) : path_(at) {
    std::filesystem::create_directories(path_);
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallTmpfs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool remount(bool read_only) const {
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | (read_only ? MS_RDONLY : 0), nullptr) == 0;
  }
  /// Writes zeros into `filler` until the file system is full.
  void fill(const std::filesystem::path& filler) const {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(4096, '\0');
    for (int i = 0; i < 100'000 && out.write(block.data(), block.size()); ++i) out.flush();
  }

 private:
  std::filesystem::path path_;
  bool mounted_ = false;
};

class DiskFault : public KitraderRunE2E {};

TEST_F(DiskFault, a_full_then_read_only_disk_refuses_trades_clearly_and_writes_nothing_half) {
  SmallTmpfs fs(dir.path() / "small", "4m");
  if (!fs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs CAP_SYS_ADMIN): disk-full test skipped";
  const auto db_file = dir.path() / "small" / "kitrader.db";
  auto& bot = start({{"KITRADER_DATABASE_URL", "sqlite://" + db_file.string()}});
  ASSERT_TRUE(fake.wait_for("getUpdates", 1, 10s)) << bot.err();
  constexpr std::int64_t kUser = 9100;
  std::set<std::int64_t> served;
  served.insert(fake.push_text(kUser, kUser, "/start"));
  served.insert(fake.push_text(kUser, kUser, "/open BONK 1"));
  ASSERT_TRUE(wait_texts(kUser, 2));

  // Disk full: a few hundred trades' worth of pages cannot be had.
  fs.fill(dir.path() / "small" / "filler");
  std::size_t refused = 0;
  for (int i = 0; i < 40; ++i) fake.push_text(kUser, kUser, "/open WIF 0.25");
  ASSERT_TRUE(wait_texts(kUser, 42, 30s));
  for (const auto& t : texts_to(kUser)) refused += contains(t, "(E-STORAGE") ? 1 : 0;
  std::cout << "[ info ] disk full: " << refused << " of 40 opens refused with E-STORAGE\n";
  const std::string last = texts_to(kUser).back();
  EXPECT_TRUE(contains(last, "E-STORAGE") || contains(last, "Opened")) << last;

  // Read-only: a tmpfs with files open for writing cannot be remounted read-only (EBUSY), so the
  // bot is stopped, the file system remounted read-only and the bot started on it.
  bot.signal(SIGTERM);
  ASSERT_TRUE(bot.wait_exit(10s).has_value());
  std::filesystem::remove(dir.path() / "small" / "filler");
  ASSERT_TRUE(fs.remount(true)) << std::strerror(errno);
  const auto polls = fake.count("getUpdates");
  auto& read_only = start({{"KITRADER_DATABASE_URL", "sqlite://" + db_file.string()}});
  ASSERT_TRUE(wait_until(
      [&] { return !read_only.running() || fake.count("getUpdates") > polls || read_only.wait_exit(0ms).has_value(); },
      15s));
  if (read_only.wait_exit(0ms).has_value()) {
    std::cout << "[ info ] read-only database: the bot refused to start: " << read_only.err() << "\n";
    EXPECT_NE(read_only.exit_code(), 0);
    EXPECT_TRUE(contains(read_only.err(), "read-only") || contains(read_only.err(), "readonly") ||
                contains(read_only.err(), "E-STORAGE"))
        << read_only.err();
  } else {
    const auto before = texts_to(kUser).size();
    fake.push_text(kUser, kUser, "/open BONK 0.5");
    ASSERT_TRUE(wait_texts(kUser, before + 1, 20s));
    std::cout << "[ info ] read-only database: " << texts_to(kUser).back() << "\n";
    EXPECT_TRUE(contains(texts_to(kUser).back(), "E-STORAGE")) << texts_to(kUser).back();
    read_only.signal(SIGTERM);
    read_only.wait_exit(10s);
  }

  // Space back, writable: trading resumes.
  ASSERT_TRUE(fs.remount(false));
  auto& again = start({{"KITRADER_DATABASE_URL", "sqlite://" + db_file.string()}});
  fake.push_text(kUser, kUser, "/open BONK 0.5");
  ASSERT_TRUE(wait_until([&] { return contains(texts_to(kUser).back(), "Opened"); }, 20s)) << texts_to(kUser).back();
  again.signal(SIGTERM);
  again.wait_exit(10s);

  faults::DatabaseView db(db_file);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(db.integrity(), "ok");
  const auto wallets = db.wallets();
  ASSERT_EQ(wallets.size(), 1u);
  EXPECT_EQ(wallets[0].balance, wallets[0].initial + wallets[0].ledger_sum);
  EXPECT_EQ(wallets[0].positions, wallets[0].ledger_entries) << "a position without its ledger entry";
  // Positions opened (distinct ids in "Opened #N" replies) == positions stored: no refused trade
  // left a row behind. A reply can arrive twice: its "sent" mark is a write the full disk refused,
  // so the restarted bot re-sends it (replies are at-least-once).
  std::set<std::string> opened;
  for (const auto& t : texts_to(kUser)) {
    const auto at = t.find("Opened <b>#");
    if (at == std::string::npos) continue;
    const auto from = at + std::string("Opened <b>#").size();
    opened.insert(t.substr(from, t.find('<', from) - from));
  }
  EXPECT_EQ(static_cast<std::int64_t>(opened.size()), wallets[0].positions);
  const auto applied = db.processed_updates();
  for (auto id : served) EXPECT_TRUE(applied.contains(id)) << id;
}

}  // namespace
}  // namespace kt::e2e
