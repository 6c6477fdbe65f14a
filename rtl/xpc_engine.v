// The XPC engine (design brief section 3): the CSRs, the three instructions as a state machine
// on a 64-bit memory port, the engine cache and the relay-segment comparator. Function and
// cause/tval of every outcome are those of sim/xpc (insn.c); docs/rtl.md has the structure.
//
// Timing. An instruction starts on the edge where insn_valid is seen (cycle 0) and retires with
// a one-cycle `done` pulse. A successful xcall, xret or swapseg retires exactly at the cycle the
// cycle model charges for it beyond base_cpi (docs/cycle-model.md, with every engine word a
// D-cache hit): the state machine does its reads and writes, then holds the commit until
// `budget` cycles have passed. Work that took longer than the model's figure would retire late,
// and the co-simulation would see it. A prefetch retires at cycle 0 and fills the cache in the
// background (busy stays high). A fault retires as soon as its check fails; the model charges
// faults as traps, outside the engine.
//
// Faults are precise: nothing changes (CSRs, cache, LRU order, memory) before the commit. The
// record and seg-list stores are checked against the memory map first (the pma_* port), so no
// store is ever undone.
module xpc_engine #(
    parameter CACHE_ENTRIES = 16,   // 0 = no engine cache
    parameter NONBLOCKING_LINK = 1  // 0: the link stack always blocks (xctl bit 1 reads 0)
) (
    input  wire        clk,
    input  wire        rst,
    // CSR instructions
    input  wire        csr_valid,
    input  wire        csr_write,
    input  wire [11:0] csr_num,
    input  wire [1:0]  csr_priv,
    input  wire [63:0] csr_wdata,
    output wire        csr_mine,
    output wire        csr_illegal,
    output wire [63:0] csr_rdata,
    // custom-0 instructions
    input  wire        insn_valid,
    input  wire [31:0] insn,
    input  wire [63:0] rs1_value,
    input  wire [63:0] pc_next,     // pc + 4: the return address an xcall records
    input  wire [63:0] satp,
    output wire        busy,
    output reg         done,
    output reg  [4:0]  cause,       // 0: success
    output reg  [63:0] tval,
    output reg  [63:0] new_pc,
    output reg  [63:0] new_satp,
    output reg         satp_changed,
    // physical memory, 64-bit aligned words; one access at a time, held until mem_ack
    output reg         mem_req,
    output reg         mem_we,
    output reg  [63:0] mem_addr,
    output reg  [63:0] mem_wdata,
    input  wire        mem_ack,
    input  wire        mem_err,
    input  wire [63:0] mem_rdata,
    // the memory map (a PMA check): are pma_words words from pma_base all backed?
    output reg  [63:0] pma_base,
    output reg  [3:0]  pma_words,
    input  wire        pma_ok,
    input  wire [63:0] pma_bad_addr, // the first word that is not
    // relay-segment translation of a data access (combinational)
    input  wire [63:0] d_va,
    input  wire [3:0]  d_size,
    input  wire        d_store,
    output wire        d_hit,
    output wire        d_fault,
    output wire [63:0] d_pa
);
`include "xpc_params.vh"
    localparam CACHE_IW = CACHE_ENTRIES < 2 ? 1 : $clog2(CACHE_ENTRIES);
    localparam [3:0] W_PC = XPC_XENTRY_PC >> 3, W_SATP = XPC_XENTRY_SATP >> 3,
                     W_XCAP = XPC_XENTRY_XCAP >> 3, W_SEGLIST = XPC_XENTRY_SEGLIST >> 3;
    localparam [3:0] L_RET_PC = XPC_LINK_RET_PC >> 3, L_SATP = XPC_LINK_SATP >> 3,
                     L_XCAP = XPC_LINK_XCAP >> 3, L_SEGLIST = XPC_LINK_SEGLIST >> 3,
                     L_SEGVA = XPC_LINK_SEGVA >> 3, L_SEGPA = XPC_LINK_SEGPA >> 3,
                     L_SEGLEN = XPC_LINK_SEGLEN >> 3, L_SEGMASK = XPC_LINK_SEGMASK >> 3,
                     L_XCALLER = XPC_LINK_XCALLER >> 3, L_LAST = XPC_LINK_ENGINE_WORDS - 1;
    localparam [3:0] S_VA = XPC_SEGENT_VA >> 3, S_PA = XPC_SEGENT_PA >> 3,
                     S_LEN = XPC_SEGENT_LEN >> 3;
    localparam [4:0] C_XENTRY = XPC_CAUSE_INVALID_XENTRY, C_XCALLCAP = XPC_CAUSE_INVALID_XCALLCAP,
                     C_LINKAGE = XPC_CAUSE_INVALID_LINKAGE, C_OVERFLOW = XPC_CAUSE_LINK_OVERFLOW,
                     C_SWAPSEG = XPC_CAUSE_INVALID_SWAPSEG, C_MISMATCH = XPC_CAUSE_SEG_MISMATCH,
                     C_SEGMASK = XPC_CAUSE_INVALID_SEGMASK, C_ILLEGAL = XPC_EXC_ILLEGAL_INSN,
                     C_LOAD = XPC_EXC_LOAD_ACCESS, C_STORE = XPC_EXC_STORE_ACCESS;
    // The model's charges: fixed work, and the words it counts at T_WORD_CYCLES each.
    localparam [7:0] B_XCALL = T_XCALL_CYCLES + T_REDIRECT_CYCLES,
                     B_XRET = T_XRET_CYCLES + T_REDIRECT_CYCLES,
                     B_ENTRY = (T_XENTRY_WORDS + 1) * T_WORD_CYCLES,
                     B_LINK = T_LINK_WORDS * T_WORD_CYCLES,
                     B_SWAPSEG = 2 * T_SEG_WORDS * T_WORD_CYCLES + T_SWAPSEG_CYCLES;

    localparam [4:0] S_IDLE = 0, S_XC_LOOKUP = 1, S_XC_CAP = 2, S_XC_ENTRY_CACHED = 3,
                     S_XC_ENTRY = 4, S_XC_CHECK = 5, S_XC_WRITE = 6, S_XR_READ = 7,
                     S_XR_CHECK = 8, S_SW_READ = 9, S_SW_WRITE = 10, S_FINISH = 11,
                     S_PF_LOOKUP = 12, S_PF_CAP = 13, S_PF_ENTRY_CACHED = 14, S_PF_ENTRY = 15,
                     S_PF_FILL = 16;
    localparam [1:0] OP_XCALL = 0, OP_XRET = 1, OP_SWAPSEG = 2;

    // ---- CSRs
    wire [63:0] xtbl, xtblsz, xcap, xlink, xlinklim, xseglist, xseglistsz, xctl;
    wire [63:0] xsegva, xsegpa, xseglen, xsegmask, xcaller;
    reg         eng_we;
    reg  [63:0] eng_xcap, eng_xlink, eng_xseglist, eng_xseglistsz;
    reg  [63:0] eng_xsegva, eng_xsegpa, eng_xseglen, eng_xsegmask, eng_xcaller;
    wire        csr_flush;
    xpc_csrs #(.NONBLOCKING_LINK(NONBLOCKING_LINK)) csrs (
        .clk(clk), .rst(rst), .csr_valid(csr_valid && !busy), .csr_write(csr_write),
        .csr_num(csr_num), .csr_priv(csr_priv), .csr_wdata(csr_wdata), .csr_mine(csr_mine),
        .csr_illegal(csr_illegal), .csr_rdata(csr_rdata), .cache_flush(csr_flush),
        .eng_we(eng_we), .eng_xcap(eng_xcap), .eng_xlink(eng_xlink),
        .eng_xseglist(eng_xseglist), .eng_xseglistsz(eng_xseglistsz), .eng_xsegva(eng_xsegva),
        .eng_xsegpa(eng_xsegpa), .eng_xseglen(eng_xseglen), .eng_xsegmask(eng_xsegmask),
        .eng_xcaller(eng_xcaller), .xtbl(xtbl), .xtblsz(xtblsz), .xcap(xcap), .xlink(xlink),
        .xlinklim(xlinklim), .xseglist(xseglist), .xseglistsz(xseglistsz), .xctl(xctl),
        .xsegva(xsegva), .xsegpa(xsegpa), .xseglen(xseglen), .xsegmask(xsegmask),
        .xcaller(xcaller));

    xpc_seg_translate seg (
        .xsegva(xsegva), .xsegpa(xsegpa), .xseglen(xseglen), .va(d_va), .size(d_size),
        .is_store(d_store), .hit(d_hit), .fault(d_fault), .pa(d_pa));

    // ---- state
    reg  [4:0]  state;
    reg  [1:0]  op;
    reg  [63:0] r_id;          // x-entry ID or seg-list index
    reg  [63:0] r_pc_next, r_satp;
    reg  [3:0]  k;             // word being read or written
    reg  [63:0] word [0:8];    // x-entry, linkage record or seg-list entry as read
    reg  [7:0]  budget, elapsed;
    reg         r_hit, r_cap;

    assign busy = state != S_IDLE;
    wire enabled = (xctl & XPC_XCTL_ENABLE) != 64'd0;
    wire background_link = NONBLOCKING_LINK != 0 && (xctl & XPC_XCTL_NONBLOCK_LINK) != 64'd0;

    // ---- engine cache
    wire                c_hit, c_cap_hit, c_cap_bit;
    wire [CACHE_IW-1:0] c_hit_index;
    wire [255:0]        c_rd_data;
    reg                 c_rd_en, c_touch, c_fill;
    xpc_cache #(.ENTRIES(CACHE_ENTRIES), .IW(CACHE_IW)) cache (
        .clk(clk), .rst(rst), .xtbl(xtbl), .id(r_id), .xcap(xcap), .hit(c_hit),
        .hit_index(c_hit_index), .cap_hit(c_cap_hit), .cap_bit(c_cap_bit), .rd_en(c_rd_en),
        .rd_index(c_hit_index), .rd_data(c_rd_data), .touch(c_touch),
        .touch_index(c_hit_index), .fill(c_fill),
        .fill_data({word[3], word[2], word[1], word[0]}), .fill_xcap(xcap), .fill_cap(r_cap),
        .flush(csr_flush));

    // ---- link buffer (the cycle model's non-blocking link stack)
    wire [63:0] pop_pa = xlink - XPC_LINK_RECORD_SIZE;
    wire        lb_hit;
    reg         lb_push, lb_pop;
    xpc_link_buffer #(.ENTRIES(T_LINK_BUFFER_ENTRIES)) link_buffer (
        .clk(clk), .rst(rst), .push(lb_push), .push_pa(xlink), .probe_pa(pop_pa),
        .probe_hit(lb_hit), .pop(lb_pop), .empty());

    // ---- decode
    wire [6:0] f_opcode = insn[6:0];
    wire [2:0] f_funct3 = insn[14:12];
    wire [6:0] f_funct7 = insn[31:25];
    wire reserved_ok = {57'd0, f_opcode} == XPC_OPCODE && {61'd0, f_funct3} == XPC_FUNCT3 &&
                       insn[11:7] == 5'd0 && insn[24:20] == 5'd0;
    wire is_xcall   = reserved_ok && {57'd0, f_funct7} == XPC_FUNCT7_XCALL;
    wire is_xret    = reserved_ok && {57'd0, f_funct7} == XPC_FUNCT7_XRET && insn[19:15] == 5'd0;
    wire is_swapseg = reserved_ok && {57'd0, f_funct7} == XPC_FUNCT7_SWAPSEG;

    // ---- addresses
    wire [63:0] cap_addr   = xcap + {r_id[63:6], 3'b000};
    wire [63:0] entry_addr = xtbl + (r_id << XPC_XENTRY_SHIFT) + {57'd0, k, 3'b000};
    wire [63:0] seg_base   = xseglist + (r_id << 4) + (r_id << 3); // index * 24
    wire [63:0] rec_base   = (op == OP_XRET) ? pop_pa : xlink;

    // The segment a callee receives: the caller's, narrowed by a non-zero mask.
    function [191:0] narrow(input [63:0] mask, input [63:0] va, input [63:0] pa,
                            input [63:0] lenperm);
        if (mask == 64'd0)
            narrow = {lenperm & XPC_SEGLEN_MASK, pa, va};
        else
            narrow = {{32'd0, mask[63:32]} | (lenperm & XPC_SEG_PERM_MASK),
                      pa + {32'd0, mask[31:0]}, va + {32'd0, mask[31:0]}};
    endfunction

    wire [63:0] mask_off = {32'd0, xsegmask[31:0]};
    wire [63:0] mask_len = {32'd0, xsegmask[63:32]};
    wire [63:0] seg_len  = xseglen & XPC_SEG_LEN_MASK;
    wire mask_fits = xsegmask == 64'd0 ||
                     (mask_len != 64'd0 && mask_off <= seg_len && mask_len <= seg_len - mask_off);
    wire link_overflow = xlink > xlinklim || (xlinklim - xlink) < XPC_LINK_RECORD_SIZE;

    // The linkage record's words, as xcall pushes them.
    reg [63:0] rec_word;
    always @(*) begin
        case (k)
        L_RET_PC:  rec_word = r_pc_next;
        L_SATP:    rec_word = r_satp;
        L_XCAP:    rec_word = xcap;
        L_SEGLIST: rec_word = xseglist | (xseglistsz << XPC_SEGLIST_COUNT_SHIFT);
        L_SEGVA:   rec_word = xsegva;
        L_SEGPA:   rec_word = xsegpa;
        L_SEGLEN:  rec_word = xseglen;
        L_SEGMASK: rec_word = xsegmask;
        default:   rec_word = xcaller | XPC_LINK_VALID;
        endcase
    end

    wire [191:0] given = narrow(word[L_SEGMASK], word[L_SEGVA], word[L_SEGPA], word[L_SEGLEN]);
    wire seg_matches = given[63:0] == xsegva && given[127:64] == xsegpa &&
                       given[191:128] == xseglen;
    wire [191:0] handed = narrow(xsegmask, xsegva, xsegpa, xseglen);

    // ---- memory port and PMA check (combinational from the state)
    always @(*) begin
        mem_req = 1'b0;
        mem_we = 1'b0;
        mem_addr = 64'd0;
        mem_wdata = 64'd0;
        pma_base = seg_base;
        pma_words = T_SEG_WORDS;
        case (state)
        S_XC_CAP, S_PF_CAP: begin
            mem_req = 1'b1;
            mem_addr = cap_addr;
        end
        S_XC_ENTRY, S_PF_ENTRY: begin
            mem_req = 1'b1;
            mem_addr = entry_addr;
        end
        S_XC_CHECK: begin
            pma_base = xlink;
            pma_words = XPC_LINK_ENGINE_WORDS;
        end
        S_XC_WRITE: begin
            mem_req = 1'b1;
            mem_we = 1'b1;
            mem_addr = xlink + {57'd0, k, 3'b000};
            mem_wdata = rec_word;
        end
        S_XR_READ: begin
            mem_req = 1'b1;
            mem_addr = rec_base + {57'd0, k, 3'b000};
        end
        S_SW_READ: begin
            mem_req = 1'b1;
            mem_addr = seg_base + {57'd0, k, 3'b000};
        end
        S_SW_WRITE: begin
            mem_req = 1'b1;
            mem_we = 1'b1;
            mem_addr = seg_base + {57'd0, k, 3'b000};
            mem_wdata = k == S_VA ? xsegva : k == S_PA ? xsegpa : xseglen;
        end
        default: ;
        endcase
    end

    // ---- commit values and cache/link-buffer strobes (combinational from the state)
    wire finish_now = state == S_FINISH && elapsed + 8'd1 >= budget;
    always @(*) begin
        eng_we = finish_now;
        eng_xcap = xcap;
        eng_xlink = xlink;
        eng_xseglist = xseglist;
        eng_xseglistsz = xseglistsz;
        eng_xsegva = xsegva;
        eng_xsegpa = xsegpa;
        eng_xseglen = xseglen;
        eng_xsegmask = xsegmask;
        eng_xcaller = xcaller;
        case (op)
        OP_XCALL: begin
            eng_xcap = word[W_XCAP] & XPC_ALIGN8_MASK;
            eng_xlink = xlink + XPC_LINK_RECORD_SIZE;
            eng_xseglist = word[W_SEGLIST] & XPC_SEGLIST_ADDR_MASK;
            eng_xseglistsz = word[W_SEGLIST] >> XPC_SEGLIST_COUNT_SHIFT;
            eng_xsegva = handed[63:0];
            eng_xsegpa = handed[127:64];
            eng_xseglen = handed[191:128];
            eng_xsegmask = 64'd0;
            eng_xcaller = xcap;
        end
        OP_XRET: begin
            eng_xcap = word[L_XCAP] & XPC_ALIGN8_MASK;
            eng_xlink = pop_pa;
            eng_xseglist = word[L_SEGLIST] & XPC_SEGLIST_ADDR_MASK;
            eng_xseglistsz = word[L_SEGLIST] >> XPC_SEGLIST_COUNT_SHIFT;
            eng_xsegva = word[L_SEGVA];
            eng_xsegpa = word[L_SEGPA];
            eng_xseglen = word[L_SEGLEN] & XPC_SEGLEN_MASK;
            eng_xsegmask = 64'd0;
            eng_xcaller = word[L_XCALLER] & XPC_ALIGN8_MASK;
        end
        default: begin
            eng_xsegva = word[S_VA];
            eng_xsegpa = word[S_PA];
            eng_xseglen = word[S_LEN] & XPC_SEGLEN_MASK;
        end
        endcase
        c_rd_en = state == S_XC_LOOKUP || state == S_PF_LOOKUP;
        c_touch = state == S_PF_LOOKUP && c_hit && c_cap_hit;
        c_fill = state == S_PF_FILL || (finish_now && op == OP_XCALL);
        lb_push = finish_now && op == OP_XCALL && background_link;
        lb_pop = finish_now && op == OP_XRET;
    end

    // ---- the state machine
    task retire(input [4:0] c, input [63:0] t);
        begin
            done <= 1'b1;
            cause <= c;
            tval <= t;
            state <= S_IDLE;
        end
    endtask

    integer i;
    always @(posedge clk) begin
        done <= 1'b0;
        elapsed <= (elapsed == 8'hFF) ? elapsed : elapsed + 8'd1;
        if (rst) begin
            state <= S_IDLE;
            cause <= 5'd0;
            tval <= 64'd0;
            new_pc <= 64'd0;
            new_satp <= 64'd0;
            satp_changed <= 1'b0;
            k <= 4'd0;
            op <= OP_XCALL;
        end else begin
            case (state)
            S_IDLE: if (insn_valid) begin
                r_pc_next <= pc_next;
                r_satp <= satp;
                r_id <= rs1_value;
                elapsed <= 8'd0;
                k <= 4'd0;
                new_pc <= pc_next;
                new_satp <= satp;
                satp_changed <= 1'b0;
                if (!enabled || !(is_xcall || is_xret || is_swapseg)) begin
                    retire(C_ILLEGAL, {32'd0, insn});
                end else if (is_xcall && rs1_value[63]) begin
                    // prefetch: a hint, retired at once; the cache fills behind it
                    retire(5'd0, 64'd0);
                    r_id <= ~rs1_value;
                    if (CACHE_ENTRIES != 0 && ~rs1_value < xtblsz)
                        state <= S_PF_LOOKUP;
                end else if (is_xcall) begin
                    op <= OP_XCALL;
                    if (rs1_value >= xtblsz)
                        retire(C_XENTRY, rs1_value);
                    else
                        state <= S_XC_LOOKUP;
                end else if (is_xret) begin
                    op <= OP_XRET;
                    k <= L_XCALLER;
                    budget <= B_XRET + (lb_hit ? 8'd0 : B_LINK);
                    if (xlink < XPC_LINK_RECORD_SIZE)
                        retire(C_LINKAGE, 64'd0);
                    else
                        state <= S_XR_READ;
                end else begin
                    op <= OP_SWAPSEG;
                    budget <= B_SWAPSEG;
                    if (rs1_value >= xseglistsz)
                        retire(C_SWAPSEG, rs1_value);
                    else
                        state <= S_SW_READ;
                end
            end

            // ---- xcall, in the brief's order of checks
            S_XC_LOOKUP: begin
                r_hit <= c_hit;
                r_cap <= c_cap_bit;
                budget <= B_XCALL + ((c_hit && c_cap_hit) ? 8'd0 : B_ENTRY) +
                          (background_link ? 8'd0 : B_LINK);
                if (!c_cap_hit)
                    state <= S_XC_CAP;
                else if (!c_cap_bit)
                    retire(C_XCALLCAP, r_id);
                else
                    state <= S_XC_ENTRY_CACHED;
            end
            S_XC_CAP: if (mem_ack) begin
                r_cap <= 1'b1;
                if (mem_err)
                    retire(C_LOAD, mem_addr);
                else if (!mem_rdata[r_id[5:0]])
                    retire(C_XCALLCAP, r_id);
                else
                    state <= r_hit ? S_XC_ENTRY_CACHED : S_XC_ENTRY;
            end
            S_XC_ENTRY_CACHED: begin
                for (i = 0; i < 4; i = i + 1)
                    word[i] <= c_rd_data[64 * i +: 64];
                state <= S_XC_CHECK;
            end
            S_XC_ENTRY: if (mem_ack) begin
                word[k] <= mem_rdata;
                k <= k + 4'd1;
                if (mem_err)
                    retire(C_LOAD, mem_addr);
                else if (k == 4'd3)
                    state <= S_XC_CHECK;
            end
            S_XC_CHECK: begin
                k <= 4'd0;
                if ((word[W_SEGLIST] & XPC_XENTRY_VALID) == 64'd0)
                    retire(C_XENTRY, r_id);
                else if (!mask_fits)
                    retire(C_SEGMASK, r_id);
                else if (link_overflow)
                    retire(C_OVERFLOW, r_id);
                else if (!pma_ok)
                    retire(C_STORE, pma_bad_addr);
                else
                    state <= S_XC_WRITE;
            end
            S_XC_WRITE: if (mem_ack) begin
                k <= k + 4'd1;
                if (mem_err)
                    retire(C_STORE, mem_addr); // the PMA check makes this unreachable
                else if (k == L_LAST)
                    state <= S_FINISH;
            end

            // ---- xret: the record's valid flag, the segment handed back, then the rest
            S_XR_READ: if (mem_ack) begin
                word[k] <= mem_rdata;
                if (mem_err)
                    retire(C_LOAD, mem_addr);
                else if (k == L_XCALLER) begin
                    if ((mem_rdata & XPC_LINK_VALID) == 64'd0)
                        retire(C_LINKAGE, 64'd0);
                    else
                        k <= L_SEGVA;
                end else if (k == L_SEGMASK)
                    state <= S_XR_CHECK;
                else if (k == L_SEGLIST)
                    state <= S_FINISH;
                else
                    k <= k + 4'd1;
            end
            S_XR_CHECK: begin
                k <= L_RET_PC;
                if (!seg_matches)
                    retire(C_MISMATCH, 64'd0);
                else
                    state <= S_XR_READ;
            end

            // ---- swapseg
            S_SW_READ: if (mem_ack) begin
                word[k] <= mem_rdata;
                k <= k + 4'd1;
                if (mem_err)
                    retire(C_LOAD, mem_addr);
                else if (k == S_LEN) begin
                    k <= 4'd0;
                    if (!pma_ok)
                        retire(C_STORE, pma_bad_addr);
                    else
                        state <= S_SW_WRITE;
                end
            end
            S_SW_WRITE: if (mem_ack) begin
                k <= k + 4'd1;
                if (mem_err)
                    retire(C_STORE, mem_addr); // unreachable after the PMA check
                else if (k == S_LEN)
                    state <= S_FINISH;
            end

            // ---- commit at the model's cycle
            S_FINISH: if (finish_now) begin
                retire(5'd0, 64'd0);
                if (op == OP_XCALL) begin
                    new_pc <= word[W_PC] & ~64'd1;
                    new_satp <= word[W_SATP];
                    satp_changed <= word[W_SATP] != r_satp;
                end else if (op == OP_XRET) begin
                    new_pc <= word[L_RET_PC] & ~64'd1;
                    new_satp <= word[L_SATP];
                    satp_changed <= word[L_SATP] != r_satp;
                end
            end

            // ---- prefetch, in the background: any fault just abandons it
            S_PF_LOOKUP: begin
                r_hit <= c_hit;
                if (c_hit && c_cap_hit)
                    state <= S_IDLE; // already cached: c_touch marks the line used
                else
                    state <= S_PF_CAP;
            end
            S_PF_CAP: if (mem_ack) begin
                r_cap <= mem_rdata[r_id[5:0]];
                if (mem_err)
                    state <= S_IDLE;
                else
                    state <= r_hit ? S_PF_ENTRY_CACHED : S_PF_ENTRY;
            end
            S_PF_ENTRY_CACHED: begin
                for (i = 0; i < 4; i = i + 1)
                    word[i] <= c_rd_data[64 * i +: 64];
                state <= S_PF_FILL;
            end
            S_PF_ENTRY: if (mem_ack) begin
                word[k] <= mem_rdata;
                k <= k + 4'd1;
                if (mem_err)
                    state <= S_IDLE;
                else if (k == 4'd3)
                    state <= S_PF_FILL;
            end
            S_PF_FILL: state <= S_IDLE;
            default: state <= S_IDLE;
            endcase
        end
    end
endmodule
