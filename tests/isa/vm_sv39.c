/* Sv39 page walks: 4 KiB, 2 MiB and 1 GiB leaves, the upper half of the address space,
 * permission faults with tval = the virtual address, and non-canonical addresses. */
#include "common/vm_walks.inc"

int main(void)
{
    check_walks(3);
    return 0;
}
