/* Path lookup: absolute paths, components separated by one or more '/', "." and ".." resolved
 * through the directories' own entries. */
#include "internal.h"

bool name_is_dot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

static int check_path(const char *path)
{
    if (!path || path[0] != '/')
        return -EINVAL;
    for (size_t n = 0; path[n]; n++)
        if (n >= FS_PATH_MAX)
            return -ENAMETOOLONG;
    return 0;
}

/* Step from directory *ino into component name[0..len). */
static int step(struct fs *fs, uint32_t *ino, const char *name, size_t len)
{
    if (len > FS_NAME_MAX)
        return -ENAMETOOLONG;
    struct fs_dinode dp;
    int rc = inode_read(fs, *ino, &dp);
    if (rc < 0)
        return rc;
    if ((dp.mode & FS_S_IFMT) != FS_S_IFDIR)
        return -ENOTDIR;
    return dir_lookup(fs, *ino, &dp, name, len, ino, NULL);
}

int path_lookup(struct fs *fs, const char *path, uint32_t *ino)
{
    int rc = check_path(path);
    if (rc < 0)
        return rc;
    uint32_t cur = FS_ROOT_INO;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = p;
        while (*end && *end != '/')
            end++;
        rc = step(fs, &cur, p, (size_t)(end - p));
        if (rc < 0)
            return rc;
        p = end;
    }
    /* "/a/file/" names a directory: a trailing slash on a file is ENOTDIR. */
    size_t n = strlen(path);
    if (n > 1 && path[n - 1] == '/') {
        struct fs_dinode ip;
        rc = inode_read(fs, cur, &ip);
        if (rc < 0)
            return rc;
        if ((ip.mode & FS_S_IFMT) != FS_S_IFDIR)
            return -ENOTDIR;
    }
    *ino = cur;
    return 0;
}

int path_parent(struct fs *fs, const char *path, uint32_t *parent, char *name, size_t *len)
{
    int rc = check_path(path);
    if (rc < 0)
        return rc;
    /* The last component: skip trailing slashes, then back to the previous slash. */
    size_t end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    if (end == 0)
        return -EBUSY;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end - start > FS_NAME_MAX)
        return -ENAMETOOLONG;
    uint32_t cur = FS_ROOT_INO;
    size_t i = 0;
    while (i < start) {
        while (i < start && path[i] == '/')
            i++;
        if (i >= start)
            break;
        size_t j = i;
        while (j < start && path[j] != '/')
            j++;
        rc = step(fs, &cur, path + i, j - i);
        if (rc < 0)
            return rc;
        i = j;
    }
    struct fs_dinode dp;
    rc = inode_read(fs, cur, &dp);
    if (rc < 0)
        return rc;
    if ((dp.mode & FS_S_IFMT) != FS_S_IFDIR)
        return -ENOTDIR;
    memcpy(name, path + start, end - start);
    name[end - start] = '\0';
    *len = end - start;
    *parent = cur;
    return 0;
}
