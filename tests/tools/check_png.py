#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that a PNG screenshot is not blank.

  check_png.py FILE [RGB-HEX...]

Decodes the PNG (8-bit RGB or RGBA, non-interlaced, as Chromium writes its
screenshots) with zlib alone, and fails unless at least 2% of the pixels
differ from white and, for each RGB-HEX colour given, at least 200 pixels
are within 24 of it on each channel (the colour of the charts' bars).
Prints the image size and the shares it measured.
"""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    assert depth == 8 and ctype in (2, 6) and interlace == 0, f"unsupported PNG {head}"
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[f]) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main(argv):
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    w, h, bpp, rows = decode(open(argv[0], "rb").read())
    want = [tuple(int(c[i:i + 2], 16) for i in (0, 2, 4)) for c in argv[1:]]
    ink, near = 0, [0] * len(want)
    for line in rows:
        for x in range(0, w * bpp, bpp):
            px = line[x], line[x + 1], line[x + 2]
            if px != (255, 255, 255):
                ink += 1
            for k, c in enumerate(want):
                if all(abs(px[i] - c[i]) <= 24 for i in range(3)):
                    near[k] += 1
    share = ink / (w * h)
    print(f"{argv[0]}: {w}x{h}, {share:.1%} not white, " +
          ", ".join(f"#{c}: {n} px" for c, n in zip(argv[1:], near)))
    if share < 0.02:
        print("blank: less than 2% of the pixels are not white")
        return 1
    if any(n < 200 for n in near):
        print("a colour of the charts is missing")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
