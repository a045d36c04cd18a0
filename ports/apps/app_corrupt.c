/* Damaged models are rejected on the board exactly as on the host: for every byte of a model, the
 * byte flipped (CRC left stale), the byte flipped with the CRC fixed up (so the structural checks are
 * reached), and the file cut short at every length. The host (`write`) stores the list of statuses,
 * a board (`check`) computes its own and compares them one by one.
 *   anne_app_corrupt write|check MODEL STATUSES */
#include "app_common.h"

#define ANNE_APP_MAX_MODEL 4096u

static uint32_t anne_app_model_buf[ANNE_APP_MAX_MODEL / 4];
static uint32_t anne_app_work_buf[ANNE_APP_MAX_MODEL / 4];
static uint8_t anne_app_got[3 * ANNE_APP_MAX_MODEL];
static uint8_t anne_app_want[3 * ANNE_APP_MAX_MODEL];

static void anne_app_put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The model file's CRC-32 (docs/format.md): every byte but the CRC field at [12, 16). */
static void anne_app_fix_crc(uint8_t *p, uint32_t size) {
    uint32_t crc = anne_crc32(0u, p, 12u);
    crc = anne_crc32(crc, p + 16, size - 16u);
    anne_app_put32(p + 12, crc);
}

static uint8_t anne_app_status(const uint8_t *bytes, uint32_t size) {
    anne_model m;
    return (uint8_t)anne_model_load(&m, bytes, size);
}

int anne_app_main(int argc, char **argv) {
    uint8_t *model = (uint8_t *)anne_app_model_buf, *work = (uint8_t *)anne_app_work_buf;
    uint32_t size, k, n, mismatches = 0, rejected = 0;
    long got;
    int write;
    if (argc != 4 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
        anne_port_puts("usage: anne_app_corrupt write|check MODEL STATUSES\n");
        return 2;
    }
    write = strcmp(argv[1], "write") == 0;
    got = anne_app_load(argv[2], model, ANNE_APP_MAX_MODEL);
    if (got < 20) return 1;
    size = (uint32_t)got;
    if (anne_app_status(model, size) != ANNE_OK) {
        anne_port_puts("the intact model does not load\n");
        return 1;
    }
    n = 0;
    for (k = 0; k < size; k++) {
        memcpy(work, model, size);
        work[k] ^= 0x55u;
        anne_app_got[n++] = anne_app_status(work, size);
        if (k < 12u || k >= 16u) anne_app_fix_crc(work, size);
        anne_app_got[n++] = anne_app_status(work, size);
        anne_app_got[n++] = anne_app_status(model, k);
    }
    for (k = 0; k < n; k++) rejected += anne_app_got[k] != ANNE_OK;
    if (write) return anne_app_store(argv[3], anne_app_got, n) == 0 ? 0 : 1;
    if (anne_app_load(argv[3], anne_app_want, sizeof anne_app_want) != (long)n) {
        anne_port_puts("the host's statuses are missing or of the wrong size\n");
        return 1;
    }
    for (k = 0; k < n; k++) {
        if (anne_app_got[k] == anne_app_want[k]) continue;
        if (mismatches++ < 5) {
            anne_port_puts("  FAIL: byte ");
            anne_port_put_u32(k / 3u);
            anne_port_puts(k % 3u == 0 ? " flipped" : (k % 3u == 1 ? " flipped, CRC fixed" : ": file cut there"));
            anne_port_puts(": board says '");
            anne_port_puts(anne_status_str((anne_status)anne_app_got[k]));
            anne_port_puts("', host says '");
            anne_port_puts(anne_status_str((anne_status)anne_app_want[k]));
            anne_port_puts("'\n");
        }
    }
    anne_port_puts(anne_port_target);
    anne_port_puts(" ");
    anne_port_puts(argv[2]);
    anne_port_puts(": ");
    anne_port_put_u32(n);
    anne_port_puts(" damaged variants, ");
    anne_port_put_u32(rejected);
    anne_port_puts(" rejected, ");
    anne_port_put_u32(mismatches);
    anne_port_puts(" statuses differ from the host's\n");
    return mismatches == 0 ? 0 : 1;
}
