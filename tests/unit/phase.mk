# The phase profiler on a real program (xpcsim --phase-map): a whole machine with the cycle model.
# The profiler's own unit tests are test_timing_phase.c (timing.mk).
test_phase_program_SRCS = $(CPU_MACHINE_SRCS)
