#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, fuzz/corpus/<target>/, small valid inputs each.

Run from anywhere: python3 fuzz/make_seeds.py. The output is deterministic and committed; rerun
it when a target's input format changes.
"""
import gzip
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"


def write(target, name, data):
    path = ROOT / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


# csv_reader: target column "y" (read_csv) and features a, b with passthrough y (CsvRowReader).
write("csv_reader", "regression.csv", "a,b,y\n1,2.5,0.5\n-3,4e2,1.25\n0.125,-1e-3,7\n")
write("csv_reader", "classes.csv", "a,b,y\n1,2,cat\n3,4,dog\n5,6,cat\n")
write("csv_reader", "quoted_crlf.csv", 'a,b,y\r\n1,2,"x, ""quoted"""\r\n3,4,plain\r\n')
write("csv_reader", "bom_semicolon.csv", "\ufeffa;b;y\n1;2;0\n3;4;1\n")
write("csv_reader", "integer_classes_tab.csv", "y\ta\tb\n0\t1\t1\n1\t2\t2\n2\t3\t3\n\n")


# idx_reader: magic 0x00000801 (rank 1) / 0x00000803 (rank 3), unsigned bytes, big-endian dims.
def idx(dims, values):
    return struct.pack(">I", 0x800 + len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)


write("idx_reader", "labels-idx1-ubyte", idx([4], [0, 1, 2, 1]))
write("idx_reader", "images-idx3-ubyte", idx([2, 3, 3], range(18)))
write("idx_reader", "images-idx3-ubyte.gz", gzip.compress(idx([1, 2, 2], [0, 64, 128, 255]), mtime=0))


# checkpoint: an Adam checkpoint of w [3, 4], c [2] (group 0) and b [5] (group 1), F64, without
# descent's checksums (the target checks them only when present, so mutations go deeper).
def safetensors(tensors, metadata):
    header, data = {}, b""
    for name, shape, values in tensors:
        raw = struct.pack("<%dd" % len(values), *values)
        header[name] = {"dtype": "F64", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


layout = [("w", [3, 4], 0), ("c", [2], 0), ("b", [5], 1)]
tensors = []
for prefix, scale in (("param/", 0.5), ("state/exp_avg/", -0.01), ("state/exp_avg_sq/", 0.001)):
    for name, shape, _ in layout:
        n = 1
        for d in shape:
            n *= d
        tensors.append((prefix + name, shape, [scale * (k + 1) for k in range(n)]))
group = {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
         "maximize": False, "step": 1}
metadata = {
    "optimizer": "adam",
    "optimizer.groups": json.dumps([group, group]),
    "optimizer.buffers": json.dumps(["exp_avg", "exp_avg_sq"]),
    "params": json.dumps([{"name": n, "shape": s, "group": g} for n, s, g in layout]),
    "dtype": "F64",
}
write("checkpoint", "adam.safetensors", safetensors(tensors, metadata))
write("checkpoint", "empty.safetensors", safetensors([], {"format": "x"}))

# run_config: TOML run configurations.
write("run_config", "small.toml", """[data]
path = "synthetic:blobs"
samples = 200

[model]
spec = "mlp:16,8"

[optimizer]
name = "adam"
lr = 0.01
betas = [0.9, 0.99]

[schedule]
name = "cosine"
T_max = 10

[train]
epochs = 5
batch_size = 32
early_stopping = 2
min_delta = 1e-4
""")
write("run_config", "regularized.toml", """[optimizer]
name = "sgd"
lr = 0.1
momentum = 0.9
nesterov = true

[regularization]
l2 = 0.001

[output]
dir = "runs/x"
""")

# options_json: optimizer specs as --optimizer takes them.
write("options_json", "adamw.json", '{"name":"adamw","lr":0.001,"weight_decay":0.01}')
write("options_json", "sgd_groups.json",
      '{"name":"sgd","lr":0.1,"momentum":0.9,"groups":[{},{"lr":0.01,"dampening":0.1}]}')
write("options_json", "rmsprop.json", '{"name":"rmsprop","lr":0.01,"centered":true,"momentum":0.5}')
write("options_json", "lbfgs.json", '{"name":"lbfgs","lr":1,"history_size":5,"line_search_fn":"strong_wolfe"}')
write("options_json", "name_only.json", "adam")
