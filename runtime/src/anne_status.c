/* Status codes in words, for error messages on the host and over a board's UART. */
#include "anne.h"

const char *anne_status_str(anne_status status) {
    switch (status) {
    case ANNE_OK: return "ok";
    case ANNE_ERR_NULL_ARG: return "a required argument is NULL";
    case ANNE_ERR_TRUNCATED: return "model bytes are truncated (fewer bytes than the file declares)";
    case ANNE_ERR_BAD_MAGIC: return "not an ANNE model (magic bytes are not \"ANNE\")";
    case ANNE_ERR_VERSION: return "model format major version is not supported by this runtime";
    case ANNE_ERR_CHECKSUM: return "model checksum (CRC-32) mismatch: the bytes are damaged";
    case ANNE_ERR_BAD_SECTION: return "a section of the model file is out of bounds, misaligned, overlapping or repeated";
    case ANNE_ERR_MISSING_SECTION: return "the model file lacks a required section (graph or weights)";
    case ANNE_ERR_BAD_LAYER: return "a layer record is invalid (kind, flags, sizes or offsets)";
    case ANNE_ERR_BAD_ACTIVATION: return "unknown activation or invalid activation parameter";
    case ANNE_ERR_UNSUPPORTED_DTYPE: return "number format not supported by this runtime build";
    case ANNE_ERR_SHAPE: return "layer shapes do not chain (inputs of a layer differ from outputs of the one before)";
    case ANNE_ERR_BAD_VALUE: return "a stored number is NaN or infinite, or a scale is not positive";
    case ANNE_ERR_BAD_SCALING: return "the input scaling section is invalid";
    case ANNE_ERR_BAD_CLASSES: return "the class names section is invalid";
    case ANNE_ERR_BAD_NAME: return "the model name section is invalid";
    case ANNE_ERR_ARENA_TOO_SMALL: return "the arena is smaller than anne_model_arena_size()";
    case ANNE_ERR_ALIGNMENT: return "a buffer is not 4-byte aligned";
    case ANNE_ERR_BUFFER_TOO_SMALL: return "the output buffer is too small";
    case ANNE_ERR_BAD_ARG: return "an argument is out of range";
    case ANNE_STATUS_COUNT: break;
    }
    return "unknown status";
}
