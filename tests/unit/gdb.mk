# The GDB stub's target side (sim/gdb/): registers, memory, the target description, monitor.
test_gdb_target_SRCS = $(CPU_MACHINE_SRCS) $(patsubst $(ROOT)/%,%,$(wildcard $(ROOT)/sim/gdb/*.c))
