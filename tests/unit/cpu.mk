# The CPU core's unit tests (decoder, MMU and soft TLB, CSRs and traps, block cache), included
# by tests/unit/Makefile. A test that needs a hart links the whole machine but the front end.
CPU_MACHINE_SRCS := $(filter-out sim/main.c,$(patsubst $(ROOT)/%,%,$(wildcard \
                      $(ROOT)/sim/*.c $(ROOT)/sim/dev/*.c $(ROOT)/sim/net/*.c $(ROOT)/sim/fpu/*.c $(ROOT)/sim/xpc/*.c $(ROOT)/sim/timing/*.c)))
test_decode_SRCS    = sim/decode.c
test_mmu_SRCS       = $(CPU_MACHINE_SRCS)
test_csr_SRCS       = $(CPU_MACHINE_SRCS)
test_trap_SRCS      = $(CPU_MACHINE_SRCS)
test_irq_SRCS       = $(CPU_MACHINE_SRCS)
test_block_SRCS     = $(CPU_MACHINE_SRCS)
