#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)
#define FILL     0xa5

static uint8_t *ram_host;
static uint8_t *ram_copy;
static struct guest_ram ram;
static char err[512];
static char path[64];

static void setup(void)
{
    ram_host = malloc(RAM_SIZE);
    ram_copy = malloc(RAM_SIZE);
    cr_assert(ram_host && ram_copy);
    memset(ram_host, FILL, RAM_SIZE);
    ram = (struct guest_ram){.host = ram_host, .base = RAM_BASE, .size = RAM_SIZE};
    strcpy(path, "/tmp/xpc-loader-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    err[0] = 0;
}

static void teardown(void)
{
    unlink(path);
    free(ram_host);
    free(ram_copy);
}

TestSuite(loader, .init = setup, .fini = teardown);

static void write_file(const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* ---- a small ELF built in memory: two PT_LOADs (code; data + bss) and a .symtab ---- */

#define CODE_SIZE 0x100
#define DATA_FILE 0x40
#define DATA_MEM  0x1000
#define CODE_PA   (RAM_BASE + 0x0)
#define DATA_PA   (RAM_BASE + 0x2000)

struct test_elf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[3];
    uint8_t code[CODE_SIZE];
    uint8_t data[DATA_FILE];
    Elf64_Sym sym[4];
    char strtab[32];
    Elf64_Shdr sh[3]; /* null, .symtab, .strtab */
};

static const char strtab_init[] = "\0tohost\0fromhost\0other";

/* vbias: virtual = physical + vbias, as in a kernel linked high but loaded low. */
static void make_elf(struct test_elf *e, uint64_t vbias)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
    e->eh.e_ident[EI_CLASS] = ELFCLASS64;
    e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e->eh.e_ident[EI_VERSION] = EV_CURRENT;
    e->eh.e_type = ET_EXEC;
    e->eh.e_machine = EM_RISCV;
    e->eh.e_version = EV_CURRENT;
    e->eh.e_entry = CODE_PA + 0x10 + vbias;
    e->eh.e_phoff = offsetof(struct test_elf, ph);
    e->eh.e_shoff = offsetof(struct test_elf, sh);
    e->eh.e_ehsize = sizeof(Elf64_Ehdr);
    e->eh.e_phentsize = sizeof(Elf64_Phdr);
    e->eh.e_phnum = 3;
    e->eh.e_shentsize = sizeof(Elf64_Shdr);
    e->eh.e_shnum = 3;

    e->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                            .p_offset = offsetof(struct test_elf, code),
                            .p_vaddr = CODE_PA + vbias,
                            .p_paddr = CODE_PA,
                            .p_filesz = CODE_SIZE,
                            .p_memsz = CODE_SIZE};
    e->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
                            .p_offset = offsetof(struct test_elf, data),
                            .p_vaddr = DATA_PA + vbias,
                            .p_paddr = DATA_PA,
                            .p_filesz = DATA_FILE,
                            .p_memsz = DATA_MEM};
    e->ph[2] = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = 0, .p_filesz = 8};
    for (unsigned i = 0; i < CODE_SIZE; i++)
        e->code[i] = (uint8_t)(i * 7 + 1);
    for (unsigned i = 0; i < DATA_FILE; i++)
        e->data[i] = (uint8_t)(0xc0 ^ i);

    memcpy(e->strtab, strtab_init, sizeof(strtab_init));
    e->sym[1] = (Elf64_Sym){.st_name = 1, .st_value = DATA_PA + 0x800 + vbias}; /* tohost */
    e->sym[2] = (Elf64_Sym){.st_name = 8, .st_value = DATA_PA + 0x840 + vbias}; /* fromhost */
    e->sym[3] = (Elf64_Sym){.st_name = 17, .st_value = 0x1234};                 /* other */
    e->sh[1] = (Elf64_Shdr){.sh_type = SHT_SYMTAB,
                            .sh_offset = offsetof(struct test_elf, sym),
                            .sh_size = sizeof(e->sym),
                            .sh_link = 2,
                            .sh_entsize = sizeof(Elf64_Sym)};
    e->sh[2] = (Elf64_Shdr){.sh_type = SHT_STRTAB,
                            .sh_offset = offsetof(struct test_elf, strtab),
                            .sh_size = sizeof(e->strtab)};
}

static int load(struct image_info *info)
{
    return load_image(&ram, path, RAM_BASE + 0x10000, info, err, sizeof(err));
}

/* A rejected image must come with a message naming the file and leave RAM exactly as it was. */
static void expect_rejected(const char *problem)
{
    memcpy(ram_copy, ram_host, RAM_SIZE);
    struct image_info info = {0};
    cr_expect_eq(load(&info), -1, "accepted; expected '%s'", problem);
    cr_expect_neq(strstr(err, problem), NULL, "message '%s' lacks '%s'", err, problem);
    cr_expect_eq(strchr(err, '\n'), NULL, "one line");
    cr_expect_eq(memcmp(ram_copy, ram_host, RAM_SIZE), 0, "RAM changed by a rejected image");
}

static void expect_rejected_elf(const struct test_elf *e, const char *problem)
{
    write_file(e, sizeof(*e));
    expect_rejected(problem);
    cr_expect_neq(strstr(err, path), NULL, "message '%s' does not name the file", err);
}

Test(loader, elf_segments_bss_entry_and_symbols)
{
    struct test_elf e;
    make_elf(&e, 0);
    write_file(&e, sizeof(e));
    struct image_info info = {0};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect(info.is_elf);
    cr_expect_eq(info.entry, CODE_PA + 0x10);
    cr_expect_eq(info.low, CODE_PA);
    cr_expect_eq(info.high, DATA_PA + DATA_MEM);
    cr_expect_eq(info.tohost, DATA_PA + 0x800);
    cr_expect_eq(info.fromhost, DATA_PA + 0x840);
    cr_expect_eq(memcmp(ram_host + (CODE_PA - RAM_BASE), e.code, CODE_SIZE), 0);
    cr_expect_eq(memcmp(ram_host + (DATA_PA - RAM_BASE), e.data, DATA_FILE), 0);
    for (uint64_t i = DATA_FILE; i < DATA_MEM; i++)
        cr_assert_eq(ram_host[DATA_PA - RAM_BASE + i], 0, "bss byte %llu not zeroed",
                     (unsigned long long)i);
    cr_expect_eq(ram_host[CODE_SIZE], FILL, "gap between segments untouched");
    cr_expect_eq(ram_host[DATA_PA - RAM_BASE + DATA_MEM], FILL, "nothing past the bss");
}

Test(loader, virtual_addresses_translate_through_segments)
{
    struct test_elf e;
    make_elf(&e, 0xffffffff00000000ULL);
    write_file(&e, sizeof(e));
    struct image_info info = {0};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect_eq(info.entry, CODE_PA + 0x10);
    cr_expect_eq(info.tohost, DATA_PA + 0x800);
    cr_expect_eq(info.low, CODE_PA);
}

Test(loader, et_dyn_loads_at_its_addresses)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.eh.e_type = ET_DYN;
    write_file(&e, sizeof(e));
    struct image_info info = {0};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect_eq(info.low, CODE_PA);
}

Test(loader, no_section_headers_means_no_symbols)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.eh.e_shoff = 0;
    e.eh.e_shnum = 0;
    write_file(&e, sizeof(e));
    struct image_info info = {.tohost = 99};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect_eq(info.tohost, 0);
    cr_expect_eq(info.fromhost, 0);
}

Test(loader, raw_image)
{
    uint8_t raw[300];
    for (unsigned i = 0; i < sizeof(raw); i++)
        raw[i] = (uint8_t)(i ^ 0x3c);
    write_file(raw, sizeof(raw));
    struct image_info info = {.is_elf = true};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect_not(info.is_elf);
    cr_expect_eq(info.entry, RAM_BASE + 0x10000);
    cr_expect_eq(info.low, RAM_BASE + 0x10000);
    cr_expect_eq(info.high, RAM_BASE + 0x10000 + sizeof(raw));
    cr_expect_eq(memcmp(ram_host + 0x10000, raw, sizeof(raw)), 0);
    cr_expect_eq(ram_host[0x10000 + sizeof(raw)], FILL);
}

Test(loader, raw_image_must_fit)
{
    uint8_t raw[64] = {1};
    write_file(raw, sizeof(raw));
    memcpy(ram_copy, ram_host, RAM_SIZE);
    struct image_info info;
    cr_expect_eq(load_image(&ram, path, RAM_BASE + RAM_SIZE - 63, &info, err, sizeof(err)), -1);
    cr_expect_eq(strncmp(err, "image does not fit in RAM: ", 27), 0, "%s", err);
    cr_expect_neq(strstr(err, path), NULL);
    cr_expect_eq(load_image(&ram, path, RAM_BASE - 8, &info, err, sizeof(err)), -1);
    cr_expect_eq(load_image(&ram, path, UINT64_MAX - 8, &info, err, sizeof(err)), -1);
    cr_expect_eq(memcmp(ram_copy, ram_host, RAM_SIZE), 0);
    cr_expect_eq(load_image(&ram, path, RAM_BASE + RAM_SIZE - 64, &info, err, sizeof(err)), 0,
                 "exactly fits: %s", err);
}

Test(loader, empty_file)
{
    write_file("", 0);
    expect_rejected("empty image");
}

Test(loader, missing_file)
{
    struct image_info info;
    cr_expect_eq(load_image(&ram, "/nonexistent/kernel.elf", 0, &info, err, sizeof(err)), -1);
    cr_expect_str_eq(err, "cannot open /nonexistent/kernel.elf: No such file or directory");
}

Test(loader, directory_is_not_an_image)
{
    struct image_info info;
    cr_expect_eq(load_image(&ram, "/tmp", RAM_BASE, &info, err, sizeof(err)), -1);
    cr_expect_neq(strstr(err, "/tmp"), NULL);
}

Test(loader, truncated_elf_header)
{
    struct test_elf e;
    make_elf(&e, 0);
    write_file(&e, 20);
    expect_rejected("truncated ELF header");
}

Test(loader, header_checks)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.eh.e_ident[EI_CLASS] = ELFCLASS32;
    expect_rejected_elf(&e, "not a 64-bit ELF");
    make_elf(&e, 0);
    e.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    expect_rejected_elf(&e, "not a little-endian ELF");
    make_elf(&e, 0);
    e.eh.e_version = 2;
    expect_rejected_elf(&e, "unsupported ELF version");
    make_elf(&e, 0);
    e.eh.e_machine = EM_X86_64;
    expect_rejected_elf(&e, "not a RISC-V ELF");
    make_elf(&e, 0);
    e.eh.e_type = ET_REL;
    expect_rejected_elf(&e, "not an executable");
    make_elf(&e, 0);
    e.eh.e_phnum = 0;
    expect_rejected_elf(&e, "no program headers");
    make_elf(&e, 0);
    e.eh.e_phentsize = 32;
    expect_rejected_elf(&e, "bad program header entry size");
}

Test(loader, program_header_table_bounds)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.eh.e_phoff = sizeof(e) - sizeof(Elf64_Phdr);
    expect_rejected_elf(&e, "truncated program header table");
    make_elf(&e, 0);
    e.eh.e_phoff = UINT64_MAX - 8; /* offset + size wraps */
    expect_rejected_elf(&e, "truncated program header table");
    make_elf(&e, 0);
    e.eh.e_phnum = 0xfffe;
    expect_rejected_elf(&e, "truncated program header table");
}

Test(loader, segment_checks)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.ph[1].p_offset = sizeof(e) - 8;
    expect_rejected_elf(&e, "segment 1 extends past the end of the file");
    make_elf(&e, 0);
    e.ph[1].p_offset = UINT64_MAX - 4;
    expect_rejected_elf(&e, "segment 1 extends past the end of the file");
    make_elf(&e, 0);
    e.ph[0].p_memsz = CODE_SIZE - 1;
    expect_rejected_elf(&e, "segment 0 has more file bytes than memory bytes");
    make_elf(&e, 0);
    e.ph[1].p_paddr = RAM_BASE + RAM_SIZE - 0x100; /* bss runs off the end */
    expect_rejected_elf(&e, "segment 1 (0x1000 bytes at 0x800fff00) is outside RAM");
    make_elf(&e, 0);
    e.ph[0].p_paddr = 0x1000; /* below RAM */
    expect_rejected_elf(&e, "is outside RAM");
    make_elf(&e, 0);
    e.ph[1].p_paddr = UINT64_MAX - 0x10; /* paddr + memsz wraps */
    expect_rejected_elf(&e, "is outside RAM");
    make_elf(&e, 0);
    e.ph[0].p_type = PT_NULL;
    e.ph[1].p_type = PT_NOTE;
    expect_rejected_elf(&e, "no loadable segment");
}

Test(loader, symbol_table_checks)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.eh.e_shoff = sizeof(e) - 10;
    expect_rejected_elf(&e, "truncated section header table");
    make_elf(&e, 0);
    e.eh.e_shentsize = 10;
    expect_rejected_elf(&e, "bad section header entry size");
    make_elf(&e, 0);
    e.sh[1].sh_link = 7;
    expect_rejected_elf(&e, "malformed symbol table");
    make_elf(&e, 0);
    e.sh[2].sh_offset = UINT64_MAX - 1;
    expect_rejected_elf(&e, "malformed symbol table");
    make_elf(&e, 0);
    e.sym[1].st_value = 0x1000; /* tohost outside RAM */
    expect_rejected_elf(&e, "symbol tohost (0x1000) is not an aligned word in RAM");
    make_elf(&e, 0);
    e.sym[2].st_value = DATA_PA + 0x844; /* misaligned fromhost */
    expect_rejected_elf(&e, "symbol fromhost");
}

Test(loader, symbol_names_are_bounded)
{
    struct test_elf e;
    make_elf(&e, 0);
    e.sym[1].st_name = 0xffffff;                     /* past the string table: ignored, not read */
    memset(e.strtab + 8, 'x', sizeof(e.strtab) - 8); /* "fromhost" and the rest unterminated */
    write_file(&e, sizeof(e));
    struct image_info info = {0};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect_eq(info.tohost, 0);
    cr_expect_eq(info.fromhost, 0);
}

/* ---- robustness: mangled copies of real and generated ELFs never crash (ASan watches) ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void check_mangled(const uint8_t *image, size_t len, unsigned flips)
{
    static uint8_t copy[1 << 18];
    cr_assert_leq(len, sizeof(copy));
    /* every truncation of the headers, then a sample of the rest */
    for (size_t cut = 0; cut < len; cut += cut < 1024 ? 1 : 1 + rng() % 4096) {
        write_file(image, cut);
        struct image_info info;
        int rc = load(&info);
        cr_assert(rc == 0 || (rc == -1 && err[0]), "truncated to %zu: rc %d", cut, rc);
    }
    for (unsigned i = 0; i < flips; i++) {
        memcpy(copy, image, len);
        unsigned nbits = 1 + rng() % 4;
        for (unsigned b = 0; b < nbits; b++) {
            /* the headers are where the interesting damage is */
            size_t at = (rng() % 2) ? rng() % (len < 512 ? len : 512) : rng() % len;
            copy[at] ^= (uint8_t)(1u << (rng() % 8));
        }
        write_file(copy, len);
        memcpy(ram_copy, ram_host, RAM_SIZE);
        struct image_info info;
        err[0] = 0;
        int rc = load(&info);
        cr_assert(rc == 0 || rc == -1, "flip %u: rc %d", i, rc);
        if (rc == -1) {
            cr_assert(err[0], "flip %u: no message", i);
            cr_assert_eq(memcmp(ram_copy, ram_host, RAM_SIZE), 0, "flip %u changed RAM: %s", i,
                         err);
        }
    }
}

Test(loader, robust_against_mangled_generated_elf, .timeout = 120)
{
    struct test_elf e;
    make_elf(&e, 0);
    check_mangled((const uint8_t *)&e, sizeof(e), 3000);
}

static size_t read_whole(const char *file, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

Test(loader, real_elf_from_cross_compiler, .timeout = 120)
{
    static uint8_t image[1 << 18];
    size_t len = read_whole(FIXTURE_ELF, image, sizeof(image));
    if (len == 0)
        cr_skip_test("no fixture ELF (riscv64-unknown-elf-gcc missing?)");
    cr_assert_lt(len, sizeof(image));
    write_file(image, len);
    struct image_info info = {0};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect(info.is_elf);
    cr_expect_neq(info.tohost, 0, "tohost found");
    cr_expect_neq(info.fromhost, 0, "fromhost found");
    cr_expect_eq(info.tohost % 8, 0);
    cr_expect_geq(info.entry, info.low);
    cr_expect_lt(info.entry, info.high);
    cr_expect_eq(info.low, RAM_BASE);
    check_mangled(image, len, 2000);
}

Test(loader, real_opensbi_firmware, .timeout = 120)
{
    static uint8_t image[1 << 18];
    size_t len =
        read_whole("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf", image, sizeof(image));
    if (len == 0)
        cr_skip_test("Debian's OpenSBI is not installed");
    cr_assert_lt(len, sizeof(image));
    write_file(image, len);
    struct image_info info = {0};
    cr_assert_eq(load(&info), 0, "%s", err);
    cr_expect_eq(info.entry, RAM_BASE);
    cr_expect_eq(info.low, RAM_BASE);
    cr_expect_gt(info.high, info.low);
    cr_expect_eq(info.tohost, 0, "OpenSBI is stripped");
    /* its first instruction, from the file, is now at the start of RAM */
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(image + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_paddr == RAM_BASE)
            cr_expect_eq(memcmp(ram_host, image + ph[i].p_offset, 64), 0);
    check_mangled(image, len, 500);
}
