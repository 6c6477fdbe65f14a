# The network: virtio-net (sim/dev/virtio_net.c), the options and slirp (sim/net/). The machine
# links slirp, so every test that links the whole machine (cpu.mk, fuzz.mk: their lists include
# sim/net) needs -lslirp too.
LDLIBS += -lslirp
test_dev_virtio_net_SRCS = sim/dev/virtio_mmio.c sim/dev/virtqueue.c sim/dev/virtio_net.c sim/dev/plic.c
test_netdev_SRCS         = sim/net/netdev.c sim/options.c
