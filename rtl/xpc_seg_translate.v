// The relay-segment translation comparator: a data access of `size` bytes at `va` against the
// active window [xsegva, xsegva + len). Purely combinational, so it can sit beside the DTLB
// and answer in the same cycle. A hit either translates (pa = xsegpa + offset) or faults
// (straddling either edge, or a missing permission); a miss goes to the TLB and page walk.
// Same function as xpc_seg_translate() in sim/xpc/engine.h.
module xpc_seg_translate (
    input  wire [63:0] xsegva,
    input  wire [63:0] xsegpa,
    input  wire [63:0] xseglen,
    input  wire [63:0] va,
    input  wire [3:0]  size,      // 1, 2, 4 or 8
    input  wire        is_store,
    output wire        hit,       // the access touches the window
    output wire        fault,     // ... and must raise a page fault (tval = va)
    output wire [63:0] pa
);
`include "xpc_params.vh"
    wire [63:0] len   = xseglen & XPC_SEG_LEN_MASK;
    wire [63:0] off   = va - xsegva;          // wraps for va below the window
    wire [63:0] below = xsegva - va;          // bytes from va up to the window base
    wire [63:0] size64 = {60'd0, size};
    wire        present = len != 64'd0;
    wire        in_window  = off < len;
    wire        straddles_base = below != 64'd0 && below < size64;
    wire        perm_ok = is_store ? (xseglen & XPC_SEG_PERM_W) != 64'd0
                                   : (xseglen & XPC_SEG_PERM_R) != 64'd0;
    wire        fits = (len - off) >= size64;

    assign hit   = present && (in_window || straddles_base);
    assign fault = hit && (!in_window || !fits || !perm_ok);
    assign pa    = xsegpa + off;
endmodule
