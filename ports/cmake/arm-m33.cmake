# Toolchain file: Cortex-M33 (RP2350) with single-precision FPU and DSP extension, hard-float ABI; run
# on QEMU's mps2-an505 machine.
include(${CMAKE_CURRENT_LIST_DIR}/arm-common.cmake)
set(ANNE_MCU_TARGET m33)
set(ANNE_MCU_CPU_FLAGS "-mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16")
set(CMAKE_C_FLAGS_INIT "${ANNE_MCU_CPU_FLAGS} ${ANNE_MCU_COMMON_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${ANNE_MCU_CPU_FLAGS} ${ANNE_MCU_COMMON_FLAGS}")
