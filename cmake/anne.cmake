# anne_add_model(): a trained model turned into C at build time and compiled into a target, with the
# `anne convert` code generator (docs/codegen.md). Included by ANNE's CMakeLists.txt (add_subdirectory,
# FetchContent) and by the installed anne-config.cmake (find_package(anne)). docs/deploy.md shows it in use.
#
#   anne_add_model(TARGET MODEL [NAME name] [FORMAT f32|q16|int8] [DATA calib.csv] [LABEL column]
#                  [WEIGHTS weights.h5] [TEST rows.csv [TEST_LABEL column]])
#
# MODEL is anything `anne convert` reads: Keras .h5 / .keras, a TF.js model.json (its weight shards are
# dependencies too), .tflite, an .anne model file or ANNE JSON; a relative path is taken from the current
# source directory. Writes NAME.c and NAME.h into <binary dir>/anne_models/TARGET/, adds the .c to TARGET
# and that folder to its include path: `#include "NAME.h"` gives NAME_INPUTS, NAME_OUTPUTS,
# NAME_ARENA_BYTES and NAME_predict(). The C is regenerated when MODEL, WEIGHTS, DATA or the tool change.
#   NAME     the C prefix (default: MODEL's file name up to its first dot, made a C identifier);
#            the model keeps its own name
#   FORMAT   f32 (default) runs the model as it is; q16 (Q16.16) and int8 quantize it first
#            (`anne quantize`, docs/numerics.md), which needs DATA
#   DATA     CSV of raw input rows with a header, as the model takes them, to calibrate the quantizer
#   LABEL    a column of DATA to leave out (e.g. the class)
#   WEIGHTS  the weights of a Keras model.to_json() architecture (anne convert --weights)
#   TEST     CSV of raw input rows (a header row): also writes NAME_test.c and NAME_test.h, the self-test
#            `anne convert --test` makes of its first 10 rows (docs/codegen.md, "Self-test"), adds the .c
#            to TARGET: `#include "NAME_test.h"` gives int NAME_self_test(void), 0 when the board computes
#            what the host does
#   TEST_LABEL  a column of TEST to leave out (default: LABEL)
# The runtime is not linked for you: target_link_libraries(TARGET PRIVATE anne::runtime), or compile
# runtime/src/*.c with your firmware (ports/pico/CMakeLists.txt).
#
# The `anne` tool that runs: ANNE_EXECUTABLE when set; else the anne::anne target (ANNE's own build, or
# the installed package's tool) unless cross-compiling; else a host `anne` found on PATH (or beside an
# installed package's libraries).
include_guard(GLOBAL)

# _anne_model_tool(OUT_COMMAND OUT_DEPENDS): the command that runs `anne`, and what the generated files
# depend on for it (the executable, so a rebuilt tool regenerates them).
function(_anne_model_tool out_command out_depends)
  if(ANNE_EXECUTABLE)
    set(${out_command} ${ANNE_EXECUTABLE} PARENT_SCOPE)
    set(${out_depends} ${ANNE_EXECUTABLE} PARENT_SCOPE)
    return()
  endif()
  if(TARGET anne::anne AND NOT CMAKE_CROSSCOMPILING)
    get_target_property(real anne::anne ALIASED_TARGET)
    if(NOT real)
      set(real anne::anne) # the installed package's imported executable
    endif()
    # a target name as COMMAND runs its file and makes the target build first
    set(${out_command} ${real} PARENT_SCOPE)
    set(${out_depends} ${real} PARENT_SCOPE)
    return()
  endif()
  get_property(hints GLOBAL PROPERTY ANNE_PACKAGE_BINDIR) # set by anne-config.cmake
  find_program(ANNE_EXECUTABLE anne HINTS ${hints} NO_CMAKE_FIND_ROOT_PATH
               DOC "The host `anne` command that anne_add_model() runs")
  if(NOT ANNE_EXECUTABLE)
    set(why "")
    if(CMAKE_CROSSCOMPILING)
      set(why " (cross-compiling: the tool must run on the build machine)")
    endif()
    message(FATAL_ERROR "anne_add_model: no `anne` command to run on this machine${why}: build ANNE for the host (`cmake -S anne -B build-host && cmake --build build-host "
      "--target anne`) and configure with -DANNE_EXECUTABLE=/path/to/build-host/anne, or put anne on PATH")
  endif()
  set(${out_command} ${ANNE_EXECUTABLE} PARENT_SCOPE)
  set(${out_depends} ${ANNE_EXECUTABLE} PARENT_SCOPE)
endfunction()

# _anne_model_name(OUT FILE): FILE's name up to its first dot as the prefix `anne convert` would make
# of it (docs/codegen.md, "Names"), so that NAME.h and NAME_* agree.
function(_anne_model_name out file)
  get_filename_component(base ${file} NAME_WE)
  string(MAKE_C_IDENTIFIER "${base}" name)
  string(TOLOWER "${name}" lower)
  if(name STREQUAL "" OR name MATCHES "^_" OR lower STREQUAL "anne" OR lower MATCHES "^anne_")
    set(name "m_${name}")
  endif()
  set(${out} ${name} PARENT_SCOPE)
endfunction()

# _anne_model_shards(OUT MODEL): a TF.js model.json's weight files (its weightsManifest paths), which
# the generated C depends on too; nothing for other files. The manifest is read at configure time, so
# a changed model.json configures again.
function(_anne_model_shards out model)
  set(shards)
  if(model MATCHES "[.]json$")
    file(READ ${model} text)
    string(JSON groups ERROR_VARIABLE err LENGTH "${text}" weightsManifest)
    if(NOT err AND groups GREATER 0)
      get_filename_component(dir ${model} DIRECTORY)
      math(EXPR last_group "${groups} - 1")
      foreach(g RANGE ${last_group})
        string(JSON n ERROR_VARIABLE err LENGTH "${text}" weightsManifest ${g} paths)
        if(err OR n EQUAL 0)
          continue()
        endif()
        math(EXPR last "${n} - 1")
        foreach(p RANGE ${last})
          string(JSON path GET "${text}" weightsManifest ${g} paths ${p})
          list(APPEND shards ${dir}/${path})
        endforeach()
      endforeach()
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${model})
    endif()
  endif()
  set(${out} ${shards} PARENT_SCOPE)
endfunction()

function(anne_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "NAME;FORMAT;DATA;LABEL;WEIGHTS;TEST;TEST_LABEL" "")
  set(usage "anne_add_model(TARGET MODEL [NAME name] [FORMAT f32|q16|int8] [DATA calib.csv] [LABEL column] [WEIGHTS weights.h5] [TEST rows.csv [TEST_LABEL column]])")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "anne_add_model: unexpected arguments '${arg_UNPARSED_ARGUMENTS}'; usage: ${usage}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "anne_add_model: '${target}' is not a target; add_executable() or add_library() it first")
  endif()
  get_filename_component(model ${model} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT EXISTS ${model} OR IS_DIRECTORY ${model})
    message(FATAL_ERROR "anne_add_model(${target}): the model file ${model} does not exist (expected a Keras "
      ".h5/.keras, a TF.js model.json, a .tflite, an .anne or ANNE JSON file)")
  endif()

  if(DEFINED arg_NAME)
    string(TOLOWER "${arg_NAME}" lower)
    if(NOT arg_NAME MATCHES "^[A-Za-z][A-Za-z0-9_]*$" OR lower STREQUAL "anne" OR lower MATCHES "^anne_")
      message(FATAL_ERROR "anne_add_model(${target}): NAME '${arg_NAME}' is not usable as a C prefix: expected "
        "a letter, then letters, digits or _, and not anne or anne_... (the runtime's names)")
    endif()
    set(name ${arg_NAME})
  else()
    _anne_model_name(name ${model})
  endif()

  set(format f32)
  if(DEFINED arg_FORMAT)
    set(format ${arg_FORMAT})
  endif()
  if(NOT format MATCHES "^(f32|q16|int8)$")
    message(FATAL_ERROR "anne_add_model(${target}): FORMAT '${format}': expected f32, q16 or int8")
  endif()
  set(inputs ${model})
  foreach(opt DATA WEIGHTS TEST)
    if(DEFINED arg_${opt})
      get_filename_component(arg_${opt} ${arg_${opt}} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
      if(NOT EXISTS ${arg_${opt}})
        message(FATAL_ERROR "anne_add_model(${target}): the ${opt} file ${arg_${opt}} does not exist")
      endif()
      list(APPEND inputs ${arg_${opt}})
    endif()
  endforeach()
  if(NOT format STREQUAL "f32" AND NOT DEFINED arg_DATA)
    message(FATAL_ERROR "anne_add_model(${target}): FORMAT ${format} needs DATA: a CSV of raw input rows "
      "(a header row, one column per input, as the model takes them; LABEL names a column to leave out), "
      "from which `anne quantize --calib` takes the value ranges")
  endif()
  if(DEFINED arg_LABEL AND NOT DEFINED arg_DATA AND NOT DEFINED arg_TEST)
    message(FATAL_ERROR "anne_add_model(${target}): LABEL names a column of DATA, and there is no DATA")
  endif()
  if(DEFINED arg_TEST_LABEL AND NOT DEFINED arg_TEST)
    message(FATAL_ERROR "anne_add_model(${target}): TEST_LABEL names a column of TEST, and there is no TEST")
  endif()
  _anne_model_shards(shards ${model})
  _anne_model_tool(tool tool_depends)

  set(dir ${CMAKE_CURRENT_BINARY_DIR}/anne_models/${target})
  set(out_c ${dir}/${name}.c)
  set(out_h ${dir}/${name}.h)
  set(outputs ${out_c} ${out_h})
  set(test_args)
  if(DEFINED arg_TEST)
    set(test_args --test ${arg_TEST})
    if(DEFINED arg_TEST_LABEL)
      list(APPEND test_args --label ${arg_TEST_LABEL})
    elseif(DEFINED arg_LABEL)
      list(APPEND test_args --label ${arg_LABEL})
    endif()
    list(APPEND outputs ${dir}/${name}_test.c ${dir}/${name}_test.h)
  endif()
  # MODEL [--weights W] -> [float .anne ->] [quantized .anne ->] NAME.c + NAME.h
  set(commands COMMAND ${CMAKE_COMMAND} -E make_directory ${dir})
  set(src ${model})
  if(DEFINED arg_WEIGHTS)
    list(APPEND commands COMMAND ${tool} convert ${src} ${dir}/${name}.float.anne --weights ${arg_WEIGHTS})
    set(src ${dir}/${name}.float.anne)
  endif()
  if(NOT format STREQUAL "f32")
    set(label)
    if(DEFINED arg_LABEL)
      set(label --label ${arg_LABEL})
    endif()
    list(APPEND commands COMMAND ${tool} quantize ${src} ${dir}/${name}.${format}.anne --to ${format}
         --calib ${arg_DATA} ${label})
    set(src ${dir}/${name}.${format}.anne)
  endif()
  list(APPEND commands COMMAND ${tool} convert ${src} ${out_c} ${test_args})
  add_custom_command(OUTPUT ${outputs} ${commands}
    DEPENDS ${inputs} ${shards} ${tool_depends}
    COMMENT "anne: ${name}.c and ${name}.h (${format}) from ${model}"
    VERBATIM)
  target_sources(${target} PRIVATE ${outputs})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${dir}>)
  # the runtime reads the weights in place through float pointers into these uint32_t words: no
  # optimizer that sees both (LTO) may assume they do not alias (docs/codegen.md, "Compiler flags")
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    set_property(SOURCE ${out_c} TARGET_DIRECTORY ${target} APPEND PROPERTY COMPILE_OPTIONS -fno-strict-aliasing)
  endif()
endfunction()
