/* The Verilated RTL engine (rtl/xpc_engine.v) behind a C interface: the pins as a struct, and
 * the two things a testbench does with them: settle the logic, and clock it once. One
 * executable holds one build of the model, with its cache size fixed at Verilation time. */
#ifndef TESTS_RTL_RTL_MODEL_H
#define TESTS_RTL_RTL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rtl_pins {
    /* inputs */
    bool rst;
    bool csr_valid, csr_write;
    unsigned csr_num, csr_priv;
    uint64_t csr_wdata;
    bool insn_valid;
    uint32_t insn;
    uint64_t rs1_value, pc_next, satp;
    bool mem_ack, mem_err;
    uint64_t mem_rdata;
    bool pma_ok;
    uint64_t pma_bad_addr;
    uint64_t d_va;
    unsigned d_size;
    bool d_store;
    /* outputs */
    bool csr_mine, csr_illegal;
    uint64_t csr_rdata;
    bool busy, done;
    unsigned cause;
    uint64_t tval, new_pc, new_satp;
    bool satp_changed;
    bool mem_req, mem_we;
    uint64_t mem_addr, mem_wdata;
    uint64_t pma_base;
    unsigned pma_words;
    bool d_hit, d_fault;
    uint64_t d_pa;
};

struct rtl_model;
struct rtl_model *rtl_model_new(void);
void rtl_model_free(struct rtl_model *m);
/* The CACHE_ENTRIES parameter this build was Verilated with. */
unsigned rtl_model_cache_entries(void);
/* Apply the inputs, settle the combinational logic, read the outputs. */
void rtl_model_eval(struct rtl_model *m, struct rtl_pins *p);
/* One rising clock edge with the current inputs, then the outputs as they settle after it. */
void rtl_model_tick(struct rtl_model *m, struct rtl_pins *p);

#ifdef __cplusplus
}
#endif
#endif
