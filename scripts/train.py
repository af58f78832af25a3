#!/usr/bin/python3
"""Train CIFAR-style ResNet v1 (He et al. 2016) on Fashion-MNIST and export to ONNX.

Run with Debian's python3-torch:

    /usr/bin/python3 scripts/train.py --depth 8 --epochs 15 --seed 1 --out models/

Outputs (in --out):
    resnet<depth>.onnx            opset 13, input "input" [N,1,28,28] float32,
                                  output "logits" [N,10], dynamic batch axis
    resnet<depth>.yaml            input preprocessing / dataset description
    resnet<depth>.reference.json  float logits of the first 16 test images

Architecture (6n+2 layers, n = (depth-2)/6):
    conv3x3(16) BN ReLU
    3 stages x n basic blocks, 16/32/64 filters, strides 1/2/2
        block: conv3x3 BN ReLU conv3x3 BN (+ shortcut) ReLU
        shortcut: 1x1 conv stride 2 + BN where the shape changes, identity otherwise
    global average pool, flatten, FC 10

The data are read directly from the gzipped IDX files (no torchvision).
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
N_REF = 16


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------
def read_idx(path):
    """Read a gzipped IDX file (big-endian header) into a uint8 numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: unsupported IDX header (dtype 0x{dtype:02x})")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size mismatch {arr.size} vs {dims}")
    return arr.reshape(dims)


def load_fashion_mnist(data_dir=DATA_DIR):
    xtr = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
    ytr = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))
    xte = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    yte = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz"))
    assert xtr.shape == (60000, 28, 28) and ytr.shape == (60000,)
    assert xte.shape == (10000, 28, 28) and yte.shape == (10000,)
    return xtr, ytr, xte, yte


def normalise(x_u8, mean, std):
    """uint8 [N,28,28] -> float32 [N,1,28,28], x = (pixel/255 - mean)/std.

    Exactly the preprocessing declared in the yaml file (single channel)."""
    x = x_u8.astype(np.float32) * np.float32(1.0 / 255.0)
    x = (x - np.float32(mean)) / np.float32(std)
    return torch.from_numpy(np.ascontiguousarray(x[:, None, :, :]))


def augment(xb, pad=2):
    """Random crop with `pad`-pixel zero padding (in normalised space the
    padding value is the normalised black pixel) and random horizontal flip."""
    n, c, h, w = xb.shape
    fill = float(xb.min())  # normalised value of pixel 0
    padded = F.pad(xb, (pad, pad, pad, pad), value=fill)
    dx = torch.randint(0, 2 * pad + 1, (n,))
    dy = torch.randint(0, 2 * pad + 1, (n,))
    # Gather crops with index arithmetic (vectorised).
    rows = (dy[:, None] + torch.arange(h)[None, :])  # n,h
    cols = (dx[:, None] + torch.arange(w)[None, :])  # n,w
    flip = torch.rand(n) < 0.5
    cols = torch.where(flip[:, None], cols.flip(1), cols)
    idx_n = torch.arange(n)[:, None, None]
    out = padded[:, 0][idx_n, rows[:, :, None], cols[:, None, :]]
    return out.unsqueeze(1).contiguous()


# ----------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, 0, bias=False),
                nn.BatchNorm2d(cout))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNetV1(nn.Module):
    def __init__(self, depth, num_classes=10, in_ch=1):
        super().__init__()
        if (depth - 2) % 6 != 0:
            raise ValueError("depth must be 6n+2")
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(in_ch, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers = []
        cin = 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                layers.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layers(x)
        x = self.pool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


# ----------------------------------------------------------------------------
# Train / eval
# ----------------------------------------------------------------------------
@torch.no_grad()
def evaluate(model, x, y, bs=250):
    model.eval()
    correct = 0
    loss = 0.0
    for i in range(0, x.shape[0], bs):
        out = model(x[i:i + bs])
        loss += F.cross_entropy(out, y[i:i + bs], reduction="sum").item()
        correct += (out.argmax(1) == y[i:i + bs]).sum().item()
    return loss / x.shape[0], 100.0 * correct / x.shape[0]


def fmt_float_list(v, nd=7):
    return "[" + ", ".join(f"{x:.{nd}g}" for x in v) + "]"


def write_yaml(path, name, depth, mean, std, top1, cmdline, epochs, seed, onnx_file,
               bn_folded, ops):
    lines = [
        "# Model description for the alwann C++ side. Keys (all simple scalars/lists):",
        "#   model:      ONNX file name (relative to this yaml)",
        "#   arch:       architecture name; depth = number of weight layers (6n+2)",
        "#   input:      shape [C,H,W] of one sample (batch axis N is dynamic),",
        "#               layout NCHW, name of the ONNX input tensor,",
        "#               preprocessing x = (pixel * scale - mean[c]) / std[c],",
        "#               pixel is the raw uint8 value 0..255, scale = 1/255",
        "#   output:     name of the ONNX output tensor (raw logits, no softmax)",
        "#   dataset:    training data set; classes: label index -> name",
        "#   float_top1: top-1 accuracy (%) of the float model on the 10k test set",
        "#   trained_with: command line, epochs and seed used for training",
        "#   onnx_opset, bn_folded, onnx_ops: facts about the exported graph",
        f"model: {onnx_file}",
        f"arch: resnet_v1_cifar",
        f"depth: {depth}",
        "input:",
        f"  name: input",
        f"  shape: [1, 28, 28]",
        f"  layout: NCHW",
        f"  scale: {1.0 / 255.0:.10g}",
        f"  mean: {fmt_float_list(mean, 8)}",
        f"  std: {fmt_float_list(std, 8)}",
        "output:",
        "  name: logits",
        "  shape: [10]",
        "dataset: fashion-mnist",
        "classes: [" + ", ".join(f'"{c}"' for c in CLASSES) + "]",
        f"float_top1: {top1:.2f}",
        "trained_with:",
        f"  command: \"{cmdline}\"",
        f"  epochs: {epochs}",
        f"  seed: {seed}",
        f"onnx_opset: 13",
        f"bn_folded: {'true' if bn_folded else 'false'}",
        "onnx_ops: [" + ", ".join(ops) + "]",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------
# Minimal numpy ONNX interpreter (cross-check of the exported graph; no
# onnxruntime on this machine).
# ----------------------------------------------------------------------------
def _conv_np(x, w, b, strides, pads, group=1):
    assert group == 1
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    sh, sw = strides
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (xp.shape[2] - kh) // sh + 1
    ow = (xp.shape[3] - kw) // sw + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]  # n,c,oh,ow
            out += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


def run_onnx_numpy(model, x):
    from onnx import numpy_helper
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    env[g.input[0].name] = x.astype(np.float64)
    for node in g.node:
        a = {at.name: at for at in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            strides = list(a["strides"].ints) if "strides" in a else [1, 1]
            pads = list(a["pads"].ints) if "pads" in a else [0, 0, 0, 0]
            group = a["group"].i if "group" in a else 1
            y = _conv_np(ins[0], ins[1], ins[2] if len(ins) > 2 else None, strides, pads, group)
        elif op == "BatchNormalization":
            eps = a["epsilon"].f if "epsilon" in a else 1e-5
            xx, s, bb, mu, var = ins
            r = lambda v: v[None, :, None, None]
            y = (xx - r(mu)) / np.sqrt(r(var) + eps) * r(s) + r(bb)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Add":
            y = ins[0] + ins[1]
        elif op == "GlobalAveragePool":
            y = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceMean":
            axes = tuple(a["axes"].ints)
            keep = a["keepdims"].i if "keepdims" in a else 1
            y = ins[0].mean(axis=axes, keepdims=bool(keep))
        elif op == "Flatten":
            ax = a["axis"].i if "axis" in a else 1
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            y = ins[0].reshape([int(v) for v in ins[1]])
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if "transA" in a and a["transA"].i:
                A = A.T
            if "transB" in a and a["transB"].i:
                B = B.T
            alpha = a["alpha"].f if "alpha" in a else 1.0
            beta = a["beta"].f if "beta" in a else 1.0
            y = alpha * A @ B
            if len(ins) > 2 and ins[2] is not None:
                y = y + beta * ins[2]
        elif op == "MatMul":
            y = ins[0] @ ins[1]
        elif op == "Identity":
            y = ins[0]
        else:
            raise NotImplementedError(f"numpy ONNX check: op {op}")
        env[node.output[0]] = y
    return env[g.output[0].name]


# ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--depth", type=int, choices=(8, 14, 20), default=8)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--out", default="models/")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.2, help="OneCycle max LR")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit-batches", type=int, default=0,
                    help="debug: stop each epoch after this many batches")
    ap.add_argument("--data", default=DATA_DIR)
    ap.add_argument("--time-budget", type=float, default=0, metavar="SECONDS",
                    help="train for this wall-clock time instead of a fixed number of "
                         "epochs: the one-cycle LR schedule is driven by elapsed/budget "
                         "(for a shared, overloaded CPU); --epochs is then ignored")
    ap.add_argument("--ckpt", default="",
                    help="save the model state here after every epoch")
    ap.add_argument("--export-only", default="", metavar="CKPT",
                    help="skip training: load CKPT (written by --ckpt) and export it")
    args = ap.parse_args()

    cmdline = "/usr/bin/python3 " + " ".join(sys.argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    xtr_u8, ytr_u8, xte_u8, yte_u8 = load_fashion_mnist(args.data)
    pix = xtr_u8.astype(np.float64) / 255.0
    mean = [float(pix.mean())]
    std = [float(pix.std())]
    del pix
    print(f"train {xtr_u8.shape} test {xte_u8.shape} mean {mean[0]:.6f} std {std[0]:.6f}",
          flush=True)
    xtr = normalise(xtr_u8, mean[0], std[0])
    xte = normalise(xte_u8, mean[0], std[0])
    ytr = torch.from_numpy(ytr_u8.astype(np.int64))
    yte = torch.from_numpy(yte_u8.astype(np.int64))

    model = ResNetV1(args.depth)
    nparams = sum(p.numel() for p in model.parameters())
    print(f"ResNet-{args.depth}: {nparams} parameters", flush=True)

    # No weight decay on BN parameters and biases (common practice).
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=args.lr, momentum=0.9, nesterov=True)
    n_train = xtr.shape[0]
    steps_per_epoch = math.ceil(n_train / args.batch)
    if args.limit_batches:
        steps_per_epoch = min(steps_per_epoch, args.limit_batches)
    sched = None
    if not args.time_budget:
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
            pct_start=0.25, div_factor=20.0, final_div_factor=200.0)

    if args.time_budget:
        # Same shape as OneCycleLR (cos warm-up over 25 %, cos anneal) but driven by
        # the fraction of the time budget used; momentum constant 0.9.
        lr_lo, lr_end = args.lr / 20.0, args.lr / 20.0 / 200.0

        def lr_at(p):
            def cos_ann(a, b, t):
                return b + (a - b) * 0.5 * (1.0 + math.cos(math.pi * t))
            if p < 0.25:
                return cos_ann(lr_lo, args.lr, p / 0.25)
            return cos_ann(args.lr, lr_end, min(1.0, (p - 0.25) / 0.75))
        for g in opt.param_groups:
            g["lr"] = lr_lo

    gen = torch.Generator().manual_seed(args.seed)
    t_start = time.time()
    top1 = 0.0
    epochs_to_run = 10 ** 6 if args.time_budget else args.epochs
    steps_done = 0
    time_up = False
    if args.export_only:
        ck = torch.load(args.export_only)
        model.load_state_dict(ck["model"])
        print(f"loaded {args.export_only}: epoch {ck['epoch']}/{ck['epochs']}", flush=True)
        epochs_to_run = 0
        args.epochs = ck["epoch"]
        cmdline = ck["cmdline"] + f" (exported after epoch {ck['epoch']} of {ck['epochs']})"
    for epoch in range(epochs_to_run):
        model.train()
        t0 = time.time()
        perm = torch.randperm(n_train, generator=gen)
        tot_loss, tot_correct, tot_n = 0.0, 0, 0
        for step in range(steps_per_epoch):
            idx = perm[step * args.batch:(step + 1) * args.batch]
            xb = augment(xtr[idx])
            yb = ytr[idx]
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            steps_done += 1
            if sched is not None:
                sched.step()
            else:
                p = (time.time() - t_start) / args.time_budget
                if p >= 1.0:
                    time_up = True
                for g in opt.param_groups:
                    g["lr"] = lr_at(p)
            tot_loss += loss.item() * yb.shape[0]
            tot_correct += (out.argmax(1) == yb).sum().item()
            tot_n += yb.shape[0]
            if time_up:
                break
        t_train = time.time() - t0
        te_loss, top1 = evaluate(model, xte, yte)
        cur_lr = opt.param_groups[0]["lr"]
        print(f"epoch {epoch + 1:3d}/{'?' if args.time_budget else args.epochs} "
              f"lr {cur_lr:.4f} steps {steps_done} "
              f"train loss {tot_loss / tot_n:.4f} acc {100.0 * tot_correct / tot_n:.2f} | "
              f"test loss {te_loss:.4f} top1 {top1:.2f} | "
              f"epoch {t_train:.1f}s (+eval {time.time() - t0 - t_train:.1f}s) "
              f"total {time.time() - t_start:.0f}s", flush=True)
        if args.ckpt:
            torch.save({"model": model.state_dict(), "epoch": epoch + 1,
                        "epochs": args.epochs, "cmdline": cmdline}, args.ckpt + ".tmp")
            os.replace(args.ckpt + ".tmp", args.ckpt)
        if time_up:
            break
    if args.time_budget and not args.export_only:
        args.epochs = round(steps_done / steps_per_epoch, 2)
        cmdline += f" ({steps_done} steps = {args.epochs} epochs in the time budget)"

    # ------------------------------------------------------------------ export
    model.eval()
    _, top1 = evaluate(model, xte, yte)
    os.makedirs(args.out, exist_ok=True)
    name = f"resnet{args.depth}"
    onnx_path = os.path.join(args.out, name + ".onnx")
    dummy = xte[:2].clone()
    torch.onnx.export(model, dummy, onnx_path, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})

    import onnx
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    ops = []
    for node in m.graph.node:
        if node.op_type not in ops:
            ops.append(node.op_type)
    counts = {op: sum(1 for nd in m.graph.node if nd.op_type == op) for op in ops}
    bn_folded = "BatchNormalization" not in ops
    print(f"ONNX ok: {onnx_path} ({os.path.getsize(onnx_path)} bytes), opset "
          f"{m.opset_import[0].version}, ops {counts}, BN folded: {bn_folded}", flush=True)

    # Reference logits of the first 16 test images, from the normalised input.
    with torch.no_grad():
        ref_in = xte[:N_REF]
        ref_logits = model(ref_in).double().numpy()
    onnx_logits = run_onnx_numpy(m, ref_in.numpy())
    max_diff = float(np.abs(onnx_logits - ref_logits).max())
    print(f"numpy ONNX interpreter vs torch: max |diff| = {max_diff:.3e}", flush=True)
    if max_diff > 1e-3:
        raise SystemExit("ONNX graph does not reproduce the torch logits")

    ref = {
        "model": name + ".onnx",
        "images": list(range(N_REF)),
        "labels": [int(v) for v in yte_u8[:N_REF]],
        "logits": [[float(f"{v:.7g}") for v in row] for row in ref_logits],
        "predictions": [int(v) for v in ref_logits.argmax(1)],
        "float_top1": round(top1, 2),
        "preprocessing": "x = (pixel/255 - mean)/std, see " + name + ".yaml",
    }
    # One logits row per line: readable and easy to diff.
    with open(os.path.join(args.out, name + ".reference.json"), "w") as f:
        parts = []
        for k, v in ref.items():
            if k == "logits":
                rows = ",\n    ".join(json.dumps(r) for r in v)
                parts.append(f'  "logits": [\n    {rows}\n  ]')
            else:
                parts.append(f"  {json.dumps(k)}: {json.dumps(v)}")
        f.write("{\n" + ",\n".join(parts) + "\n}\n")

    write_yaml(os.path.join(args.out, name + ".yaml"), name, args.depth, mean, std, top1,
               cmdline, args.epochs, args.seed, name + ".onnx", bn_folded, ops)
    print(f"done: float top1 {top1:.2f} %, total time {time.time() - t_start:.0f}s",
          flush=True)


if __name__ == "__main__":
    main()
