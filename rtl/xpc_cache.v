// The engine cache: ENTRIES lines, fully associative, true LRU (0 = no cache). A line holds an
// x-entry of the table at `xtbl` (tag: table base and ID) and the cap bit for it as read under
// caller identity `cap_xcap`; another caller identity must re-read its own bitmap word. Tags and
// the LRU order are flip-flops (compared in parallel); the four data words sit in a RAM read one
// cycle after the lookup. Same behaviour as sim/xpc/cache.c.
//
// LRU is an age per line forming a permutation of 0..ENTRIES-1 (0 = most recent): a use moves a
// line to 0 and ages the lines younger than it. Every line is filled after the last flush before
// all are valid again, so among valid lines the oldest age is the least recently used one.
module xpc_cache #(
    parameter ENTRIES = 16,
    parameter IW = ENTRIES < 2 ? 1 : $clog2(ENTRIES) // line index width
) (
    input  wire         clk,
    input  wire         rst,
    // lookup (combinational): x-entry `id` of table `xtbl`, cap bit for caller `xcap`
    input  wire [63:0]  xtbl,
    input  wire [63:0]  id,
    input  wire [63:0]  xcap,
    output wire         hit,
    output wire [IW-1:0] hit_index,
    output wire         cap_hit,   // the line's cap bit counts for this xcap
    output wire         cap_bit,
    // data read: registered, valid the cycle after rd_en
    input  wire         rd_en,
    input  wire [IW-1:0] rd_index,
    output reg  [255:0] rd_data,
    // use: mark a line most recently used (a prefetch that found everything cached)
    input  wire         touch,
    input  wire [IW-1:0] touch_index,
    // fill: install x-entry `id` of `xtbl` (the lookup inputs) with the cap bit for fill_xcap
    input  wire         fill,
    input  wire [255:0] fill_data,
    input  wire [63:0]  fill_xcap,
    input  wire         fill_cap,
    // xctl.FLUSH
    input  wire         flush
);
    localparam N = ENTRIES < 1 ? 1 : ENTRIES;

    reg          valid    [0:N-1];
    reg  [63:0]  tag_id   [0:N-1];
    reg  [60:0]  tag_xtbl [0:N-1]; // bits 63:3; the CSR keeps bit 2:0 clear
    reg  [60:0]  tag_xcap [0:N-1];
    reg          cap      [0:N-1];
    reg  [IW-1:0] age     [0:N-1];
    reg  [255:0] data     [0:N-1];

    // Parallel tag compare; the first match wins (fills never duplicate a tag).
    reg          m_hit;
    reg [IW-1:0] m_index;
    reg          f_free;
    reg [IW-1:0] f_index;
    reg [IW-1:0] o_index;
    integer i;
    always @(*) begin
        m_hit = 1'b0;
        m_index = {IW{1'b0}};
        f_free = 1'b0;
        f_index = {IW{1'b0}};
        o_index = {IW{1'b0}};
        for (i = N - 1; i >= 0; i = i - 1) begin
            if (valid[i] && tag_id[i] == id && tag_xtbl[i] == xtbl[63:3]) begin
                m_hit = 1'b1;
                m_index = i[IW-1:0];
            end
            if (!valid[i]) begin
                f_free = 1'b1;
                f_index = i[IW-1:0];
            end
            if (age[i] == N - 1)
                o_index = i[IW-1:0];
        end
    end

    wire present = ENTRIES != 0;
    assign hit       = present && m_hit;
    assign hit_index = m_index;
    assign cap_hit   = hit && tag_xcap[m_index] == xcap[63:3];
    assign cap_bit   = cap[m_index];

    // The victim of a fill: the same entry, else a free line, else the least recently used.
    wire [IW-1:0] victim = m_hit ? m_index : f_free ? f_index : o_index;
    wire          use_en = present && (fill || touch);
    wire [IW-1:0] use_index = fill ? victim : touch_index;
    wire [IW-1:0] use_age = age[use_index];

    always @(posedge clk) begin
        if (rst) begin
            for (i = 0; i < N; i = i + 1) begin
                valid[i] <= 1'b0;
                age[i] <= i[IW-1:0];
            end
        end else if (present) begin
            if (flush) begin
                for (i = 0; i < N; i = i + 1)
                    valid[i] <= 1'b0;
            end else if (fill) begin
                valid[victim]    <= 1'b1;
                tag_id[victim]   <= id;
                tag_xtbl[victim] <= xtbl[63:3];
                tag_xcap[victim] <= fill_xcap[63:3];
                cap[victim]      <= fill_cap;
            end
            if (use_en && !flush) begin
                for (i = 0; i < N; i = i + 1)
                    if (age[i] < use_age)
                        age[i] <= age[i] + 1'b1;
                age[use_index] <= {IW{1'b0}};
            end
        end
    end

    // The data RAM: one write port (fill), one registered read port.
    always @(posedge clk) begin
        if (present && fill && !flush)
            data[victim] <= fill_data;
        if (rd_en)
            rd_data <= data[rd_index];
    end
endmodule
