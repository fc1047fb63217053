#!/usr/bin/python3
"""Writes safetensors files with Python's struct + json only (no safetensors library), to check
that descent reads files written by another implementation of the format:

  tests/golden/safetensors_python.safetensors        with descent's CRC-32 fields (zlib.crc32),
                                                       JSON with spaces, keys in sorted order
  tests/golden/safetensors_python_plain.safetensors  without checksums (a foreign file)
  tests/golden/safetensors.json                       the tensors and metadata they hold
"""
import json
import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden")

FORMATS = {"F32": "f", "F64": "d", "I64": "q"}
TENSORS = [  # (name, dtype, shape, values); data laid out in this order
    ("layer.weight", "F32", [2, 3], [0.1, -2.5, 3.0e-8, 1.0e30, -0.0, 7.0]),
    ("layer.bias", "F32", [3], [1.0 / 3.0, math.pi, -1e-40]),
    ("state/exp_avg/x", "F64", [2, 2], [1.0 / 3.0, -math.e, 5e-324, 1.7976931348623157e308]),
    ("scalar", "F64", [], [42.5]),
    ("empty", "F64", [0, 4], []),
    ("steps", "I64", [3], [-(2**63), 2**63 - 1, 7]),
]
METADATA = {"optimizer": "adam", "note": "written by tools/golden/safetensors.py"}


def build(with_checksums):
    header, data = {}, b""
    for name, dtype, shape, values in TENSORS:
        raw = struct.pack("<%d%s" % (len(values), FORMATS[dtype]), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    meta = dict(METADATA)
    if with_checksums:
        meta["descent.data_crc32"] = "%08x" % zlib.crc32(data)
        meta["descent.header_crc32"] = "00000000"
    header["__metadata__"] = meta
    text = json.dumps(header, sort_keys=True).encode()  # default separators: ", " and ": "
    text += b" " * ((8 - len(text) % 8) % 8)
    prefix = struct.pack("<Q", len(text))
    if with_checksums:  # CRC-32 of prefix + header with the field's digits as zeros
        crc = "%08x" % zlib.crc32(prefix + text)
        text = text.replace(b'"descent.header_crc32": "00000000"',
                            b'"descent.header_crc32": "' + crc.encode() + b'"')
    return prefix + text + data


def expected():
    tensors = {}
    for name, dtype, shape, values in TENSORS:
        if dtype == "F32":  # the values as stored: rounded to float32
            values = [struct.unpack("<f", struct.pack("<f", v))[0] for v in values]
        tensors[name] = {"dtype": dtype, "shape": shape, "values": values}
    return {"tensors": tensors, "order": [t[0] for t in TENSORS], "metadata": METADATA}


for suffix, checksums in (("", True), ("_plain", False)):
    with open(os.path.join(OUT, "safetensors_python%s.safetensors" % suffix), "wb") as f:
        f.write(build(checksums))
with open(os.path.join(OUT, "safetensors.json"), "w") as f:
    json.dump(expected(), f)
