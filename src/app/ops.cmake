# Operator commands (`kitrader doctor`, `kitrader backup`); included from src/app/CMakeLists.txt.
add_library(kt_app_ops STATIC ${CMAKE_CURRENT_LIST_DIR}/doctor.cpp ${CMAKE_CURRENT_LIST_DIR}/backup.cpp)
target_include_directories(kt_app_ops PUBLIC ${KT_SOURCE_ROOT})
target_link_libraries(kt_app_ops
  PUBLIC kt_ops_obs kt_ops_config kt_storage_open kt_http
  # The embedded migration lists (doctor compares them with the database).
  PRIVATE kt_telegram kt_solana kt_storage_sqlite kt_storage_postgres SQLite::SQLite3 nlohmann_json::nlohmann_json
          fmt::fmt)
