# The Pico template's part of a build: anne_pico_model_app(TARGET [WARNINGS flag...]) adds to TARGET
# the template (anne_pico_model_app.c), the sensor file and the model as C (anne_add_model(), NAME
# model), from these options. Used by the SDK project (CMakeLists.txt here) and by its CI build on the
# emulated cores (ports/CMakeLists.txt); needs cmake/anne.cmake (anne_add_model) included first.
set(ANNE_PICO_MODEL "" CACHE FILEPATH
    "Your model (anything `anne convert` reads: .h5, .keras, TF.js model.json, .tflite, .anne, ANNE JSON)")
set(ANNE_PICO_FORMAT f32 CACHE STRING "Number format on the board: f32, q16 or int8 (these two need ANNE_PICO_DATA)")
set(ANNE_PICO_DATA "" CACHE FILEPATH "q16/int8: CSV of raw input rows to calibrate the quantizer with")
set(ANNE_PICO_LABEL "" CACHE STRING "A column of ANNE_PICO_DATA to leave out (e.g. the class)")
set(ANNE_PICO_TEST_CSV "" CACHE FILEPATH
    "CSV of raw input rows: the firmware runs the self-test of its first 10 rows at start-up (anne convert --test)")
set(ANNE_PICO_SENSOR ${CMAKE_CURRENT_LIST_DIR}/anne_pico_sensor.c CACHE FILEPATH
    "The C file that defines anne_pico_read_input(): reads your sensor")
set(ANNE_PICO_SAMPLE "" CACHE STRING
    "The stub sensor's sample: comma-separated numbers, one per model input (empty: zeros)")

# anne_pico_sample_literals(OUT): ANNE_PICO_SAMPLE as C float constants ("6.8f,2.8f,..."), or a
# configuration error naming the value that is not a number
function(anne_pico_sample_literals out)
  string(REPLACE "," ";" values "${ANNE_PICO_SAMPLE}")
  set(literals)
  foreach(v IN LISTS values)
    string(STRIP "${v}" v)
    if(v MATCHES "^[-+]?[0-9]+$")
      string(APPEND v ".0f")
    elseif(v MATCHES "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$")
      string(APPEND v "f")
    else()
      message(FATAL_ERROR "ANNE_PICO_SAMPLE: '${v}' is not a number; expected comma-separated numbers, one "
        "per model input, e.g. -DANNE_PICO_SAMPLE=6.8,2.8,4.8,1.4")
    endif()
    list(APPEND literals ${v})
  endforeach()
  list(JOIN literals "," joined)
  set(${out} "${joined}" PARENT_SCOPE)
endfunction()

function(anne_pico_model_app target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "WARNINGS")
  set(here ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  set(args FORMAT ${ANNE_PICO_FORMAT})
  if(ANNE_PICO_DATA)
    list(APPEND args DATA ${ANNE_PICO_DATA})
  endif()
  if(ANNE_PICO_LABEL)
    list(APPEND args LABEL ${ANNE_PICO_LABEL})
  endif()
  if(ANNE_PICO_TEST_CSV)
    list(APPEND args TEST ${ANNE_PICO_TEST_CSV})
  endif()
  anne_add_model(${target} ${ANNE_PICO_MODEL} NAME model ${args})
  get_filename_component(sensor ${ANNE_PICO_SENSOR} ABSOLUTE)
  target_sources(${target} PRIVATE ${here}/anne_pico_model_app.c ${sensor})
  target_include_directories(${target} PRIVATE ${here})
  target_compile_definitions(${target} PRIVATE ANNE_PICO_MODEL_APP)
  if(ANNE_PICO_TEST_CSV)
    # the template includes model_test.h and runs model_self_test() at start-up
    set_property(SOURCE ${here}/anne_pico_model_app.c APPEND PROPERTY COMPILE_DEFINITIONS ANNE_PICO_SELF_TEST=1)
  endif()
  if(NOT ANNE_PICO_SAMPLE STREQUAL "")
    anne_pico_sample_literals(sample)
    set_property(SOURCE ${sensor} APPEND PROPERTY COMPILE_DEFINITIONS "ANNE_PICO_SAMPLE=${sample}")
  endif()
  if(arg_WARNINGS)
    set_property(SOURCE ${here}/anne_pico_model_app.c ${sensor} ${CMAKE_CURRENT_BINARY_DIR}/anne_models/${target}/model.c
                 APPEND PROPERTY COMPILE_OPTIONS ${arg_WARNINGS})
  endif()
endfunction()
