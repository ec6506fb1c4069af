#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright The assay Authors
#
# make_ndb.py OUT BLOB...
# Writes an rpm ndb `Packages.db` holding the given header blobs (package index 1, 2, ... in the
# order given), following the layout rpm's ndb backend (lib/backend/ndb/rpmpkg.c) writes:
#   file header (32 bytes, little-endian words): "RpmP", version 0, generation, slot page count,
#     next package index;
#   slot pages (4096 bytes each; the first two 16-byte slots of page 0 are the file header):
#     slots of "Slot", package index, block offset, block count (blocks are 16 bytes; 0 = free);
#   blobs at block offsets after the slot pages: "BlbS", package index, timestamp, length, the
#     blob, zero padding to a block boundary, then adler32 (of head + blob + padding), length, "BlbE".
# Debian's rpm 4.18 is built without ndb, so this stands in for `rpm --define '_db_backend ndb'`.
import struct
import sys
import zlib

PAGE, SLOT, BLK = 4096, 16, 16
TSTAMP = 1700000000  # fixed so the output is reproducible


def main():
    out, paths = sys.argv[1], sys.argv[2:]
    blobs = [open(p, 'rb').read() for p in paths]
    slotnpages = 1
    body = bytearray()
    slots = []
    blkoff = slotnpages * PAGE // BLK
    for idx, blob in enumerate(blobs, start=1):
        blkcnt = (16 + len(blob) + 12 + BLK - 1) // BLK
        head = struct.pack('<4sIII', b'BlbS', idx, TSTAMP, len(blob))
        pad = bytes(blkcnt * BLK - (16 + len(blob) + 12))
        adler = zlib.adler32(head + blob + pad)
        body += head + blob + pad + struct.pack('<II4s', adler, len(blob), b'BlbE')
        slots.append((idx, blkoff, blkcnt))
        blkoff += blkcnt
    page = bytearray()
    page += struct.pack('<4sIIII12x', b'RpmP', 0, 2 * len(blobs) + 1, slotnpages, len(blobs) + 1)
    for n in range(2, PAGE // SLOT):
        idx, off, cnt = slots[n - 2] if n - 2 < len(slots) else (0, 0, 0)
        page += struct.pack('<4sIII', b'Slot', idx, off, cnt)
    assert len(page) == PAGE
    with open(out, 'wb') as f:
        f.write(page + body)


if __name__ == '__main__':
    main()
