/* Sv48 page walks: 4 KiB, 2 MiB, 1 GiB and 512 GiB leaves, permission faults with tval = the
 * virtual address, and non-canonical addresses (bits 63:48 must copy bit 47). */
#include "common/vm_walks.inc"

int main(void)
{
    check_walks(4);
    return 0;
}
