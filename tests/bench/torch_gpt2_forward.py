#!/usr/bin/python3
"""The eager PyTorch GPT-2 forward that `attnviz bench --model` is compared with.

Written by hand (no transformers), the way transformers' GPT2Model computes it
in eager mode with output_attentions=True: every layer's and head's attention
map is materialised and kept (what bertviz asks for). Logits are computed for
the last position only, as attnviz does (GPT2LMHeadModel would compute them
for all N positions, which costs PyTorch more). Reads the same model.safetensors.

  attnviz bench --model DIR --n 64,256,1024 --dump /tmp/ids.jsonl
  python3 tests/bench/torch_gpt2_forward.py DIR /tmp/ids.jsonl --threads 1,2 --runs 5

Prints one JSON object per (n, threads), and checks the sanity of the
comparison: the same 10 most likely next tokens as attnviz, and the largest
difference of their probabilities. Benchmark-only: needs python3-torch
(third_party/debian-packages-bench.txt), never a test dependency.
"""
import argparse, json, math, resource, struct, time

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    raw = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, e in header.items():
        if name == "__metadata__" or e["dtype"] not in DTYPES:
            continue
        b, end = e["data_offsets"]
        buf = raw[b:end]
        if e["dtype"] == "BF16":  # numpy has no bfloat16: widen the 16 bits by hand
            t = torch.from_numpy((buf.view(np.uint16).astype(np.uint32) << 16).view(np.float32).copy())
        else:
            t = torch.from_numpy(buf.view(DTYPES[e["dtype"]]).astype(np.float32))
        out[name.removeprefix("transformer.")] = t.reshape(e["shape"])
    return out


def forward(W, cfg, ids):
    D, H, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg.get("layer_norm_epsilon", 1e-5)
    N, dk = len(ids), D // H
    x = W["wte.weight"][ids] + W["wpe.weight"][:N]
    causal = torch.ones(N, N, dtype=torch.bool).tril()
    maps = []
    for l in range(L):
        p = f"h.{l}."
        a = F.layer_norm(x, (D,), W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        q, k, v = torch.addmm(W[p + "attn.c_attn.bias"], a, W[p + "attn.c_attn.weight"]).split(D, dim=1)
        q, k, v = (t.view(N, H, dk).transpose(0, 1) for t in (q, k, v))  # (H, N, dk)
        s = (q @ k.transpose(1, 2)) / math.sqrt(dk)
        w = torch.softmax(s.masked_fill(~causal, float("-inf")), dim=-1)  # (H, N, N), kept
        maps.append(w)
        o = (w @ v).transpose(0, 1).reshape(N, D)
        x = x + torch.addmm(W[p + "attn.c_proj.bias"], o, W[p + "attn.c_proj.weight"])
        m = F.layer_norm(x, (D,), W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        h = F.gelu(torch.addmm(W[p + "mlp.c_fc.bias"], m, W[p + "mlp.c_fc.weight"]), approximate="tanh")
        x = x + torch.addmm(W[p + "mlp.c_proj.bias"], h, W[p + "mlp.c_proj.weight"])
    last = F.layer_norm(x[-1:], (D,), W["ln_f.weight"], W["ln_f.bias"], eps)
    probs = torch.softmax(last @ W.get("lm_head.weight", W["wte.weight"]).T, dim=-1)[0]
    return probs, maps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir")
    ap.add_argument("ids", help="JSON lines written by attnviz bench --model DIR --dump FILE")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--n", type=int, default=0, help="only the text of this many tokens")
    args = ap.parse_args()
    cfg = json.load(open(f"{args.model_dir}/config.json"))
    W = load_safetensors(f"{args.model_dir}/model.safetensors")
    for line in open(args.ids):
        case = json.loads(line)
        if args.n and case["n"] != args.n:
            continue
        ids = torch.tensor(case["ids"])
        for threads in (int(t) for t in args.threads.split(",")):
            torch.set_num_threads(threads)
            times, cpu = [], []
            with torch.inference_mode():
                for run in range(args.warmup + args.runs):
                    c0, t0 = time.process_time(), time.perf_counter()
                    probs, maps = forward(W, cfg, ids)
                    dt, dc = (time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3
                    if run >= args.warmup:
                        times.append(dt)
                        cpu.append(dc)
                    del maps
            ours = case["next_token"]
            top = torch.topk(probs, len(ours))
            same = [int(i) for i in top.indices] == [t["id"] for t in ours]
            diff = max(abs(float(probs[t["id"]]) - t["prob"]) for t in ours)
            print(json.dumps({"impl": "torch-eager", "torch": torch.__version__, "n": len(case["ids"]),
                              "layers": cfg["n_layer"], "heads": cfg["n_head"], "threads": threads,
                              "runs": args.runs, "median_ms": round(float(np.median(times)), 2),
                              "min_ms": round(min(times), 2), "cpu_median_ms": round(float(np.median(cpu)), 2),
                              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                              "same_top10_as_attnviz": same, "max_top10_prob_diff": diff}), flush=True)


if __name__ == "__main__":
    main()
