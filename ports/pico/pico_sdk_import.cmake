# Finds the Raspberry Pi Pico SDK (not part of ANNE) and includes its initialization, as the SDK's own
# external/pico_sdk_import.cmake does: from -DPICO_SDK_PATH=... or the PICO_SDK_PATH environment
# variable. Include it before project().
if(DEFINED ENV{PICO_SDK_PATH} AND NOT PICO_SDK_PATH)
  set(PICO_SDK_PATH $ENV{PICO_SDK_PATH})
endif()
set(PICO_SDK_PATH "${PICO_SDK_PATH}" CACHE PATH "Path to the Raspberry Pi Pico SDK")
if(NOT PICO_SDK_PATH)
  message(FATAL_ERROR "Set PICO_SDK_PATH (environment or -DPICO_SDK_PATH=...) to a Pico SDK checkout; "
    "see ports/pico/README.md")
endif()
get_filename_component(PICO_SDK_PATH "${PICO_SDK_PATH}" REALPATH BASE_DIR "${CMAKE_BINARY_DIR}")
if(NOT EXISTS ${PICO_SDK_PATH}/pico_sdk_init.cmake)
  message(FATAL_ERROR "${PICO_SDK_PATH} does not look like the Pico SDK (no pico_sdk_init.cmake)")
endif()
include(${PICO_SDK_PATH}/pico_sdk_init.cmake)
