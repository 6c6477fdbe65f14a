# The cycle model's unit tests (sim/timing); `make -C sim/timing test` runs the same set.
TIMING_SRCS := sim/timing/params.c sim/timing/cache.c sim/timing/bpred.c sim/timing/tlb_model.c \
               sim/timing/timing.c sim/timing/stats.c sim/timing/phase.c
$(foreach t,$(patsubst %.c,%,$(notdir $(wildcard $(CURDIR)/test_timing_*.c))),\
  $(eval $(t)_SRCS = $(TIMING_SRCS))$(eval $(t)_CFLAGS = -iquote $(ROOT)/sim/timing))
