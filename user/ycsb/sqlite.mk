# SQLite for ycsb, until the shared guest library (user/sqlite/) is there: the amalgamation of
# Debian's source package (pinned, fetched into the build tree by scripts/debian-source.sh, the
# amalgamation made by its own build with tclsh), compiled for SQLite's flavour
# (rv64imafdc/lp64d), single-threaded, on ycsb's VFS (ycsb/vfs.c, SQLITE_OS_OTHER).
SQLITE_VERSION := 3.40.1-2+deb12u2
SQLITE_SRC := $(BUILD)/third_party/sqlite3-$(SQLITE_VERSION)
SQLITE_DIR := $(BUILD)/ycsb-sqlite
SQLITE_AMAL := $(SQLITE_DIR)/sqlite3.c
SQLITE_OBJ := $(OUT)/obj-fp/ycsb/sqlite3.o
# No WAL (it needs shared memory between processes), no extensions, temporary files in memory,
# no mmap: the POSIX layer has none of those.
SQLITE_DEFS := -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
	-DSQLITE_OMIT_WAL -DSQLITE_TEMP_STORE=3 -DSQLITE_MAX_MMAP_SIZE=0 \
	-DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_OMIT_LOCALTIME -DSQLITE_OMIT_DEPRECATED

$(SQLITE_AMAL):
	../scripts/debian-source.sh sqlite3 $(SQLITE_VERSION) $(BUILD)/third_party >/dev/null
	mkdir -p $(SQLITE_DIR)
	cd $(SQLITE_DIR) && $(SQLITE_SRC)/configure --disable-tcl >configure.log 2>&1 && \
		$(MAKE) sqlite3.c >make.log 2>&1

# Third-party code: its own warnings are not ours to fix.
$(SQLITE_OBJ): $(SQLITE_AMAL)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wall -Wextra -Werror -MMD -MP,$(FP_CFLAGS)) -w $(SQLITE_DEFS) -c $< -o $@
