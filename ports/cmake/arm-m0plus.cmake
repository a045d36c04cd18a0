# Toolchain file: Cortex-M0+ (RP2040), soft float; run on QEMU's microbit machine (ARMv6-M).
include(${CMAKE_CURRENT_LIST_DIR}/arm-common.cmake)
set(ANNE_MCU_TARGET m0plus)
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m0plus ${ANNE_MCU_COMMON_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "-mcpu=cortex-m0plus ${ANNE_MCU_COMMON_FLAGS}")
