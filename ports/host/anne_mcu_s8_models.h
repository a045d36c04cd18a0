/* The int8 graph benchmark models of anne_mcu_host (anne_mcu_s8_models.c). */
#ifndef ANNE_MCU_S8_MODELS_H
#define ANNE_MCU_S8_MODELS_H

#include "anne.h"

/* Writes DIR/ds_cnn_kws.anne, conv3x3_16.anne, dwconv3x3_64.anne and pwconv_64.anne; 0 on success. */
int anne_mcu_s8_models(const char *dir);

#endif /* ANNE_MCU_S8_MODELS_H */
