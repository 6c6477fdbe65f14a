/* satp's WARL rules: Bare, Sv39 and Sv48 are accepted; writing an unsupported MODE has no effect
 * at all (the whole write is dropped, priv spec 4.1.11); the ASID field holds 16 bits. (Sv57:
 * QEMU 7.2 accepts it and xpcsim does not, so it is left out.) */
#include "vm.h"

int main(void)
{
    uint64_t root = 0x80010;
    csr_write(satp, SATP_SV39 | root);
    check("Sv39 accepted", csr_read(satp), SATP_SV39 | root);
    csr_write(satp, SATP_SV48 | root);
    check("Sv48 accepted", csr_read(satp), SATP_SV48 | root);
    csr_write(satp, 5ULL << 60 | 0x123);
    check("reserved mode 5: write dropped", csr_read(satp), SATP_SV48 | root);
    csr_write(satp, 1ULL << 60 | 0x123);
    check("reserved mode 1: write dropped", csr_read(satp), SATP_SV48 | root);
    csr_write(satp, SATP_SV39 | 0xffffULL << 44 | root);
    check("16 ASID bits", csr_read(satp), SATP_SV39 | 0xffffULL << 44 | root);
    csr_write(satp, 0);
    check("Bare", csr_read(satp), 0);
    return 0;
}
