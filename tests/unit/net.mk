# The network: virtio-net (sim/dev/virtio_net.c), the options and slirp (sim/net/). The machine
# links slirp, so every test that links the whole machine needs sim/net and -lslirp too.
CPU_MACHINE_SRCS += $(patsubst $(ROOT)/%,%,$(wildcard $(ROOT)/sim/net/*.c))
LDLIBS += -lslirp
test_dev_virtio_net_SRCS = sim/dev/virtio_mmio.c sim/dev/virtqueue.c sim/dev/virtio_net.c sim/dev/plic.c
test_netdev_SRCS         = sim/net/netdev.c sim/options.c
