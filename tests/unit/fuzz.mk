# The random-program fuzz test of the whole hart (tests/unit/test_fuzz_cpu.c).
test_fuzz_cpu_SRCS = $(filter-out sim/main.c,$(patsubst $(ROOT)/%,%,$(wildcard \
                       $(ROOT)/sim/*.c $(ROOT)/sim/dev/*.c $(ROOT)/sim/net/*.c $(ROOT)/sim/fpu/*.c $(ROOT)/sim/xpc/*.c $(ROOT)/sim/timing/*.c)))
