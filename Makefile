# XPC: the machine (sim/), the kernel (kernel/, user/), the tests and the experiments.
#
#   make run    boot the system on xpcsim and show the headline result
#   make test   every test suite; the last line is "N passed, N failed"
#
# Both first install (as root, through apt-get) or name the Debian packages they need.

TOP   := $(abspath .)
BUILD ?= $(TOP)/build
export BUILD

FW := /usr/lib/riscv64-linux-gnu/opensbi/generic

.PHONY: all deps sim kernel isa boot run linux run-linux test unit-tests clean format bench experiments

all: sim kernel

deps:
	@scripts/deps.sh

sim: deps
	$(MAKE) -C sim

kernel: deps
	$(MAKE) -C kernel

# The xpcfs host tools: $(BUILD)/tools/xpcfs-mkfs, xpcfs-fsck and xpcfs (docs/storage.md).
tools: deps
	$(MAKE) -C fs tools

# The file system core for the guest ($(BUILD)/fs/libfscore.a) and the host, and the tools.
fs: deps
	$(MAKE) -C fs all guest

run: sim kernel
	scripts/run.sh

# Debian's riscv64 Linux on xpcsim (docs/linux.md): fetched at build time, an interactive shell.
linux: deps
	$(MAKE) -C linux

run-linux: sim linux
	$(MAKE) -C linux run

bench: sim
	$(MAKE) -C bench/speed run

# The paper's microbenchmarks E1-E5: tables, CSVs and plots in $(BUILD)/results.
experiments: sim kernel
	$(MAKE) -C bench/experiments all

# Each suite prints its own "N passed, N failed" (or Criterion's synthesis); run-suites.sh adds
# them up. The machine is built first, so a suite fails on its own merits only.
test: sim
	@scripts/run-suites.sh \
	    "unit:$(MAKE) -s -C tests/unit" \
	    "cli:tests/cli/run.sh $(BUILD)/sim/xpcsim $(BUILD)/cli" \
	    "isa:$(MAKE) -s -C tests/isa test EMUS='xpcsim qemu' TIMEOUT=60" \
	    "log:$(MAKE) -s -C tests/isa all && tests/isa/log-diff.sh $(BUILD)" \
	    "boot:$(MAKE) -s -C tests/boot test" \
	    "fp:$(MAKE) -s -C tests/fp test EMUS='qemu xpcsim'" \
	    "libc:$(MAKE) -s -C tests/libc test" \
	    "virtio:$(MAKE) -s -C tests/virtio test" \
	    "net:$(MAKE) -s -C tests/virtio net" \
	    "net-hostfwd:$(MAKE) -s -C kernel && tests/net/hostfwd.sh $(BUILD)" \
	    "xpc:$(MAKE) -s -C tests/xpc test" \
	    "xpc-ablations:$(MAKE) -s -C tests/xpc ablations" \
	    "xpc-cycles:tests/xpc/cycles.sh $(BUILD)/sim/xpcsim $(BUILD)/xpc/bench_xcall.elf" \
	    "kernel-qemu:$(MAKE) -s -C kernel test EMU=qemu" \
	    "kernel-xpcsim:$(MAKE) -s -C kernel test EMU=xpcsim" \
	    "storage:$(MAKE) -s -C kernel && $(MAKE) -s -C fs tools && tests/storage/run.sh $(BUILD)" \
	    "sql:$(MAKE) -s -C kernel && $(MAKE) -s -C fs tools && tests/sql/run.sh $(BUILD)" \
	    "powercut:$(MAKE) -s -C kernel && $(MAKE) -s -C fs tools && tests/storage/powercut.sh $(BUILD)" \
	    "ycsb:$(MAKE) -s -C kernel && tests/ycsb/run.sh $(BUILD)" \
	    "ycsb-powercut:$(MAKE) -s -C kernel && $(MAKE) -s -C fs tools && tests/ycsb/powercut.sh $(BUILD)" \
	    "binder:$(MAKE) -s -C kernel && tests/binder/run.sh $(BUILD)" \
	    "xpc-kernel-cycles:tests/xpc/kernel-cycles.sh $(BUILD)/sim/xpcsim $(BUILD)/kernel/kernel-bench.elf $(BUILD)/kernel/kernel-bench-flush.elf" \
	    "experiments-selftest:$(MAKE) -s -C bench/experiments test" \
	    "fs:$(MAKE) -s -C tests/fs" \
	    "fs-tools:$(MAKE) -s -C fs tools guest && tests/fs/tools.sh $(BUILD)/tools" \
	    "rtl:$(MAKE) -s -C tests/rtl" \
	    "gdb:$(MAKE) -s -C tests/gdb test" \
	    "trace:$(MAKE) -s -C kernel && $(MAKE) -s -C tests/xpc all && tests/trace/run.sh $(BUILD)" \
	    "linux:tests/linux/run.sh"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
