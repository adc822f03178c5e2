#pragma once
// The whole application on the demo market over a SQLite database, as the in-process bot tests use
// it ("restart" = build it again on the same file).
#include <memory>
#include <string>

#include "app/application.hpp"

namespace kt::testing {

inline Result<std::unique_ptr<app::Application>> build_demo_app(const std::string& database_url, const Clock& clock) {
  ops::Config config;
  config.database.url = database_url;
  config.prices.sources = {"demo"};
  return app::Application::build(config, clock);
}

}  // namespace kt::testing
