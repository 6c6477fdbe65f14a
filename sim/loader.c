/* Image loader: ELF64 RISC-V executables at their physical addresses, anything else as a raw image.
 * The whole file is validated before RAM is touched: every header field that leads to an offset or
 * an address is bounds-checked with overflow-safe arithmetic, so no input can make it read or
 * write outside the file or RAM. */
#define _POSIX_C_SOURCE 200809L
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"
#include "loader.h"

struct elf_file {
    int fd;
    uint64_t size;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
};

/* True if [offset, offset + len) lies inside a file (or region) of `size` bytes. */
static bool within(uint64_t offset, uint64_t len, uint64_t size)
{
    return offset <= size && len <= size - offset;
}

/* Guest range [addr, addr + len) as an offset into RAM, if it lies inside. */
static bool ram_range(const struct guest_ram *ram, uint64_t addr, uint64_t len, uint64_t *offset)
{
    if (addr < ram->base || !within(addr - ram->base, len, ram->size))
        return false;
    *offset = addr - ram->base;
    return true;
}

static bool read_exact(int fd, void *buf, uint64_t len, uint64_t offset)
{
    uint8_t *p = buf;
    while (len > 0) {
        size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
        ssize_t n = pread(fd, p, chunk, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        offset += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return true;
}

static const char *check_ehdr(const Elf64_Ehdr *eh, uint64_t size)
{
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return "not a 64-bit ELF file";
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return "not a little-endian ELF file";
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return "unsupported ELF version";
    if (eh->e_machine != EM_RISCV)
        return "not a RISC-V ELF file";
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return "not an executable ELF file (neither ET_EXEC nor ET_DYN)";
    if (eh->e_phnum == 0)
        return "no program headers";
    if (eh->e_phnum == PN_XNUM)
        return "too many program headers (extended numbering is not supported)";
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return "bad program header entry size";
    if (!within(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
        return "truncated program header table";
    return NULL;
}

/* Physical address of a virtual address inside a loaded segment (symbols and e_entry are virtual;
 * the machine starts with translation off). Addresses outside every segment are returned as is. */
static uint64_t elf_to_physical(const struct elf_file *ef, uint64_t vaddr)
{
    for (unsigned i = 0; i < ef->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &ef->ph[i];
        if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr < ph->p_memsz)
            return ph->p_paddr + (vaddr - ph->p_vaddr);
    }
    return vaddr;
}

static int check_segments(const struct elf_file *ef, const struct guest_ram *ram,
                          struct image_info *info, const char *path, char *err, size_t errlen)
{
    unsigned loadable = 0;
    info->low = UINT64_MAX;
    info->high = 0;
    for (unsigned i = 0; i < ef->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &ef->ph[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (!within(ph->p_offset, ph->p_filesz, ef->size))
            return errmsg(err, errlen, "%s: segment %u extends past the end of the file", path, i);
        if (ph->p_filesz > ph->p_memsz)
            return errmsg(err, errlen, "%s: segment %u has more file bytes than memory bytes", path,
                          i);
        if (ph->p_memsz == 0)
            continue;
        uint64_t off;
        if (!ram_range(ram, ph->p_paddr, ph->p_memsz, &off))
            return errmsg(err, errlen,
                          "%s: segment %u (0x%llx bytes at 0x%llx) is outside RAM (0x%llx-0x%llx)",
                          path, i, (unsigned long long)ph->p_memsz, (unsigned long long)ph->p_paddr,
                          (unsigned long long)ram->base,
                          (unsigned long long)(ram->base + ram->size));
        loadable++;
        if (ph->p_paddr < info->low)
            info->low = ph->p_paddr;
        if (ph->p_paddr + ph->p_memsz > info->high)
            info->high = ph->p_paddr + ph->p_memsz;
    }
    if (loadable == 0)
        return errmsg(err, errlen, "%s: no loadable segment", path);
    return 0;
}

/* Reads section `index`'s contents into a new buffer after checking its bounds. */
static void *read_section(const struct elf_file *ef, const Elf64_Shdr *sh)
{
    if (sh->sh_type == SHT_NOBITS || !within(sh->sh_offset, sh->sh_size, ef->size) ||
        sh->sh_size == 0)
        return NULL;
    void *buf = malloc(sh->sh_size);
    if (buf && !read_exact(ef->fd, buf, sh->sh_size, sh->sh_offset)) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Looks up `tohost` and `fromhost` in .symtab (absent symbols are fine; a malformed table is not).
 */
static int find_htif_symbols(const struct elf_file *ef, uint64_t *tohost, uint64_t *fromhost,
                             const char *path, char *err, size_t errlen)
{
    const Elf64_Ehdr *eh = &ef->eh;
    *tohost = *fromhost = 0;
    if (eh->e_shoff == 0 || eh->e_shnum == 0)
        return 0; /* stripped of section headers: no symbols, nothing wrong */
    if (eh->e_shentsize != sizeof(Elf64_Shdr))
        return errmsg(err, errlen, "%s: bad section header entry size", path);
    if (!within(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), ef->size))
        return errmsg(err, errlen, "%s: truncated section header table", path);
    Elf64_Shdr *sh = calloc(eh->e_shnum, sizeof(*sh));
    if (!sh)
        return errmsg(err, errlen, "%s: out of memory", path);
    int rc = 0;
    char *strtab = NULL;
    Elf64_Sym *syms = NULL;
    if (!read_exact(ef->fd, sh, (uint64_t)eh->e_shnum * sizeof(*sh), eh->e_shoff)) {
        rc = errmsg(err, errlen, "%s: cannot read section headers", path);
        goto out;
    }
    for (unsigned i = 0; i < eh->e_shnum && rc == 0; i++) {
        if (sh[i].sh_type != SHT_SYMTAB)
            continue;
        if (sh[i].sh_link >= eh->e_shnum || sh[i].sh_entsize != sizeof(Elf64_Sym) ||
            !within(sh[i].sh_offset, sh[i].sh_size, ef->size)) {
            rc = errmsg(err, errlen, "%s: malformed symbol table", path);
            break;
        }
        const Elf64_Shdr *str_sh = &sh[sh[i].sh_link];
        syms = read_section(ef, &sh[i]);
        strtab = read_section(ef, str_sh);
        if (!syms || !strtab) {
            rc = errmsg(err, errlen, "%s: malformed symbol table", path);
            break;
        }
        uint64_t nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
        for (uint64_t s = 0; s < nsyms; s++) {
            uint64_t name = syms[s].st_name;
            if (name >= str_sh->sh_size)
                continue;
            const char *str = strtab + name;
            size_t max = (size_t)(str_sh->sh_size - name);
            if (strnlen(str, max) == max)
                continue; /* unterminated name */
            if (strcmp(str, "tohost") == 0)
                *tohost = elf_to_physical(ef, syms[s].st_value);
            else if (strcmp(str, "fromhost") == 0)
                *fromhost = elf_to_physical(ef, syms[s].st_value);
        }
        free(syms);
        free(strtab);
        syms = NULL;
        strtab = NULL;
        break; /* an executable has one .symtab */
    }
out:
    free(syms);
    free(strtab);
    free(sh);
    return rc;
}

static int check_htif_word(const struct guest_ram *ram, uint64_t addr, const char *name,
                           const char *path, char *err, size_t errlen)
{
    uint64_t off;
    if (addr && ((addr & 7) || !ram_range(ram, addr, 8, &off)))
        return errmsg(err, errlen, "%s: symbol %s (0x%llx) is not an aligned word in RAM", path,
                      name, (unsigned long long)addr);
    return 0;
}

static int load_elf(struct elf_file *ef, const struct guest_ram *ram, struct image_info *info,
                    const char *path, char *err, size_t errlen)
{
    const char *problem = check_ehdr(&ef->eh, ef->size);
    if (problem)
        return errmsg(err, errlen, "%s: %s", path, problem);
    ef->ph = calloc(ef->eh.e_phnum, sizeof(Elf64_Phdr));
    if (!ef->ph)
        return errmsg(err, errlen, "%s: out of memory", path);
    if (!read_exact(ef->fd, ef->ph, (uint64_t)ef->eh.e_phnum * sizeof(Elf64_Phdr), ef->eh.e_phoff))
        return errmsg(err, errlen, "%s: truncated program header table", path);
    struct image_info out = {.is_elf = true};
    if (check_segments(ef, ram, &out, path, err, errlen) ||
        find_htif_symbols(ef, &out.tohost, &out.fromhost, path, err, errlen) ||
        check_htif_word(ram, out.tohost, "tohost", path, err, errlen) ||
        check_htif_word(ram, out.fromhost, "fromhost", path, err, errlen))
        return -1;
    out.entry = elf_to_physical(ef, ef->eh.e_entry);

    /* Everything is known to fit: only now does RAM change. */
    for (unsigned i = 0; i < ef->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &ef->ph[i];
        uint64_t off;
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0 ||
            !ram_range(ram, ph->p_paddr, ph->p_memsz, &off))
            continue;
        if (!read_exact(ef->fd, ram->host + off, ph->p_filesz, ph->p_offset))
            return errmsg(err, errlen, "%s: read error in segment %u", path, i);
        memset(ram->host + off + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
    *info = out;
    return 0;
}

static int load_raw(int fd, uint64_t size, const struct guest_ram *ram, uint64_t raw_addr,
                    struct image_info *info, const char *path, char *err, size_t errlen)
{
    uint64_t off;
    if (size == 0)
        return errmsg(err, errlen, "%s: empty image", path);
    if (!ram_range(ram, raw_addr, size, &off))
        return errmsg(err, errlen,
                      "image does not fit in RAM: %s (0x%llx bytes at 0x%llx; RAM 0x%llx-0x%llx)",
                      path, (unsigned long long)size, (unsigned long long)raw_addr,
                      (unsigned long long)ram->base, (unsigned long long)(ram->base + ram->size));
    if (!read_exact(fd, ram->host + off, size, 0))
        return errmsg(err, errlen, "%s: read error", path);
    *info = (struct image_info){.entry = raw_addr, .low = raw_addr, .high = raw_addr + size};
    return 0;
}

int load_image(const struct guest_ram *ram, const char *path, uint64_t raw_addr,
               struct image_info *info, char *err, size_t errlen)
{
    if (!ram || !ram->host || !path || !info)
        return errmsg(err, errlen, "load_image: missing argument");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errmsg(err, errlen, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0) {
        rc = errmsg(err, errlen, "cannot stat %s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = errmsg(err, errlen, "%s: not a regular file", path);
    } else {
        struct elf_file ef = {.fd = fd, .size = (uint64_t)st.st_size};
        uint8_t magic[SELFMAG] = {0};
        bool is_elf = ef.size >= SELFMAG && read_exact(fd, magic, SELFMAG, 0) &&
                      memcmp(magic, ELFMAG, SELFMAG) == 0;
        if (!is_elf)
            rc = load_raw(fd, ef.size, ram, raw_addr, info, path, err, errlen);
        else if (ef.size < sizeof(Elf64_Ehdr) || !read_exact(fd, &ef.eh, sizeof(ef.eh), 0))
            rc = errmsg(err, errlen, "%s: truncated ELF header", path);
        else
            rc = load_elf(&ef, ram, info, path, err, errlen);
        free(ef.ph);
    }
    close(fd);
    return rc;
}
