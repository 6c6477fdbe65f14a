# virtio-mmio transport and virtio-blk (sim/dev/virtio*.c).
test_dev_virtio_mmio_SRCS = sim/dev/virtio_mmio.c sim/dev/virtqueue.c sim/dev/virtio_blk.c sim/dev/plic.c
test_dev_virtio_blk_SRCS  = sim/dev/virtio_mmio.c sim/dev/virtqueue.c sim/dev/virtio_blk.c sim/dev/plic.c
test_drive_SRCS           = sim/drive.c sim/options.c
