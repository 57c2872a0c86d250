# huifang_add_test(NAME name SOURCES ... LIBS ... [LABELS ...] [WHOLE])
# Why a helper: every test binary gets gtest_main and its CTest labels in one way, so
# `ctest -L unit|redis|kafka|fault|e2e` selects suites consistently. Unit tests are discovered one
# CTest entry per case; WHOLE binaries (integration suites that share one redis-server or broker
# per suite) run as a single CTest entry so the servers start once.
function(huifang_add_test)
  cmake_parse_arguments(T "WHOLE" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(T_WHOLE)
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
  else()
    gtest_discover_tests(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
                         DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
