#include "node/demo/registry_generator.h"

#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "adapters/sdk/normalise.h"
#include "adapters/sqlite/sqlite_registry.h"

namespace tracenet::demo {

namespace {

struct Maker {
  const char* name;
  const char* country;
  const char* city;
  const char* serial_pattern;  // A = letter, 9 = digit, other characters literal
  std::vector<std::array<const char*, 3>> models;  // model, type, calibre
};

const std::vector<Maker>& Makers() {
  static const std::vector<Maker> makers = {
      {"Glock", "AUT", "Deutsch-Wagram", "AAA999",
       {{"G17", "pistol", "9x19mm"}, {"G19", "pistol", "9x19mm"}, {"G22", "pistol", ".40 S&W"}, {"G26", "pistol", "9x19mm"}}},
      {"Smith & Wesson", "USA", "Springfield, MA", "AAA9999",
       {{"M&P9", "pistol", "9x19mm"}, {"Model 686", "revolver", ".357 Magnum"}, {"SD9VE", "pistol", "9x19mm"}, {"M&P15", "rifle", "5.56x45mm NATO"}}},
      {"Sturm, Ruger & Co.", "USA", "Newport, NH", "999-99999",
       {{"LCP", "pistol", ".380 ACP"}, {"SR9", "pistol", "9x19mm"}, {"10/22", "rifle", ".22 LR"}, {"GP100", "revolver", ".357 Magnum"}}},
      {"Beretta", "ITA", "Gardone Val Trompia", "AA99999A",
       {{"92FS", "pistol", "9x19mm"}, {"PX4 Storm", "pistol", "9x19mm"}, {"A400", "shotgun", "12 gauge"}}},
      {"FN Herstal", "BEL", "Herstal", "386999999",
       {{"Five-seveN", "pistol", "5.7x28mm"}, {"FN 509", "pistol", "9x19mm"}, {"FAL", "rifle", "7.62x51mm NATO"}}},
      {"Heckler & Koch", "DEU", "Oberndorf am Neckar", "99-999999",
       {{"USP", "pistol", "9x19mm"}, {"VP9", "pistol", "9x19mm"}, {"MP5", "submachine_gun", "9x19mm"}}},
      {"SIG Sauer", "USA", "Newington, NH", "AA999999",
       {{"P320", "pistol", "9x19mm"}, {"P226", "pistol", "9x19mm"}, {"MCX", "rifle", "5.56x45mm NATO"}}},
      {"Colt", "USA", "West Hartford, CT", "AA999999",
       {{"M1911A1", "pistol", ".45 ACP"}, {"Python", "revolver", ".357 Magnum"}, {"AR-15A4", "rifle", "5.56x45mm NATO"}}},
      {"Taurus", "BRA", "Sao Leopoldo", "AAA999999",
       {{"G2C", "pistol", "9x19mm"}, {"PT92", "pistol", "9x19mm"}, {"Model 85", "revolver", ".38 Special"}}},
      {"Ceska zbrojovka", "CZE", "Uhersky Brod", "A999999",
       {{"CZ 75 B", "pistol", "9x19mm"}, {"P-10 C", "pistol", "9x19mm"}, {"Scorpion EVO 3", "submachine_gun", "9x19mm"}}},
      {"Mossberg", "USA", "North Haven, CT", "AA999999",
       {{"500", "shotgun", "12 gauge"}, {"590A1", "shotgun", "12 gauge"}}},
      {"Remington", "USA", "Madison, NC", "AA9999999",
       {{"870", "shotgun", "12 gauge"}, {"700", "rifle", ".308 Winchester"}}},
      {"Norinco", "CHN", "Beijing", "99999999",
       {{"Type 56", "rifle", "7.62x39mm"}, {"NP22", "pistol", "9x19mm"}}},
      {"Kalashnikov Concern", "RUS", "Izhevsk", "999999999",
       {{"AK-74M", "rifle", "5.45x39mm"}, {"Saiga-12", "shotgun", "12 gauge"}}},
  };
  return makers;
}

const std::array<const char*, 10> kDistributors = {
    "Lipsey's LLC", "Davidson's Inc.", "Sports South LLC", "RSR Group Inc.", "Zanders Sporting Goods",
    "Bill Hicks & Co.", "Ellett Brothers", "AmChar Wholesale", "Jerry's Sport Center", "Big Rock Sports"};
const std::array<const char*, 12> kDealers = {
    "Lone Star Arms, Houston TX", "Desert Sportsman, Tucson AZ", "Border Outfitters, Laredo TX",
    "Gulf Coast Guns, Mobile AL", "Pine Tree Firearms, Bangor ME", "Rio Grande Pawn, El Paso TX",
    "Sunshine Shooting, Tampa FL", "Cascade Arms, Spokane WA", "Prairie Gun Works, Wichita KS",
    "Bayou Sporting Goods, Baton Rouge LA", "High Plains Outfitters, Amarillo TX", "Valley Gun Shop, Fresno CA"};
const std::array<const char*, 16> kFirstNames = {"James", "Maria", "Robert", "Linda", "Michael", "Patricia",
                                                  "David", "Jennifer", "Carlos", "Ana", "William", "Elizabeth",
                                                  "Jose", "Susan", "Thomas", "Karen"};
const std::array<const char*, 16> kLastNames = {"Smith", "Garcia", "Johnson", "Martinez", "Brown", "Lopez",
                                                 "Davis", "Hernandez", "Miller", "Gonzalez", "Wilson", "Perez",
                                                 "Moore", "Sanchez", "Taylor", "Ramirez"};

class Rng {
 public:
  explicit Rng(uint64_t seed) : m_engine(seed) {}
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(m_engine); }
  std::string Serial(const char* pattern) {
    std::string out;
    for (const char* p = pattern; *p; ++p) {
      if (*p == 'A') out.push_back("ABCDEFGHJKLMNPRSTUVWXYZ"[Below(23)]);
      else if (*p == '9') out.push_back(static_cast<char>('0' + Below(10)));
      else out.push_back(*p);
    }
    return out;
  }
  std::string Date(int from_year, int to_year) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", from_year + static_cast<int>(Below(to_year - from_year + 1)),
                  1 + static_cast<int>(Below(12)), 1 + static_cast<int>(Below(28)));
    return buffer;
  }

 private:
  std::mt19937_64 m_engine;
};

struct Db {
  sqlite3* db = nullptr;
  ~Db() {
    if (db) sqlite3_close(db);
  }
};

Status Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return MakeError(Errc::kIo, std::string("registry generator: ") + sqlite3_errmsg(db));
  return Status::Ok();
}

Status Insert(sqlite3* db, const char* sql, const std::vector<std::string>& values, int64_t* rowid = nullptr) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
    return MakeError(Errc::kIo, std::string("registry generator: ") + sqlite3_errmsg(db));
  for (size_t i = 0; i < values.size(); ++i)
    sqlite3_bind_text(s, static_cast<int>(i + 1), values[i].c_str(), -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return MakeError(Errc::kIo, std::string("registry generator: ") + sqlite3_errmsg(db));
  if (rowid) *rowid = sqlite3_last_insert_rowid(db);
  return Status::Ok();
}

}  // namespace

Result<GeneratedWeapon> GenerateRegistry(const std::string& path, const RegistryPlan& plan) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  Db db;
  if (sqlite3_open(path.c_str(), &db.db) != SQLITE_OK)
    return MakeError(Errc::kIo, "cannot create registry " + path);
  if (Status s = adapters::CreateRegistrySchema(db.db); !s) return s.error();
  if (Status s = Exec(db.db, "BEGIN"); !s) return s.error();
  Rng rng(plan.seed);
  GeneratedWeapon example;
  for (size_t i = 0; i < plan.weapons; ++i) {
    const Maker& maker = Makers()[rng.Below(Makers().size())];
    const auto& model = maker.models[rng.Below(maker.models.size())];
    std::string serial = rng.Serial(maker.serial_pattern);
    int year = 1995 + static_cast<int>(rng.Below(30));
    int64_t weapon_id = 0;
    if (Status s = Insert(db.db,
                          "INSERT INTO weapons (serial, serial_norm, manufacturer, manufacturer_norm, model, type, "
                          "calibre, country_of_manufacture, year) VALUES (?,?,?,?,?,?,?,?,?)",
                          {serial, adapters::NormaliseSerial(serial), maker.name, adapters::NormaliseMake(maker.name),
                           model[0], model[1], model[2], maker.country, std::to_string(year)},
                          &weapon_id);
        !s)
      return s.error();
    std::string id = std::to_string(weapon_id);
    std::string made = rng.Date(year, year);
    std::string ref = plan.country + "-REG-" + std::to_string(100000 + weapon_id);
    bool domestic = plan.country == maker.country;
    if (domestic) {
      (void)Insert(db.db, "INSERT INTO manufacture_records VALUES (?,?,?,?,?,?,?)",
                   {id, maker.name, "FFL-" + std::to_string(10000 + rng.Below(89999)), maker.country, maker.city, made, ref + "-M"});
    } else {
      std::string exported = made.substr(0, 4) + "-" + made.substr(5, 2) + "-28";
      (void)Insert(db.db, "INSERT INTO import_export_records VALUES (?,?,?,?,?,?,?,?,?,?)",
                   {id, "export", exported, maker.name, "EXP-" + std::to_string(rng.Below(999999)), maker.country,
                    maker.city, "export licence", maker.country + std::string("-EL-") + std::to_string(rng.Below(99999)), ref + "-X"});
      (void)Insert(db.db, "INSERT INTO import_export_records VALUES (?,?,?,?,?,?,?,?,?,?)",
                   {id, "import", exported, "Century Arms International", "IMP-" + std::to_string(rng.Below(99999)),
                    plan.country, "Delray Beach, FL", "import permit", "ATF-6-" + std::to_string(rng.Below(999999)), ref + "-I"});
    }
    size_t hops = rng.Below(10) < 8 ? 3 : 2;  // most weapons reach a retail purchaser
    std::string last_date = made;
    const char* distributor = kDistributors[rng.Below(kDistributors.size())];
    const char* dealer = kDealers[rng.Below(kDealers.size())];
    std::string buyer = std::string(kFirstNames[rng.Below(kFirstNames.size())]) + " " + kLastNames[rng.Below(kLastNames.size())];
    const std::array<std::array<std::string, 4>, 3> chain = {{
        {"distributor", distributor, "FFL-D-" + std::to_string(rng.Below(99999)), "invoice"},
        {"dealer", dealer, "FFL-R-" + std::to_string(rng.Below(99999)), "invoice"},
        {"first_retail_purchaser", buyer, "", "ATF Form 4473"},
    }};
    for (size_t h = 0; h < hops; ++h) {
      int y = std::stoi(last_date.substr(0, 4));
      last_date = rng.Date(y + 1, y + 1);  // each holder keeps the weapon into a later year
      (void)Insert(db.db, "INSERT INTO transfer_records VALUES (?,?,?,?,?,?,?,?,?,?)",
                   {id, last_date, chain[h][0], chain[h][1], chain[h][2], plan.country, "", chain[h][3],
                    chain[h][3].substr(0, 3) + "-" + std::to_string(rng.Below(9999999)), ref + "-T" + std::to_string(h + 1)});
    }
    if (example.serial.empty() && hops == 3 && !domestic) {
      example = {serial, maker.name, model[0], model[1], model[2]};
    }
  }
  if (Status s = Exec(db.db, "COMMIT"); !s) return s.error();
  if (example.serial.empty()) return MakeError(Errc::kInternal, "generated registry has no fully traced import");
  return example;
}

}  // namespace tracenet::demo
