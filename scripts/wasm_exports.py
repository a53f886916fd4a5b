#!/usr/bin/env python3
"""Fail unless a wasm module exports every function named on the command line.

Usage: wasm_exports.py <file.wasm> <export>...  (reads the export section, id 7)
"""
import sys


def leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def exports(path):
    data = open(path, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"{path}: not a wasm module")
    i, names = 8, set()
    while i < len(data):
        section, i = data[i], i + 1
        size, i = leb(data, i)
        if section == 7:
            j = i
            count, j = leb(data, j)
            for _ in range(count):
                length, j = leb(data, j)
                names.add(data[j : j + length].decode())
                j += length + 1  # name, then the kind byte
                _, j = leb(data, j)  # the index
        i += size
    return names


if __name__ == "__main__":
    path, wanted = sys.argv[1], sys.argv[2:]
    missing = [w for w in wanted if w not in exports(path)]
    if missing:
        sys.exit(f"error: {path} does not export {', '.join(missing)} (built as a library?)")
