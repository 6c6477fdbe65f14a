# SQLite3 for the guest (docs/sqlite.md), included by user/Makefile.
#
# Debian's source package (pinned) is unpacked by scripts/debian-source.sh into the build tree; its
# amalgamation (sqlite3.c, sqlite3.h, shell.c) is generated there on the host (configure, then
# SQLite's own make rules, which need tclsh). Then, for rv64imafdc/lp64d with picolibc:
#   $(SQLITE_LIB)       the library: SQLite and the "xpc" VFS (user/sqlite/vfs.c, shm.c)
#   $(SQLITE_INCLUDE)   the directory holding its header, sqlite3.h
#   $(OUT)/sqlite3.elf  the sqlite3 command-line shell, in the boot image
# A program links $(SQLITE_LIB) after its objects, with the FP flavour of the user library
# (FP_LIB_OBJS, the FP file layer and transports, and -lm), as sqlite3.elf does below.
SQLITE_VERSION := 3.40.1-2+deb12u2
SQLITE_GEN := $(BUILD)/third_party/sqlite3-amalgamation
SQLITE_BUILD := $(OUT)/sqlite
SQLITE_LIB := $(SQLITE_BUILD)/libsqlite3.a
SQLITE_INCLUDE := $(SQLITE_GEN)

# The compile-time options (docs/sqlite.md says why each).
SQLITE_OPTS := -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
	-DSQLITE_MAX_MMAP_SIZE=0 -DSQLITE_TEMP_STORE=3 -DSQLITE_DEFAULT_MEMSTATUS=0 \
	-DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_SECURE_DELETE -DSQLITE_LIKE_DOESNT_MATCH_BLOBS \
	-DSQLITE_SOUNDEX=1 -DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_MAX_VARIABLE_NUMBER=250000 \
	-DSQLITE_ENABLE_DBSTAT_VTAB
# SQLite's and its shell's own code is third-party: built as its authors ship it, without the
# project's warning flags; the port's files (vfs.c, shm.c) keep them.
SQLITE_THIRD_CFLAGS := $(filter-out -Wall -Wextra -Werror -std=c11 -g,$(FP_CFLAGS)) -std=gnu11 -w \
	$(SQLITE_OPTS)

# Not last in the boot image: before the last program, so that the image's end (and the kernel's
# data after it) moves by whole pages and the cache sets those data fall in stay (E1-E5's cycles).
PROGRAMS := $(filter-out $(lastword $(PROGRAMS)),$(PROGRAMS)) sqlite3 $(lastword $(PROGRAMS))

$(SQLITE_GEN)/.generated: ../scripts/debian-source.sh sqlite/sqlite.mk
	tree=$$(../scripts/debian-source.sh sqlite3 $(SQLITE_VERSION) $(BUILD)/third_party) && \
	rm -rf $(SQLITE_GEN) && mkdir -p $(SQLITE_GEN) && cd $(SQLITE_GEN) && \
	$$tree/configure --disable-tcl >configure.log 2>&1 && \
	$(MAKE) -s sqlite3.c shell.c >make.log 2>&1 || { tail -20 $(SQLITE_GEN)/*.log; exit 1; }
	touch $@
$(SQLITE_GEN)/sqlite3.c $(SQLITE_GEN)/sqlite3.h $(SQLITE_GEN)/shell.c: $(SQLITE_GEN)/.generated

$(SQLITE_BUILD)/sqlite3.o: $(SQLITE_GEN)/sqlite3.c
	@mkdir -p $(dir $@)
	$(CC) $(SQLITE_THIRD_CFLAGS) -c $< -o $@
$(SQLITE_BUILD)/shell.o: $(SQLITE_GEN)/shell.c $(SQLITE_GEN)/sqlite3.h sqlite/port.h
	@mkdir -p $(dir $@)
	$(CC) $(SQLITE_THIRD_CFLAGS) -include sqlite/port.h -I$(SQLITE_GEN) -c $< -o $@
$(SQLITE_BUILD)/%.o: sqlite/%.c $(SQLITE_GEN)/sqlite3.h
	@mkdir -p $(dir $@)
	$(CC) $(FP_CFLAGS) $(SQLITE_OPTS) -I$(SQLITE_GEN) -c $< -o $@
$(SQLITE_LIB): $(SQLITE_BUILD)/sqlite3.o $(SQLITE_BUILD)/vfs.o $(SQLITE_BUILD)/shm.o
	rm -f $@ && $(CROSS)ar rcs $@ $^

# The FP flavour of the file layer and the transports, for lp64d programs that use files.
SQLITE_FILE_OBJS := $(patsubst %,$(OUT)/obj-fp/%.o,$(FILE_SRCS))
SQLITE_TP_LIB := $(SQLITE_BUILD)/libtransport-fp.a
$(SQLITE_TP_LIB): $(patsubst %,$(OUT)/obj-fp/%.o,$(TP_SRCS))
	rm -f $@ && $(CROSS)ar rcs $@ $^

$(OUT)/sqlite3.elf: $(SQLITE_BUILD)/shell.o $(SQLITE_LIB) $(FP_LIB_OBJS) $(SQLITE_FILE_OBJS) $(SQLITE_TP_LIB) user.ld
	$(CC) $(FP_LDFLAGS) -o $@ $(FP_LIB_OBJS) $(SQLITE_BUILD)/shell.o $(SQLITE_FILE_OBJS) $(SQLITE_LIB) \
		$(SQLITE_TP_LIB) -lm

sqlite: $(SQLITE_LIB) $(OUT)/sqlite3.elf
.PHONY: sqlite
