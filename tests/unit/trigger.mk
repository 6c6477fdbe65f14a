# The debug triggers (sim/trigger.c): a whole machine, as the other CPU tests.
test_trigger_SRCS = $(CPU_MACHINE_SRCS)
