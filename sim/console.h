/* The host terminal behind the emulated UART. */
#ifndef SIM_CONSOLE_H
#define SIM_CONSOLE_H

/* If fd is a terminal, switch it to raw mode (no echo, no line editing, no signals from Ctrl-C,
 * so every key reaches the guest) and restore the saved mode at exit. Does nothing otherwise. */
void console_raw_mode(int fd);

#endif
