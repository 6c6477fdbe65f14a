/* virtio-blk on a raw image. Each request is carried out when the transport starts it (the data
 * moves between the file and guest RAM at once); the transport publishes it after the modeled
 * time this device charges, so the guest sees the latency and the bandwidth of a disk while the
 * emulator never waits for one.
 *
 * Durability follows the disk contract: a completed write is in the host file (pwrite) but only
 * a flush makes it durable (fdatasync), so a power cut after a write and before a flush may lose
 * it, exactly what a file system must be ready for. In snapshot mode written data goes into
 * 64 KiB chunks held in memory, copied from the image on first write; the image is opened
 * read-only and never changes.
 *
 * With a volatile write cache (cache=writeback) the host file sees nothing of a write until a
 * flush: written data waits in 4 KiB chunks in memory (reads see it), a flush writes them to the
 * file and syncs it, and whatever is still waiting when the machine stops is lost, as a disk's
 * cache loses it at a power cut. Without it, a write that completed is in the host file even if
 * the machine is stopped a moment later, kinder than any real disk. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../errmsg.h"
#include "virtio_blk.h"

#define SNAPSHOT_CHUNK_BYTES (64 * 1024)
#define CACHE_CHUNK_BYTES    4096
/* A disk's cache is finite: past this much unflushed data it writes back by itself. */
#define CACHE_MAX_BYTES (256u << 20)

/* struct virtio_blk_config offsets (§5.2.4). */
#define CFG_CAPACITY 0
#define CFG_SEG_MAX  12
#define CFG_BLK_SIZE 20
#define CFG_SIZE     36 /* through num_queues, which stays 0 without VIRTIO_BLK_F_MQ */

struct virtio_blk {
    struct virtio_backend backend;
    int fd;
    uint64_t bytes;
    bool readonly, snapshot, write_cache;
    uint64_t chunk_bytes;   /* snapshot or write cache: the unit kept in memory */
    uint64_t cached_chunks; /* write cache: chunks waiting for a flush */
    char serial[VIRTIO_BLK_ID_BYTES + 1];
    uint64_t request_cycles, sector_cycles;
    uint8_t config[CFG_SIZE];
    uint8_t **chunks; /* written chunks, or NULL where the image holds the data */
};

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void read_config(void *opaque, uint32_t offset, uint8_t *out, unsigned size)
{
    struct virtio_blk *b = opaque;
    memcpy(out, b->config + offset, size);
}

/* Move bytes between the image (or the snapshot's chunks) and a host buffer. */
static bool image_read(struct virtio_blk *b, uint64_t pos, uint8_t *dst, uint64_t len)
{
    while (len) {
        uint64_t chunk = pos / b->chunk_bytes, in = pos % b->chunk_bytes;
        uint64_t n = b->chunk_bytes - in < len ? b->chunk_bytes - in : len;
        if (b->chunks && b->chunks[chunk]) {
            memcpy(dst, b->chunks[chunk] + in, n);
        } else {
            for (uint64_t done = 0; done < n;) {
                ssize_t r = pread(b->fd, dst + done, n - done, (off_t)(pos + done));
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    return false;
                done += (uint64_t)r;
            }
        }
        pos += n;
        dst += n;
        len -= n;
    }
    return true;
}

static bool file_write(struct virtio_blk *b, uint64_t pos, const uint8_t *src, uint64_t len)
{
    for (uint64_t done = 0; done < len;) {
        ssize_t r = pwrite(b->fd, src + done, len - done, (off_t)(pos + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        done += (uint64_t)r;
    }
    return true;
}

/* Write cache: every waiting chunk to the file, then the file to the host's disk. */
static bool write_back(struct virtio_blk *b)
{
    uint64_t nchunks = (b->bytes + b->chunk_bytes - 1) / b->chunk_bytes;
    bool ok = true;
    for (uint64_t i = 0; i < nchunks && b->cached_chunks; i++) {
        if (!b->chunks[i])
            continue;
        uint64_t start = i * b->chunk_bytes;
        uint64_t n = b->bytes - start < b->chunk_bytes ? b->bytes - start : b->chunk_bytes;
        ok &= file_write(b, start, b->chunks[i], n);
        free(b->chunks[i]);
        b->chunks[i] = NULL;
        b->cached_chunks--;
    }
    return ok && fdatasync(b->fd) == 0;
}

static bool image_write(struct virtio_blk *b, uint64_t pos, const uint8_t *src, uint64_t len)
{
    if (!b->chunks)
        return file_write(b, pos, src, len);
    if (b->write_cache && b->cached_chunks * b->chunk_bytes >= CACHE_MAX_BYTES && !write_back(b))
        return false;
    while (len) {
        uint64_t chunk = pos / b->chunk_bytes, in = pos % b->chunk_bytes;
        uint64_t n = b->chunk_bytes - in < len ? b->chunk_bytes - in : len;
        if (!b->chunks[chunk]) {
            uint64_t start = chunk * b->chunk_bytes;
            uint64_t have = b->bytes - start < b->chunk_bytes ? b->bytes - start : b->chunk_bytes;
            uint8_t *c = calloc(1, b->chunk_bytes);
            if (!c || !image_read(b, start, c, have)) {
                free(c);
                return false;
            }
            b->chunks[chunk] = c;
            b->cached_chunks++;
        }
        memcpy(b->chunks[chunk] + in, src, n);
        pos += n;
        src += n;
        len -= n;
    }
    return true;
}

/* Data segments: the readable ones after the 16-byte header, or the writable ones before the
 * status byte. Headers and data may share a segment (VERSION_1 implies any layout), so the
 * data is walked as a byte stream [skip, skip + len) across segments. */
static bool transfer(struct virtio_blk *b, const struct virtio_chain *c, bool to_guest,
                     uint64_t pos, uint64_t skip, uint64_t len)
{
    unsigned first = to_guest ? c->n_out : 0, n = to_guest ? c->n_in : c->n_out;
    for (unsigned i = 0; i < n && len; i++) {
        const struct virtio_segment *s = &c->seg[first + i];
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        uint64_t take = s->len - skip < len ? s->len - skip : len;
        bool ok = to_guest ? image_read(b, pos, s->host + skip, take)
                           : image_write(b, pos, s->host + skip, take);
        if (!ok)
            return false;
        pos += take;
        len -= take;
        skip = 0;
    }
    return len == 0;
}

/* Copy between a flat buffer and a stream of segments, for the header, the status and GET_ID. */
static void stream_copy(const struct virtio_chain *c, bool writable, uint64_t skip, uint8_t *buf,
                        uint64_t len)
{
    unsigned first = writable ? c->n_out : 0, n = writable ? c->n_in : c->n_out;
    for (unsigned i = 0; i < n && len; i++) {
        const struct virtio_segment *s = &c->seg[first + i];
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        uint64_t take = s->len - skip < len ? s->len - skip : len;
        if (writable)
            memcpy(s->host + skip, buf, take);
        else
            memcpy(buf, s->host + skip, take);
        buf += take;
        len -= take;
        skip = 0;
    }
}

static uint8_t read_write(struct virtio_blk *b, const struct virtio_chain *c, bool out,
                          uint64_t sector, uint64_t *sectors)
{
    uint64_t len = out ? c->out_bytes - 16 : c->in_bytes - 1;
    uint64_t total = b->bytes / VIRTIO_BLK_SECTOR;
    *sectors = (len + VIRTIO_BLK_SECTOR - 1) / VIRTIO_BLK_SECTOR;
    if (len % VIRTIO_BLK_SECTOR || sector > total || len / VIRTIO_BLK_SECTOR > total - sector)
        return VIRTIO_BLK_S_IOERR;
    if (out && b->readonly)
        return VIRTIO_BLK_S_IOERR;
    bool ok = transfer(b, c, !out, sector * VIRTIO_BLK_SECTOR, out ? 16 : 0, len);
    return ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

static bool request(void *opaque, unsigned queue, const struct virtio_chain *c, uint32_t *used_len,
                    uint64_t *cycles)
{
    struct virtio_blk *b = opaque;
    (void)queue;
    /* A header to read and a status byte to write, or the request cannot even fail properly. */
    if (c->out_bytes < 16 || c->in_bytes < 1)
        return false;
    uint8_t hdr[16];
    stream_copy(c, false, 0, hdr, 16);
    uint32_t type;
    uint64_t sector, sectors = 0;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    uint8_t status;
    switch (type & ~0x80000000u) { /* bit 31 is the legacy barrier flag, ignored as QEMU does */
    case VIRTIO_BLK_T_IN: status = read_write(b, c, false, sector, &sectors); break;
    case VIRTIO_BLK_T_OUT: status = read_write(b, c, true, sector, &sectors); break;
    case VIRTIO_BLK_T_FLUSH:
        if (b->snapshot)
            status = VIRTIO_BLK_S_OK;
        else if (b->write_cache)
            status = write_back(b) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
        else
            status = fdatasync(b->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
        break;
    case VIRTIO_BLK_T_GET_ID: {
        /* QEMU's convention: NUL-terminated only when shorter than the 20 bytes. */
        uint64_t n = strlen(b->serial) + 1;
        if (n > VIRTIO_BLK_ID_BYTES)
            n = VIRTIO_BLK_ID_BYTES;
        if (n > c->in_bytes - 1)
            n = c->in_bytes - 1;
        stream_copy(c, true, 0, (uint8_t *)b->serial, n);
        status = VIRTIO_BLK_S_OK;
        break;
    }
    default: status = VIRTIO_BLK_S_UNSUPP; break;
    }
    stream_copy(c, true, c->in_bytes - 1, &status, 1);
    /* As QEMU: the used length is every writable byte the driver offered. */
    *used_len = (uint32_t)c->in_bytes;
    *cycles = b->request_cycles + sectors * b->sector_cycles;
    return true;
}

struct virtio_blk *virtio_blk_open(const struct virtio_blk_options *o, char *err, size_t errlen)
{
    bool rw = !o->readonly && !o->snapshot;
    int fd = open(o->path, rw ? O_RDWR : O_RDONLY);
    if (fd < 0) {
        errmsg(err, errlen, "cannot open %s: %s", o->path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errmsg(err, errlen, "%s: not a regular file", o->path);
        return NULL;
    }
    /* One writer per image, as QEMU locks its images: two machines writing one file would
     * corrupt it. Readers (readonly, snapshot) share. */
    if (flock(fd, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        close(fd);
        errmsg(err, errlen, "%s: in use by another process (it holds a lock on it)", o->path);
        return NULL;
    }
    if (st.st_size % VIRTIO_BLK_SECTOR) {
        close(fd);
        errmsg(err, errlen, "%s: size %lld is not a multiple of %d bytes", o->path,
               (long long)st.st_size, VIRTIO_BLK_SECTOR);
        return NULL;
    }
    if (o->serial && strlen(o->serial) > VIRTIO_BLK_ID_BYTES) {
        close(fd);
        errmsg(err, errlen, "serial '%s' is longer than %d characters", o->serial,
               VIRTIO_BLK_ID_BYTES);
        return NULL;
    }
    struct virtio_blk *b = calloc(1, sizeof *b);
    bool write_cache = o->write_cache && !o->snapshot && !o->readonly;
    uint64_t chunk_bytes = o->snapshot ? SNAPSHOT_CHUNK_BYTES : CACHE_CHUNK_BYTES;
    uint64_t nchunks = ((uint64_t)st.st_size + chunk_bytes - 1) / chunk_bytes;
    if (b && (o->snapshot || write_cache))
        b->chunks = calloc(nchunks ? nchunks : 1, sizeof *b->chunks);
    if (!b || ((o->snapshot || write_cache) && !b->chunks)) {
        free(b);
        close(fd);
        errmsg(err, errlen, "%s: out of memory", o->path);
        return NULL;
    }
    b->fd = fd;
    b->bytes = (uint64_t)st.st_size;
    b->readonly = o->readonly;
    b->snapshot = o->snapshot;
    b->write_cache = write_cache;
    b->chunk_bytes = chunk_bytes;
    if (o->serial)
        strcpy(b->serial, o->serial);
    b->request_cycles = o->request_cycles;
    b->sector_cycles = o->sector_cycles;

    uint64_t capacity = b->bytes / VIRTIO_BLK_SECTOR;
    memcpy(b->config + CFG_CAPACITY, &capacity, 8);
    put32(b->config + CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
    put32(b->config + CFG_BLK_SIZE, VIRTIO_BLK_SECTOR);
    b->backend = (struct virtio_backend){
        .device_id = 2,
        .features = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
                    1ULL << VIRTIO_BLK_F_FLUSH | (o->readonly ? 1ULL << VIRTIO_BLK_F_RO : 0),
        .num_queues = 1,
        .queue_num_max = VIRTIO_BLK_QUEUE_NUM_MAX,
        .config_size = CFG_SIZE,
        .read_config = read_config,
        .request = request,
        .reset = NULL,
    };
    return b;
}

void virtio_blk_close(struct virtio_blk *b)
{
    if (!b)
        return;
    /* Snapshot data, and a write cache's unflushed data (the power went): gone. */
    if (b->chunks) {
        for (uint64_t i = 0; i < (b->bytes + b->chunk_bytes - 1) / b->chunk_bytes; i++)
            free(b->chunks[i]);
        free(b->chunks);
    }
    close(b->fd);
    free(b);
}

const struct virtio_backend *virtio_blk_backend(const struct virtio_blk *b)
{
    return &b->backend;
}

uint64_t virtio_blk_sectors(const struct virtio_blk *b)
{
    return b->bytes / VIRTIO_BLK_SECTOR;
}
