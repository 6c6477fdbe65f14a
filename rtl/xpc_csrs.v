// The XPC CSRs: the registers, the CSR instruction port with its access rules (the number's
// privilege bits, read-only numbers, the U-mode views vanishing while xctl.ENABLE is clear,
// usegpa reading 0 in U-mode) and WARL masks, and a port through which the engine commits an
// instruction's new values. Same rules as sim/xpc/engine.c.
module xpc_csrs #(
    parameter NONBLOCKING_LINK = 1 // 0: xctl.NONBLOCK_LINK is hard-wired to 0
) (
    input  wire        clk,
    input  wire        rst,
    // CSR instruction port: the result is combinational, a write takes effect at the edge
    input  wire        csr_valid,
    input  wire        csr_write,
    input  wire [11:0] csr_num,
    input  wire [1:0]  csr_priv,    // 0 = U, 1 = S, 3 = M
    input  wire [63:0] csr_wdata,
    output reg         csr_mine,    // an XPC CSR number
    output wire        csr_illegal, // raise illegal-instruction
    output wire [63:0] csr_rdata,
    output wire        cache_flush, // a write of xctl with FLUSH set
    // the engine's commit: every register at once
    input  wire        eng_we,
    input  wire [63:0] eng_xcap, eng_xlink, eng_xseglist, eng_xseglistsz,
    input  wire [63:0] eng_xsegva, eng_xsegpa, eng_xseglen, eng_xsegmask, eng_xcaller,
    // the registers, for the engine
    output reg  [63:0] xtbl, xtblsz, xcap, xlink, xlinklim, xseglist, xseglistsz, xctl,
    output reg  [63:0] xsegva, xsegpa, xseglen, xsegmask, xcaller
);
`include "xpc_params.vh"
    localparam [63:0] ALL = 64'hFFFFFFFFFFFFFFFF;
    localparam [63:0] XCTL_KEEP = NONBLOCKING_LINK ? XPC_XCTL_MASK
                                                    : (XPC_XCTL_MASK & ~XPC_XCTL_NONBLOCK_LINK);

    // Which register a number names and the bits it keeps.
    reg [63:0] value, warl;
    reg [3:0]  field;
    always @(*) begin
        csr_mine = 1'b1;
        warl = ALL;
        field = 4'd0;
        value = 64'd0;
        case ({52'd0, csr_num})
        XPC_CSR_XTBL:       begin field = 4'd0;  value = xtbl;       warl = XPC_ALIGN8_MASK; end
        XPC_CSR_XTBLSZ:     begin field = 4'd1;  value = xtblsz;     end
        XPC_CSR_XCAP:       begin field = 4'd2;  value = xcap;       warl = XPC_ALIGN8_MASK; end
        XPC_CSR_XLINK:      begin field = 4'd3;  value = xlink;      warl = XPC_ALIGN8_MASK; end
        XPC_CSR_XLINKLIM:   begin field = 4'd4;  value = xlinklim;   warl = XPC_ALIGN8_MASK; end
        XPC_CSR_XSEGLIST:   begin field = 4'd5;  value = xseglist;   warl = XPC_XSEGLIST_MASK; end
        XPC_CSR_XSEGLISTSZ: begin field = 4'd6;  value = xseglistsz; warl = XPC_XSEGLISTSZ_MASK; end
        XPC_CSR_XCTL:       begin field = 4'd7;  value = xctl;       warl = XCTL_KEEP; end
        XPC_CSR_XSEGVA,
        XPC_CSR_USEGVA:     begin field = 4'd8;  value = xsegva;     end
        XPC_CSR_XSEGPA,
        XPC_CSR_USEGPA:     begin field = 4'd9;  value = xsegpa;     end
        XPC_CSR_XSEGLEN:    begin field = 4'd10; value = xseglen;    warl = XPC_SEGLEN_MASK; end
        XPC_CSR_USEGLEN:    begin field = 4'd10; value = xseglen;    end
        XPC_CSR_XSEGMASK:   begin field = 4'd11; value = xsegmask;   end
        XPC_CSR_XCALLER:    begin field = 4'd12; value = xcaller;    end
        XPC_CSR_SXCALLER:   begin field = 4'd12; value = xcaller;    warl = XPC_ALIGN8_MASK; end
        default:            csr_mine = 1'b0;
        endcase
    end

    wire enabled   = (xctl & XPC_XCTL_ENABLE) != 64'd0;
    wire priv_ok   = csr_priv >= csr_num[9:8] && !(csr_priv == 2'd0 && !enabled);
    wire read_only = csr_num[11:10] == 2'b11;
    assign csr_illegal = csr_mine && (!priv_ok || (csr_write && read_only));
    assign csr_rdata = ({52'd0, csr_num} == XPC_CSR_USEGPA && csr_priv == 2'd0) ? 64'd0 : value;

    wire do_write = csr_valid && csr_write && csr_mine && !csr_illegal;
    wire [63:0] wval = csr_wdata & warl;
    assign cache_flush = do_write && field == 4'd7 && (csr_wdata & XPC_XCTL_FLUSH) != 64'd0;

    always @(posedge clk) begin
        if (rst) begin
            xtbl <= 0; xtblsz <= 0; xcap <= 0; xlink <= 0; xlinklim <= 0; xseglist <= 0;
            xseglistsz <= 0; xctl <= 0; xsegva <= 0; xsegpa <= 0; xseglen <= 0;
            xsegmask <= 0; xcaller <= 0;
        end else if (eng_we) begin
            xcap <= eng_xcap;
            xlink <= eng_xlink;
            xseglist <= eng_xseglist;
            xseglistsz <= eng_xseglistsz;
            xsegva <= eng_xsegva;
            xsegpa <= eng_xsegpa;
            xseglen <= eng_xseglen;
            xsegmask <= eng_xsegmask;
            xcaller <= eng_xcaller;
        end else if (do_write) begin
            case (field)
            4'd0:  xtbl <= wval;
            4'd1:  xtblsz <= wval;
            4'd2:  xcap <= wval;
            4'd3:  xlink <= wval;
            4'd4:  xlinklim <= wval;
            4'd5:  xseglist <= wval;
            4'd6:  xseglistsz <= wval;
            4'd7:  xctl <= wval;
            4'd8:  xsegva <= wval;
            4'd9:  xsegpa <= wval;
            4'd10: xseglen <= wval;
            4'd11: xsegmask <= wval;
            default: xcaller <= wval;
            endcase
        end
    end
endmodule
