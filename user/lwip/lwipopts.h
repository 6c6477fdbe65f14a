/* lwIP's configuration for the guest: the raw API without an operating-system layer (NO_SYS), one
 * Ethernet interface, IPv4 and TCP only; memory from picolibc's malloc. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                     1
#define SYS_LIGHTWEIGHT_PROT       0
#define LWIP_SOCKET                0
#define LWIP_NETCONN               0
#define LWIP_IPV4                  1
#define LWIP_IPV6                  0
#define LWIP_ARP                   1
#define LWIP_ETHERNET              1
#define LWIP_ICMP                  1
#define LWIP_UDP                   1
#define LWIP_TCP                   1
#define LWIP_DHCP                  0
#define LWIP_DNS                   0
#define LWIP_IGMP                  0
#define LWIP_STATS                 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define MEM_LIBC_MALLOC            1
#define MEMP_MEM_MALLOC            1
#define MEM_ALIGNMENT              8
#define TCP_MSS                    1460
#define TCP_WND                    (8 * TCP_MSS)
#define TCP_SND_BUF                (8 * TCP_MSS)
#define TCP_SND_QUEUELEN           32
#define MEMP_NUM_TCP_PCB           16
#define PBUF_POOL_SIZE             32
#define LWIP_CHKSUM_ALGORITHM      3

#endif
