#!/bin/sh
# The xpcfs host tools end to end on real image files: xpcfs-mkfs, xpcfs-fsck, xpcfs.
# Usage: tools.sh TOOLS_DIR   (where xpcfs-mkfs, xpcfs-fsck and xpcfs are)
set -u
T=${1:?usage: tools.sh TOOLS_DIR}
MKFS=$T/xpcfs-mkfs FSCK=$T/xpcfs-fsck XPCFS=$T/xpcfs
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0

# check NAME WANTED_STATUS COMMAND...: run, compare the exit status; output in $W/out.
check() {
    name=$1 want=$2
    shift 2
    "$@" >"$W/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name: exit $got, want $want"
        sed 's/^/    /' "$W/out"
    fi
}
# says NAME TEXT: the last command's output contains TEXT.
says() {
    if grep -q -- "$2" "$W/out"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $1: output lacks '$2':"
        sed 's/^/    /' "$W/out"
    fi
}

for tool in "$MKFS" "$FSCK" "$XPCFS"; do
    check "$(basename "$tool") --help" 0 "$tool" --help
    says "$(basename "$tool") --help" "usage:"
done

IMG=$W/disk.img
check "mkfs makes an image" 0 "$MKFS" -s 8M "$IMG"
says "mkfs reports the size" "2048 blocks"
check "fsck: a new image is clean" 0 "$FSCK" "$IMG"
says "fsck says clean" "clean"

head -c 3000000 /dev/urandom >"$W/random.bin"
printf 'hello from the host\n' >"$W/hello.txt"
check "mkdir -p" 0 "$XPCFS" "$IMG" mkdir -p /docs/deep/er
check "cp host to image" 0 "$XPCFS" "$IMG" cp "$W/random.bin" :/docs/random.bin
check "put" 0 "$XPCFS" "$IMG" put "$W/hello.txt" /docs/deep/hello.txt
check "cat" 0 "$XPCFS" "$IMG" cat /docs/deep/hello.txt
says "cat prints the file" "hello from the host"
check "cp image to host" 0 "$XPCFS" "$IMG" cp :/docs/random.bin "$W/back.bin"
check "the copy is exact" 0 cmp "$W/random.bin" "$W/back.bin"
check "ls -l" 0 "$XPCFS" "$IMG" ls -l /docs
says "ls shows the file and its size" "3000000  random.bin"
says "ls shows the directory" "deep"
check "mv" 0 "$XPCFS" "$IMG" mv /docs/deep/hello.txt /hello.txt
check "get after mv" 0 "$XPCFS" "$IMG" get /hello.txt "$W/hello.back"
check "get is exact" 0 cmp "$W/hello.txt" "$W/hello.back"
check "stat" 0 "$XPCFS" "$IMG" stat /docs/random.bin
says "stat shows the size" "size 3000000"
check "df" 0 "$XPCFS" "$IMG" df
says "df shows free blocks" "free"
check "fsck after use" 0 "$FSCK" "$IMG"
check "rmdir of a non-empty directory" 1 "$XPCFS" "$IMG" rmdir /docs
says "rmdir names the error" "ENOTEMPTY"
check "rm" 0 "$XPCFS" "$IMG" rm /docs/random.bin
check "rmdir" 0 "$XPCFS" "$IMG" rmdir /docs/deep/er
check "cat of a missing file" 1 "$XPCFS" "$IMG" cat /docs/random.bin
says "cat names the error" "ENOENT"
check "unknown command" 2 "$XPCFS" "$IMG" frobnicate
check "cp with no image side" 2 "$XPCFS" "$IMG" cp a b
check "fsck after removals" 0 "$FSCK" "$IMG"

# Bad input to the tools.
check "mkfs: bad size" 16 "$MKFS" -s 12Q "$W/x.img"
check "mkfs: too small" 8 "$MKFS" -s 1M "$W/small.img"
says "mkfs says why" "too small"
check "mkfs: no image named" 16 "$MKFS"
check "fsck: no image named" 16 "$FSCK"
check "fsck: missing file" 8 "$FSCK" "$W/none.img"
head -c 4194304 /dev/zero >"$W/zero.img"
check "fsck: not an image" 4 "$FSCK" "$W/zero.img"
says "fsck says what it is not" "not an xpcfs image"
check "xpcfs: not an image" 1 "$XPCFS" "$W/zero.img" ls /
says "xpcfs says why it cannot mount" "cannot mount"
check "mkfs formats an existing file" 0 "$MKFS" "$W/zero.img"
check "fsck: now clean" 0 "$FSCK" "$W/zero.img"

# Damage: a byte of the inode table (block 4 of the table holds no inode in use).
inode_start=$(od -An -t u4 -j 52 -N 4 "$IMG" | tr -d ' ')
printf '\377' | dd of="$IMG" bs=1 seek=$((inode_start * 4096 + 4 * 4096 + 100)) conv=notrunc 2>/dev/null
check "fsck finds a damaged inode" 4 "$FSCK" "$IMG"
says "fsck says which" "checksum mismatch"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
