#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets (Corpus/<target>/): small valid files and a few
# slightly broken ones. Needs clang, libjpeg-turbo and python3. The files are committed; rerun
# only to change them.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf Corpus && mkdir -p Corpus/{PNG,JPEG,SafeTensors,RAFDB,FERPlus,AffectNet}
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
clang -o "$work/make-jpeg-seeds" make-jpeg-seeds.c -lturbojpeg && "$work/make-jpeg-seeds"
python3 - <<'PY'
import json, struct, os
def put(path, data):
    with open(path, "wb") as f: f.write(data)

import zlib
def png(path, width, height, colour, depth, rows, palette=None, interlaced=False):
    # rows: the filtered scanlines (filter byte first), already in the file's layout.
    def chunk(kind, body): return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, int(interlaced)))
    if palette: out += chunk(b"PLTE", palette) + chunk(b"tRNS", b"\x80")
    put(path, out + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
W, H = 8, 6
def lines(bytes_per_row, value, filt=0): return b"".join(bytes([filt]) + bytes(value(x, y) % 256 for x in range(bytes_per_row)) for y in range(H))
png("Corpus/PNG/rgb.png", W, H, 2, 8, lines(3 * W, lambda x, y: x * 30 + y * 7))
png("Corpus/PNG/grey-paeth.png", W, H, 0, 8, lines(W, lambda x, y: x + y, filt=4))
png("Corpus/PNG/palette.png", W, H, 3, 4, lines(W // 2, lambda x, y: 0x12 if y % 2 else 0x01), palette=b"\x00\x00\x00\xff\x00\x00\x00\xff\x00")
png("Corpus/PNG/rgb16-sub.png", W, H, 2, 16, lines(6 * W, lambda x, y: x * 11 + y, filt=1))
png("Corpus/PNG/rgba-up.png", W, H, 6, 8, lines(4 * W, lambda x, y: x * 3 + y, filt=2))
png("Corpus/PNG/grey-alpha-average.png", W, H, 4, 8, lines(2 * W, lambda x, y: x * 9, filt=3))
png("Corpus/PNG/grey1bit.png", W, H, 0, 1, lines(1, lambda x, y: 0xA5 >> y))
# Adam7 of an 8x6 grey image: passes 1-7 have (1x1, 1x1, 2x1, 2x2, 4x1, 4x3, 8x3) pixels.
adam7 = b"".join(bytes([0]) + bytes(range(n)) for w, h in [(1, 1), (1, 1), (2, 1), (2, 2), (4, 1), (4, 3), (8, 3)] for n in [w] * h)
png("Corpus/PNG/interlaced.png", W, H, 0, 8, adam7, interlaced=True)
for kind in ["PNG", "JPEG"]:
    folder = f"Corpus/{kind}"
    for name in sorted(os.listdir(folder))[:2]:
        data = open(os.path.join(folder, name), "rb").read()
        stem, ext = os.path.splitext(name)
        put(os.path.join(folder, f"{stem}-truncated{ext}"), data[: len(data) * 2 // 3])
        flipped = bytearray(data); flipped[len(data) // 2] ^= 0x55
        put(os.path.join(folder, f"{stem}-flipped{ext}"), bytes(flipped))

# safetensors: 8-byte little-endian header length, JSON header, data.
def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata: header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data
f32 = struct.pack("<6f", *range(6))
put("Corpus/SafeTensors/f32.safetensors", safetensors([("a", "F32", [2, 3], f32), ("b.c", "F32", [], struct.pack("<f", 7))], {"format": "pt"}))
put("Corpus/SafeTensors/dtypes.safetensors", safetensors([
    ("f64", "F64", [2], struct.pack("<2d", 1.5, -2)), ("f16", "F16", [2], b"\x00\x3c\x00\xc0"),
    ("bf16", "BF16", [2], b"\x80\x3f\x00\xc0"), ("i64", "I64", [1], struct.pack("<q", -3)),
    ("i32", "I32", [1], struct.pack("<i", 9)), ("u8", "U8", [3], b"\x01\x02\x03"), ("bool", "BOOL", [2], b"\x00\x01"),
    ("empty", "F32", [0, 4], b""), ("f8", "F8_E4M3", [1], b"\x38")]))
overlap = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
put("Corpus/SafeTensors/overlap.safetensors", struct.pack("<Q", len(overlap)) + overlap + b"\0" * 8)
put("Corpus/SafeTensors/huge-shape.safetensors", safetensors([("a", "F32", [4611686018427387904, 4], b"")]))
put("Corpus/SafeTensors/escapes.safetensors", safetensors([("\u00e9\\\"\n", "F32", [1], f32[:4])], {"k": "\ud83d\ude00"}))
data = open("Corpus/SafeTensors/f32.safetensors", "rb").read()
put("Corpus/SafeTensors/f32-truncated.safetensors", data[:-3])

# RAF-DB label lists (images exist for train_00001, train_00002, test_0001, test_0002).
put("Corpus/RAFDB/valid.txt", b"train_00001.jpg 5\ntrain_00002.jpg 1\ntest_0001.jpg 7\ntest_0002.jpg 4\n")
put("Corpus/RAFDB/crlf-tabs-blank.txt", b"train_00001.jpg\t3\r\n\r\ntrain_00002.jpg  2\r\ntest_0001.jpg 6\r\n")
put("Corpus/RAFDB/label-out-of-range.txt", b"train_00001.jpg 8\ntest_0001.jpg 0\n")
put("Corpus/RAFDB/missing-image.txt", b"train_00003.jpg 1\ntest_0001.jpg 1\n")
put("Corpus/RAFDB/duplicate.txt", b"train_00001.jpg 1\ntrain_00001.jpg 2\ntest_0001.jpg 1\n")

# FERPlus: fer2013.csv, NUL, fer2013new.csv.
def pixels(seed): return " ".join(str((seed * 37 + i * 11) % 256) for i in range(48 * 48))
pix = "emotion,pixels,Usage\n" + "".join(f"{i % 7},{pixels(i)},{u}\n" for i, u in enumerate(["Training", "PrivateTest", "PublicTest"]))
votes = "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n" + \
    "Training,fer0000000.png,4,0,0,0,6,0,0,0,0,0\nPrivateTest,fer0000001.png,0,10,0,0,0,0,0,0,0,0\nPublicTest,fer0000002.png,0,0,0,0,0,0,0,0,0,10\n"
put("Corpus/FERPlus/valid.csv", pix.encode() + b"\0" + votes.encode())
put("Corpus/FERPlus/tie-and-unknown.csv", pix.encode() + b"\0" + votes.replace("4,0,0,0,6", "5,0,0,0,5").replace("0,10,0,0,0,0,0,0,0,0", "0,0,0,0,0,0,0,0,5,5").encode())
put("Corpus/FERPlus/short-row.csv", pix.replace("PrivateTest", "PrivateTest\n1,3 4 5,Training").encode() + b"\0" + votes.encode())
put("Corpus/FERPlus/quoted-bom.csv", ("\ufeff" + pix.replace(",Training", ',"Training"')).encode() + b"\0" + votes.replace("\n", "\r\n").encode())

# AffectNet: training.csv, NUL, validation.csv (images 1/a.jpg, 1/b.png, 2/c.jpg, 8x6 pixels).
head = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal\n"
def row(path, box, expression): return f'{path},{box},"1.0;2.0;3.0",{expression},0.5,-0.25\n'
put("Corpus/AffectNet/valid.csv", (head + row("1/a.jpg", "1,1,4,3", 1) + row("1/b.png", "0,0,8,6", 7) + row("2/c.jpg", "2,2,2,2", 9)).encode()
    + b"\0" + (head + row("2/c.jpg", "0,0,8,6", 0) + row("1/a.jpg", "0,0,8,6", 3)).encode())
put("Corpus/AffectNet/box-outside.csv", (head + row("1/a.jpg", "100,100,4,3", 1)).encode() + b"\0" + (head + row("2/c.jpg", "-5,-5,2,2", 0)).encode())
put("Corpus/AffectNet/bad-rows.csv", (head + row("1/a.jpg", "1,1,0,3", 1) + row("9/z.jpg", "1,1,4,3", 11)).encode() + b"\0" + head.encode())
put("Corpus/AffectNet/contempt-only.csv", (head + row("1/a.jpg", "1,1,4,3", 7)).encode() + b"\0" + (head + row("1/b.png", "1,1,4,3", 7)).encode())
PY
ls Corpus/*; du -sh Corpus
