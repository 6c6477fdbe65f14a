# The XPC engine's unit tests (sim/xpc), included by tests/unit/Makefile.
XPC_ENGINE_SRCS      = sim/xpc/engine.c sim/xpc/cache.c sim/xpc/insn.c
test_xpc_engine_SRCS = $(XPC_ENGINE_SRCS)
test_xpc_csr_SRCS    = $(XPC_ENGINE_SRCS)
test_xpc_seg_SRCS    = $(XPC_ENGINE_SRCS)
test_xpc_cache_SRCS  = $(XPC_ENGINE_SRCS)
