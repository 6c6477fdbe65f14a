// The non-blocking link stack's record buffer, as the cycle model keeps it: the physical
// addresses of the last ENTRIES records pushed in the background. An xret whose record is the
// youngest one pops it and needs no record read; any other xret (another thread's stack)
// empties the buffer. Only successful instructions update it.
module xpc_link_buffer #(
    parameter ENTRIES = 4
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        push,
    input  wire [63:0] push_pa,
    input  wire [63:0] probe_pa,   // the record an xret is about to pop
    output wire        probe_hit,
    input  wire        pop,        // that xret committed
    output wire        empty
);
    localparam CW = (ENTRIES < 2) ? 1 : $clog2(ENTRIES + 1);
    reg [63:0]   pa [0:(ENTRIES < 1 ? 0 : ENTRIES - 1)];
    reg [CW-1:0] count;
    integer i;

    wire [CW-1:0] top = count - 1'b1;
    assign empty     = count == 0;
    assign probe_hit = ENTRIES != 0 && count != 0 && pa[top] == probe_pa;

    always @(posedge clk) begin
        if (rst) begin
            count <= 0;
        end else if (ENTRIES != 0) begin
            if (push) begin
                if (count == ENTRIES) begin
                    // full: the oldest record leaves, the rest move down
                    for (i = 0; i < ENTRIES - 1; i = i + 1)
                        pa[i] <= pa[i + 1];
                    pa[ENTRIES - 1] <= push_pa;
                end else begin
                    pa[count] <= push_pa;
                    count <= count + 1'b1;
                end
            end else if (pop) begin
                count <= probe_hit ? count - 1'b1 : {CW{1'b0}};
            end
        end
    end
endmodule
