# assay_module(NAME DEPS dep...): one static library per src/<module>/ folder.
# Sources are the folder's *.cc files except tests (*_test.cc), fuzz harnesses (*_fuzz.cc) and
# main.cc. Tests become one gtest binary per module, labelled `unit` (integration tests, *_itest.cc,
# another, labelled `integration`); each fuzz harness becomes
# an executable (libFuzzer under ASSAY_FUZZ, else a replay/random driver run as a unit test).
set(ASSAY_SRC_DIR ${PROJECT_SOURCE_DIR}/src)

function(assay_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  file(GLOB itests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_itest.cc)
  file(GLOB fuzzers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_fuzz.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_itest|_fuzz)\\.cc$")
  list(FILTER srcs EXCLUDE REGEX "/main\\.cc$")
  add_library(assay_${name} STATIC ${srcs})
  target_include_directories(assay_${name} PUBLIC ${ASSAY_SRC_DIR})
  target_link_libraries(assay_${name} PUBLIC ${ARG_DEPS})
  if(ASSAY_BUILD_TESTS AND tests)
    add_executable(assay_${name}_test ${tests})
    target_link_libraries(assay_${name}_test PRIVATE assay_${name} ${ARG_TEST_DEPS}
                          GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(assay_${name}_test PRIVATE
      ASSAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(assay_${name}_test
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS unit
      DISCOVERY_TIMEOUT 60)
  endif()
  # *_itest.cc: tests that start real components or read the whole shared data set; labelled
  # `integration` and left out of the sanitizer run.
  if(ASSAY_BUILD_TESTS AND itests)
    add_executable(assay_${name}_itest ${itests})
    target_link_libraries(assay_${name}_itest PRIVATE assay_${name} ${ARG_TEST_DEPS}
                          GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(assay_${name}_itest PRIVATE
      ASSAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}" ASSAY_BINARY_DIR="${PROJECT_BINARY_DIR}")
    gtest_discover_tests(assay_${name}_itest
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS integration
      DISCOVERY_TIMEOUT 60)
  endif()
  foreach(fz ${fuzzers})
    get_filename_component(fzname ${fz} NAME_WE)
    set(target assay_${fzname})
    if(ASSAY_FUZZ)
      add_executable(${target} ${fz})
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer)
      target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    else()
      add_executable(${target} ${fz} ${ASSAY_SRC_DIR}/base/testing/fuzz_driver.cc)
      if(ASSAY_BUILD_TESTS)
        # Seed inputs in testdata/fuzz/<harness>/ are replayed before the random runs.
        file(GLOB seeds CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/testdata/fuzz/${fzname}/*)
        add_test(NAME fuzz.${fzname} COMMAND ${target} -runs=20000 ${seeds})
        set_tests_properties(fuzz.${fzname} PROPERTIES LABELS "unit;fuzz;${name}")
      endif()
    endif()
    target_link_libraries(${target} PRIVATE assay_${name})
  endforeach()
endfunction()
