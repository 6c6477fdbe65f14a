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
SQLITE_AMAL := $(BUILD)/third_party/sqlite3-amalgamation
SQLITE_OUT := $(OUT)/sqlite
SQLITE_LIB := $(SQLITE_OUT)/libsqlite3.a
SQLITE_INCLUDE := $(SQLITE_AMAL)

# The compile-time options (docs/sqlite.md says why each).
SQLITE_OPTIONS := -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
	-DSQLITE_MAX_MMAP_SIZE=0 -DSQLITE_TEMP_STORE=3 -DSQLITE_DEFAULT_MEMSTATUS=0 \
	-DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_SECURE_DELETE -DSQLITE_LIKE_DOESNT_MATCH_BLOBS \
	-DSQLITE_SOUNDEX=1 -DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_MAX_VARIABLE_NUMBER=250000 \
	-DSQLITE_ENABLE_DBSTAT_VTAB
# SQLite's and its shell's own code is third-party: built as its authors ship it, without the
# project's warning flags; the port's files (vfs.c, shm.c) keep them.
SQLITE_CFLAGS := $(filter-out -Wall -Wextra -Werror -std=c11 -g,$(FP_CFLAGS)) -std=gnu11 -w \
	$(SQLITE_OPTIONS)

PROGRAMS += sqlite3

$(SQLITE_AMAL)/.generated: ../scripts/debian-source.sh sqlite/sqlite.mk
	tree=$$(../scripts/debian-source.sh sqlite3 $(SQLITE_VERSION) $(BUILD)/third_party) && \
	rm -rf $(SQLITE_AMAL) && mkdir -p $(SQLITE_AMAL) && cd $(SQLITE_AMAL) && \
	$$tree/configure --disable-tcl >configure.log 2>&1 && \
	$(MAKE) -s sqlite3.c shell.c >make.log 2>&1 || { tail -20 $(SQLITE_AMAL)/*.log; exit 1; }
	touch $@
$(SQLITE_AMAL)/sqlite3.c $(SQLITE_AMAL)/sqlite3.h $(SQLITE_AMAL)/shell.c: $(SQLITE_AMAL)/.generated

$(SQLITE_OUT)/sqlite3.o: $(SQLITE_AMAL)/sqlite3.c
	@mkdir -p $(dir $@)
	$(CC) $(SQLITE_CFLAGS) -c $< -o $@
$(SQLITE_OUT)/shell.o: $(SQLITE_AMAL)/shell.c $(SQLITE_AMAL)/sqlite3.h sqlite/port.h
	@mkdir -p $(dir $@)
	$(CC) $(SQLITE_CFLAGS) -include sqlite/port.h -I$(SQLITE_AMAL) -c $< -o $@
$(SQLITE_OUT)/%.o: sqlite/%.c $(SQLITE_AMAL)/sqlite3.h
	@mkdir -p $(dir $@)
	$(CC) $(FP_CFLAGS) $(SQLITE_OPTIONS) -I$(SQLITE_AMAL) -c $< -o $@
$(SQLITE_LIB): $(SQLITE_OUT)/sqlite3.o $(SQLITE_OUT)/vfs.o $(SQLITE_OUT)/shm.o
	rm -f $@ && $(CROSS)ar rcs $@ $^

# The FP flavour of the file layer and the transports, for lp64d programs that use files.
FP_FILE_OBJS := $(patsubst %,$(OUT)/obj-fp/%.o,$(FILE_SRCS))
FP_TP_LIB := $(OUT)/libtransport-fp.a
$(FP_TP_LIB): $(patsubst %,$(OUT)/obj-fp/%.o,$(TP_SRCS))
	rm -f $@ && $(CROSS)ar rcs $@ $^

$(OUT)/sqlite3.elf: $(SQLITE_OUT)/shell.o $(SQLITE_LIB) $(FP_LIB_OBJS) $(FP_FILE_OBJS) $(FP_TP_LIB) user.ld
	$(CC) $(FP_LDFLAGS) -o $@ $(FP_LIB_OBJS) $(SQLITE_OUT)/shell.o $(FP_FILE_OBJS) $(SQLITE_LIB) \
		$(FP_TP_LIB) -lm

sqlite: $(SQLITE_LIB) $(OUT)/sqlite3.elf
.PHONY: sqlite
