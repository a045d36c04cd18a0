/* QEMU TCG plugin: exact counts of the guest instructions executed between calls of the firmware's
 * anne_port_bench_begin and anne_port_bench_end (one "region" per pair), with a cycle estimate from a
 * per-instruction-class table of the core (docs/mcu-report.md, "Cycle model"). Prints one line per region
 * to stderr at exit:
 *   anne_insn region=N insns=I cycles=C load=.. store=.. multi=.. mul=.. branch_taken=.. ...
 * Arguments (-plugin libanne_insn.so,core=m0plus|m33,begin=0xADDR,end=0xADDR): the core's table, and
 * the addresses of the two marker functions (arm-none-eabi-nm; the Thumb bit may be set).
 * Built against QEMU's documented plugin API (docs/devel/tcg-plugins), whose few declarations are
 * written out below for QEMU 7.2 (plugin API version 1). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the QEMU plugin API declarations this plugin uses (include/qemu/qemu-plugin.h) ---- */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);
/* ---- end of the API declarations ---- */

typedef enum anne_class {
    ANNE_C_ALU,      /* data processing, moves, compares, IT, NOP: 1 cycle */
    ANNE_C_MUL,      /* MUL/MLA/SMLAD/SMULL...: 1 cycle on both cores (the RP2040 has the fast multiplier) */
    ANNE_C_DIV,      /* SDIV/UDIV (M33 only): 2 to 11 cycles, counted as 7 */
    ANNE_C_LOAD,     /* LDR, LDRB, LDRH, ... (single register) */
    ANNE_C_STORE,    /* STR, STRB, STRH */
    ANNE_C_LOAD2,    /* LDRD / STRD */
    ANNE_C_MULTI,    /* LDM, STM, PUSH, POP (without PC): 1 + N */
    ANNE_C_BRANCH,   /* B, B<cond>, CBZ, CBNZ, TBB, TBH, BX */
    ANNE_C_CALL,     /* BL, BLX */
    ANNE_C_POP_PC,   /* POP / LDM with PC: 1 + N + pipeline refill */
    ANNE_C_FP,       /* VADD, VSUB, VMUL, VNEG, VABS, VCMP, VMOV, VCVT, VMRS, VSEL, VMAXNM...: 1 cycle */
    ANNE_C_FP_MAC,   /* VMLA, VMLS, VFMA, VFMS, VNMLA...: 3 cycles */
    ANNE_C_FP_DIV,   /* VDIV, VSQRT: 14 cycles */
    ANNE_C_FP_LOAD,  /* VLDR, VSTR, one-register VLDM/VSTM: 2 (1 right after another single load/store) */
    ANNE_C_FP_MULTI, /* VLDM, VSTM, VPUSH, VPOP: 1 + N */
    ANNE_C_SYS,      /* DSB, ISB, DMB, MSR, MRS, BKPT, SVC... */
    ANNE_C_COUNT
} anne_class;

static const char *const anne_class_names[ANNE_C_COUNT] = {
    "alu", "mul", "div", "load", "store", "load2", "multi", "branch", "call", "pop_pc",
    "fp", "fp_mac", "fp_div", "fp_load", "fp_multi", "sys"};

typedef struct anne_insn {
    uint64_t pc;
    uint32_t size;
    uint8_t cls;
    uint8_t nregs;  /* registers moved by LDM/STM/PUSH/POP/VLDM/VSTM */
    uint8_t marker; /* 1: begin, 2: end */
} anne_insn;

#define ANNE_MAX_REGIONS 64
typedef struct anne_region {
    uint64_t insns, cycles;
    uint64_t by_class[ANNE_C_COUNT];
    uint64_t taken;    /* branches taken (BRANCH class) */
} anne_region;

static int anne_core_m33;
static uint64_t anne_begin_pc = UINT64_MAX, anne_end_pc = UINT64_MAX;
static anne_region anne_regions[ANNE_MAX_REGIONS];
static int anne_n_regions;
static int anne_active;
static const anne_insn *anne_prev; /* the instruction executed last, inside a region */

static int anne_starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Registers in a "{r4, r5, lr}" list (capstone spells every register out). */
static int anne_count_regs(const char *ops) {
    const char *p = strchr(ops, '{');
    int n = 1;
    if (p == NULL) return 1;
    for (; *p != '\0' && *p != '}'; p++) n += *p == ',';
    return n;
}

/* The class of an instruction from capstone's disassembly ("ldr r3, [r0, #4]", "vfma.f32 s0, ..."). */
static void anne_classify(anne_insn *in, const char *text) {
    char m[32];
    size_t k = strcspn(text, " \t");
    const char *ops = text + k;
    if (k >= sizeof m) k = sizeof m - 1;
    memcpy(m, text, k);
    m[k] = '\0';
    in->nregs = 0;
    if (m[0] == 'v') {
        if (anne_starts(m, "vldm") || anne_starts(m, "vstm") || anne_starts(m, "vpush") || anne_starts(m, "vpop")) {
            in->nregs = (uint8_t)anne_count_regs(ops);
            in->cls = in->nregs == 1 ? ANNE_C_FP_LOAD : ANNE_C_FP_MULTI; /* vldmia r0!, {s0}: a VLDR */
        } else if (anne_starts(m, "vldr") || anne_starts(m, "vstr")) {
            in->cls = ANNE_C_FP_LOAD;
        } else if (anne_starts(m, "vmla") || anne_starts(m, "vmls") || anne_starts(m, "vfma") ||
                   anne_starts(m, "vfms") || anne_starts(m, "vfnm") || anne_starts(m, "vnml")) {
            in->cls = ANNE_C_FP_MAC;
        } else if (anne_starts(m, "vdiv") || anne_starts(m, "vsqrt")) {
            in->cls = ANNE_C_FP_DIV;
        } else {
            in->cls = ANNE_C_FP;
        }
        return;
    }
    if (anne_starts(m, "push") || anne_starts(m, "stm")) {
        in->cls = ANNE_C_MULTI;
        in->nregs = (uint8_t)anne_count_regs(ops);
        return;
    }
    if (anne_starts(m, "pop") || anne_starts(m, "ldm")) {
        in->nregs = (uint8_t)anne_count_regs(ops);
        in->cls = strstr(ops, "pc") != NULL ? ANNE_C_POP_PC : ANNE_C_MULTI;
        return;
    }
    if (anne_starts(m, "ldrd") || anne_starts(m, "strd")) {
        in->cls = ANNE_C_LOAD2;
    } else if (anne_starts(m, "ldr") || anne_starts(m, "ldrex")) {
        in->cls = strstr(ops, "pc,") != NULL && strstr(ops, "[pc") == NULL ? ANNE_C_POP_PC : ANNE_C_LOAD;
    } else if (anne_starts(m, "str")) {
        in->cls = ANNE_C_STORE;
    } else if (anne_starts(m, "bl") && strcmp(m, "ble") != 0 && strcmp(m, "blt") != 0 && !anne_starts(m, "bls") &&
               !anne_starts(m, "blo")) {
        in->cls = ANNE_C_CALL; /* bl, blx (not ble, blt, bls, blo) */
    } else if (m[0] == 'b' && strcmp(m, "bic") != 0 && strcmp(m, "bics") != 0 && !anne_starts(m, "bkpt") &&
               !anne_starts(m, "bfi") && !anne_starts(m, "bfc")) {
        in->cls = ANNE_C_BRANCH; /* b, b<cond>, b.w, bx */
    } else if (anne_starts(m, "cbz") || anne_starts(m, "cbnz") || anne_starts(m, "tbb") || anne_starts(m, "tbh")) {
        in->cls = ANNE_C_BRANCH;
    } else if (anne_starts(m, "mul") || anne_starts(m, "mla") || anne_starts(m, "mls") || anne_starts(m, "smla") ||
               anne_starts(m, "smul") || anne_starts(m, "umul") || anne_starts(m, "umla") ||
               anne_starts(m, "smua") || anne_starts(m, "smus") || anne_starts(m, "smls") || anne_starts(m, "smmu") ||
               anne_starts(m, "smml") || anne_starts(m, "umaal")) {
        in->cls = ANNE_C_MUL;
    } else if (anne_starts(m, "sdiv") || anne_starts(m, "udiv")) {
        in->cls = ANNE_C_DIV;
    } else if (anne_starts(m, "dsb") || anne_starts(m, "isb") || anne_starts(m, "dmb") || anne_starts(m, "msr") ||
               anne_starts(m, "mrs") || anne_starts(m, "bkpt") || anne_starts(m, "svc") || anne_starts(m, "cps")) {
        in->cls = ANNE_C_SYS;
    } else if ((anne_starts(m, "mov") || anne_starts(m, "add")) && anne_starts(ops + strspn(ops, " \t"), "pc,")) {
        in->cls = ANNE_C_BRANCH; /* writes the PC */
    } else {
        in->cls = ANNE_C_ALU;
    }
}

/* Cycles of one executed instruction; `taken` says whether control went elsewhere than the next
 * instruction (known only when the following instruction executes). */
static uint64_t anne_cycles(const anne_insn *in, int taken, const anne_insn *before) {
    uint64_t n = in->nregs;
    int m33 = anne_core_m33;
    int pipelined = before != NULL && (before->cls == ANNE_C_LOAD || before->cls == ANNE_C_STORE ||
                                       before->cls == ANNE_C_FP_LOAD);
    switch ((anne_class)in->cls) {
    case ANNE_C_ALU: return 1;
    case ANNE_C_MUL: return 1;
    case ANNE_C_DIV: return 7;
    case ANNE_C_LOAD:
    case ANNE_C_STORE: return m33 && pipelined ? 1 : 2;
    case ANNE_C_LOAD2: return 3;
    case ANNE_C_MULTI: return 1 + n;
    case ANNE_C_BRANCH: return taken ? 2 : 1;
    case ANNE_C_CALL: return m33 ? 2 : 3;
    case ANNE_C_POP_PC: return m33 ? 2 + n : 3 + n;
    case ANNE_C_FP: return 1;
    case ANNE_C_FP_MAC: return 3;
    case ANNE_C_FP_DIV: return 14;
    case ANNE_C_FP_LOAD: return pipelined ? 1 : 2;
    case ANNE_C_FP_MULTI: return 1 + n;
    case ANNE_C_SYS: return 3;
    case ANNE_C_COUNT: break;
    }
    return 1;
}

static const anne_insn *anne_prev_prev;

/* Accounts the previous instruction, now that we know whether it branched. */
static void anne_account_prev(uint64_t next_pc) {
    anne_region *r;
    int taken;
    if (anne_prev == NULL || anne_n_regions == 0) return;
    r = &anne_regions[anne_n_regions - 1];
    taken = next_pc != anne_prev->pc + anne_prev->size;
    r->insns++;
    r->by_class[anne_prev->cls]++;
    if (anne_prev->cls == ANNE_C_BRANCH && taken) r->taken++;
    r->cycles += anne_cycles(anne_prev, taken, anne_prev_prev);
    anne_prev_prev = anne_prev;
}

static void anne_exec(unsigned int vcpu, void *userdata) {
    const anne_insn *in = userdata;
    (void)vcpu;
    if (anne_active) {
        anne_account_prev(in->pc);
        anne_prev = in;
    }
    if (in->marker == 1 && !anne_active) {
        if (anne_n_regions < ANNE_MAX_REGIONS) {
            anne_n_regions++;
            anne_active = 1;
            anne_prev = NULL; /* the region starts after the marker's first instruction */
            anne_prev_prev = NULL;
        }
    } else if (in->marker == 2 && anne_active) {
        anne_active = 0; /* the BL into the end marker was the region's last instruction */
        anne_prev = NULL;
    }
}

static void anne_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    size_t i, n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        anne_insn *in = calloc(1, sizeof *in); /* lives as long as QEMU may run the translation */
        char *text;
        if (in == NULL) abort();
        in->pc = qemu_plugin_insn_vaddr(insn);
        in->size = (uint32_t)qemu_plugin_insn_size(insn);
        text = qemu_plugin_insn_disas(insn);
        anne_classify(in, text != NULL ? text : "");
        free(text);
        if (in->pc == anne_begin_pc) in->marker = 1;
        if (in->pc == anne_end_pc) in->marker = 2;
        qemu_plugin_register_vcpu_insn_exec_cb(insn, anne_exec, QEMU_PLUGIN_CB_NO_REGS, in);
    }
}

static void anne_at_exit(qemu_plugin_id_t id, void *userdata) {
    int i, c;
    (void)id;
    (void)userdata;
    for (i = 0; i < anne_n_regions; i++) {
        const anne_region *r = &anne_regions[i];
        fprintf(stderr, "anne_insn region=%d insns=%llu cycles=%llu branch_taken=%llu", i,
                (unsigned long long)r->insns, (unsigned long long)r->cycles, (unsigned long long)r->taken);
        for (c = 0; c < ANNE_C_COUNT; c++) {
            fprintf(stderr, " %s=%llu", anne_class_names[c], (unsigned long long)r->by_class[c]);
        }
        fprintf(stderr, "\n");
    }
    fflush(stderr);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    int i;
    (void)info;
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "core=m33") == 0) {
            anne_core_m33 = 1;
        } else if (strcmp(argv[i], "core=m0plus") == 0) {
            anne_core_m33 = 0;
        } else if (strncmp(argv[i], "begin=", 6) == 0) {
            anne_begin_pc = strtoull(argv[i] + 6, NULL, 0) & ~1ull; /* drop the Thumb bit */
        } else if (strncmp(argv[i], "end=", 4) == 0) {
            anne_end_pc = strtoull(argv[i] + 4, NULL, 0) & ~1ull;
        } else {
            fprintf(stderr, "anne_insn: unknown argument '%s' (core=m0plus|m33, begin=ADDR, end=ADDR)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, anne_tb_trans);
    qemu_plugin_register_atexit_cb(id, anne_at_exit, NULL);
    return 0;
}
