/* The numbers the RISC-V specifications fix (unprivileged ISA 20191213, privileged architecture
 * 1.12): privilege levels, CSR addresses, mstatus/sstatus fields, interrupts and exception
 * causes, satp, page-table entries and the page. The machine (sim/), the kernel and the tests
 * all take them from here; the XPC extension's own numbers are in include/xpc/isa.h. Usable
 * from C and from assembly. */
#ifndef RISCV_SPEC_H
#define RISCV_SPEC_H

#ifdef __ASSEMBLER__
#define RV_U64(x) x
#else
#define RV_U64(x) x##ULL
#endif
#define RV_BIT(n) (RV_U64(1) << (n))

/* ---- privilege levels (the encoding of mstatus.MPP and of the CSR number's bits 9:8) */
#define PRIV_U 0
#define PRIV_S 1
#define PRIV_M 3

/* ---- CSR numbers (privileged spec, tables 2.2-2.5) */
#define CSR_FFLAGS        0x001
#define CSR_FRM           0x002
#define CSR_FCSR          0x003
#define CSR_SSTATUS       0x100
#define CSR_SIE           0x104
#define CSR_STVEC         0x105
#define CSR_SCOUNTEREN    0x106
#define CSR_SENVCFG       0x10a
#define CSR_SSCRATCH      0x140
#define CSR_SEPC          0x141
#define CSR_SCAUSE        0x142
#define CSR_STVAL         0x143
#define CSR_SIP           0x144
#define CSR_SATP          0x180
#define CSR_MSTATUS       0x300
#define CSR_MISA          0x301
#define CSR_MEDELEG       0x302
#define CSR_MIDELEG       0x303
#define CSR_MIE           0x304
#define CSR_MTVEC         0x305
#define CSR_MCOUNTEREN    0x306
#define CSR_MENVCFG       0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MHPMEVENT3    0x323
#define CSR_MHPMEVENT31   0x33f
#define CSR_MSCRATCH      0x340
#define CSR_MEPC          0x341
#define CSR_MCAUSE        0x342
#define CSR_MTVAL         0x343
#define CSR_MIP           0x344
#define CSR_PMPCFG0       0x3a0
#define CSR_PMPCFG15      0x3af
#define CSR_PMPADDR0      0x3b0
#define CSR_PMPADDR63     0x3ef
#define CSR_MCYCLE        0xb00
#define CSR_MINSTRET      0xb02
#define CSR_MHPMCOUNTER3  0xb03
#define CSR_MHPMCOUNTER31 0xb1f
#define CSR_CYCLE         0xc00
#define CSR_TIME          0xc01
#define CSR_INSTRET       0xc02
#define CSR_HPMCOUNTER3   0xc03
#define CSR_HPMCOUNTER31  0xc1f
#define CSR_MVENDORID     0xf11
#define CSR_MARCHID       0xf12
#define CSR_MIMPID        0xf13
#define CSR_MHARTID       0xf14
#define CSR_MCONFIGPTR    0xf15

/* ---- mstatus (RV64), and sstatus, its S-mode view of the same bits */
#define MSTATUS_SIE       RV_BIT(1)
#define MSTATUS_MIE       RV_BIT(3)
#define MSTATUS_SPIE      RV_BIT(5)
#define MSTATUS_UBE       RV_BIT(6)
#define MSTATUS_MPIE      RV_BIT(7)
#define MSTATUS_SPP       RV_BIT(8)
#define MSTATUS_VS        (RV_U64(3) << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP       (RV_U64(3) << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS_SHIFT  13
#define MSTATUS_FS        (RV_U64(3) << MSTATUS_FS_SHIFT)
#define MSTATUS_XS        (RV_U64(3) << 15)
#define MSTATUS_MPRV      RV_BIT(17)
#define MSTATUS_SUM       RV_BIT(18)
#define MSTATUS_MXR       RV_BIT(19)
#define MSTATUS_TVM       RV_BIT(20)
#define MSTATUS_TW        RV_BIT(21)
#define MSTATUS_TSR       RV_BIT(22)
#define MSTATUS_UXL       (RV_U64(3) << 32)
#define MSTATUS_SXL       (RV_U64(3) << 34)
#define MSTATUS_SD        RV_BIT(63)
/* The FS field's states (the VS and XS fields use the same encoding). */
#define MSTATUS_FS_OFF     (RV_U64(0) << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_INITIAL (RV_U64(1) << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_CLEAN   (RV_U64(2) << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_DIRTY   (RV_U64(3) << MSTATUS_FS_SHIFT)

#define SSTATUS_SIE      MSTATUS_SIE
#define SSTATUS_SPIE     MSTATUS_SPIE
#define SSTATUS_SPP      MSTATUS_SPP
#define SSTATUS_FS       MSTATUS_FS
#define SSTATUS_FS_OFF   MSTATUS_FS_OFF
#define SSTATUS_FS_CLEAN MSTATUS_FS_CLEAN
#define SSTATUS_FS_DIRTY MSTATUS_FS_DIRTY
#define SSTATUS_SUM      MSTATUS_SUM
#define SSTATUS_MXR      MSTATUS_MXR
/* The bits sstatus shows of mstatus. */
#define SSTATUS_MASK                                                                               \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS |            \
     MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

/* ---- interrupts: the numbers are mcause codes and bit positions in mip/mie (sip/sie) */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP    RV_BIT(IRQ_S_SOFT)
#define MIP_MSIP    RV_BIT(IRQ_M_SOFT)
#define MIP_STIP    RV_BIT(IRQ_S_TIMER)
#define MIP_MTIP    RV_BIT(IRQ_M_TIMER)
#define MIP_SEIP    RV_BIT(IRQ_S_EXT)
#define MIP_MEIP    RV_BIT(IRQ_M_EXT)
#define MIP_S_MASK  (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL     (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)
/* The enable bits sit where the pending bits do. */
#define SIE_SSIE MIP_SSIP
#define SIE_STIE MIP_STIP
#define SIE_SEIE MIP_SEIP

/* ---- mcause/scause: the interrupt bit, then the exception codes */
#define CAUSE_INTERRUPT        RV_BIT(63)
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL_INSN     2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15

/* ---- satp (RV64): MODE in bits 63:60, ASID in 59:44, the root table's PPN in 43:0 */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0
#define SATP_MODE_SV39  8
#define SATP_MODE_SV48  9
#define SATP_ASID_SHIFT 44
#define SATP_ASID_BITS  16
#define SATP_PPN_MASK   (RV_BIT(44) - 1)

/* ---- pages and page-table entries (Sv39/Sv48) */
#define PAGE_SHIFT       12
#define PAGE_SIZE        RV_BIT(PAGE_SHIFT)
#define PAGE_OFFSET_MASK (PAGE_SIZE - 1) /* the offset within a page */
#define PAGE_BASE(addr)  ((addr) & ~PAGE_OFFSET_MASK)
#define PT_INDEX_BITS    9 /* each level of the walk resolves 9 bits of the VPN */
#define PTE_V            RV_BIT(0)
#define PTE_R            RV_BIT(1)
#define PTE_W            RV_BIT(2)
#define PTE_X            RV_BIT(3)
#define PTE_U            RV_BIT(4)
#define PTE_G            RV_BIT(5)
#define PTE_A            RV_BIT(6)
#define PTE_D            RV_BIT(7)
#define PTE_RSW_SHIFT    8 /* two bits reserved for the supervisor's own use */
#define PTE_PPN_SHIFT    10
#define PTE_PPN_BITS     44
#ifndef __ASSEMBLER__
/* The physical page number a PTE holds; a PTE's PPN field for a physical address, and back (the
 * latter for PTEs whose bits 63:54 are zero); the index into a level's table of a VA. */
#define PTE_PPN(pte)     (((pte) >> PTE_PPN_SHIFT) & (RV_BIT(PTE_PPN_BITS) - 1))
#define PTE_FROM_PA(pa)  (((pa) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define PTE_TO_PA(pte)   (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PT_INDEX(va, level)                                                                        \
    (((va) >> (PAGE_SHIFT + PT_INDEX_BITS * (level))) & ((1u << PT_INDEX_BITS) - 1))
#endif

#endif
