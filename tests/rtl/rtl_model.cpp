// The only C++ of the co-simulation: Verilator's generated class behind rtl_model.h.
#include "rtl_model.h"

#include "Vxpc_engine.h"
#include "verilated.h"

struct rtl_model {
    VerilatedContext ctx;
    Vxpc_engine *top;
};

extern "C" struct rtl_model *rtl_model_new(void)
{
    rtl_model *m = new rtl_model;
    m->top = new Vxpc_engine(&m->ctx);
    m->top->clk = 0;
    return m;
}

extern "C" void rtl_model_free(struct rtl_model *m)
{
    m->top->final();
    delete m->top;
    delete m;
}

extern "C" unsigned rtl_model_cache_entries(void)
{
    return RTL_CACHE_ENTRIES;
}

static void put(Vxpc_engine *t, const rtl_pins *p)
{
    t->rst = p->rst;
    t->csr_valid = p->csr_valid;
    t->csr_write = p->csr_write;
    t->csr_num = p->csr_num;
    t->csr_priv = p->csr_priv;
    t->csr_wdata = p->csr_wdata;
    t->insn_valid = p->insn_valid;
    t->insn = p->insn;
    t->rs1_value = p->rs1_value;
    t->pc_next = p->pc_next;
    t->satp = p->satp;
    t->mem_ack = p->mem_ack;
    t->mem_err = p->mem_err;
    t->mem_rdata = p->mem_rdata;
    t->pma_ok = p->pma_ok;
    t->pma_bad_addr = p->pma_bad_addr;
    t->d_va = p->d_va;
    t->d_size = p->d_size;
    t->d_store = p->d_store;
}

static void get(const Vxpc_engine *t, rtl_pins *p)
{
    p->csr_mine = t->csr_mine;
    p->csr_illegal = t->csr_illegal;
    p->csr_rdata = t->csr_rdata;
    p->busy = t->busy;
    p->done = t->done;
    p->cause = t->cause;
    p->tval = t->tval;
    p->new_pc = t->new_pc;
    p->new_satp = t->new_satp;
    p->satp_changed = t->satp_changed;
    p->mem_req = t->mem_req;
    p->mem_we = t->mem_we;
    p->mem_addr = t->mem_addr;
    p->mem_wdata = t->mem_wdata;
    p->pma_base = t->pma_base;
    p->pma_words = t->pma_words;
    p->d_hit = t->d_hit;
    p->d_fault = t->d_fault;
    p->d_pa = t->d_pa;
}

extern "C" void rtl_model_eval(struct rtl_model *m, struct rtl_pins *p)
{
    put(m->top, p);
    m->top->eval();
    get(m->top, p);
}

extern "C" void rtl_model_tick(struct rtl_model *m, struct rtl_pins *p)
{
    put(m->top, p);
    m->top->clk = 0;
    m->top->eval();
    m->top->clk = 1;
    m->top->eval();
    get(m->top, p);
}
