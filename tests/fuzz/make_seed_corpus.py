#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/ (committed; rerun to
change them). Seeds are small valid inputs plus near-misses, so the fuzzer
starts past the first checks of each parser. Crash inputs found later are added
by hand as regress-<what>.bin next to them (and as a unit test)."""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "gpt2")


def write(target, name, content):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(content)


TEXTS = {
    "sentence": "The cat sat on the mat because it was tired.",
    "contractions": "don't we're they've I'm he'd she'll it's IT'S",
    "spaces": "  a   b\t\tc\n\n d  ",
    "unicode": "caf\u00e9 na\u00efve \u4e2d\u6587 \U0001F600\U0001F44D a\u0301 \u0663\u0664 \u216b\u00bd \u00a0\u3000x",
    "numbers": "1,234.5 + 6e7 = 89%",
    "nul": "a\x00b\x00\x00c",
    "empty": "",
    "invalid-utf8": b"ok\xc3( \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf",
    "punct": "!!! ?? ... --- (x) [y] {z} \"q\" 'r'",
}
# hf-tokenizer: first byte 0..4 = a committed tiny_*.json tokenizes the rest;
# 5 = the rest is "<tokenizer.json>\n\0\n<text>".
TOKENIZERS = os.path.join(HERE, "..", "data", "tokenizers")
for k, name in enumerate(["tiny_byte_level", "tiny_nfc", "tiny_digits", "tiny_sentencepiece", "tiny_metaspace"]):
    for tname in ["sentence", "unicode", "spaces", "empty"]:
        write("hf-tokenizer", f"{name}-{tname}", bytes([k]) + TEXTS[tname].encode("utf-8"))
    with open(os.path.join(TOKENIZERS, name + ".json"), "rb") as f:
        write("hf-tokenizer", f"file-{name}", bytes([5]) + f.read() + b"\n\0\n" + TEXTS["sentence"].encode("utf-8"))
write("hf-tokenizer", "text-specials", bytes([0]) + "<|begin_of_text|>a <mask> b hotdog dog<|eot_id|>".encode("utf-8"))
write("hf-tokenizer", "text-invalid-utf8", bytes([3]) + b"ab\xc3(")

for name, text in TEXTS.items():
    write("tokenizer", name, text)
    write("bpe", name, text)

# safetensors: the tiny valid file and variants of it.
tiny = open(os.path.join(DATA, "tiny.safetensors"), "rb").read()
write("safetensors", "tiny", tiny)
write("safetensors", "truncated", tiny[:-3])
write("safetensors", "short", tiny[:5])


def st(header, data=b""):
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


write("safetensors", "empty-table", st({}))
write("safetensors", "zero-size", st({"e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [0, 0]}}))
write("safetensors", "all-dtypes", st({
    d: {"dtype": d, "shape": [1], "data_offsets": [o, o + n]}
    for d, o, n in [("BOOL", 0, 1), ("U8", 1, 1), ("I8", 2, 1), ("F8_E4M3", 3, 1), ("F8_E5M2", 4, 1),
                    ("I16", 5, 2), ("U16", 7, 2), ("F16", 9, 2), ("BF16", 11, 2), ("I32", 13, 4),
                    ("U32", 17, 4), ("F32", 21, 4), ("F64", 25, 8), ("I64", 33, 8), ("U64", 41, 8)]},
    bytes(range(49))))
write("safetensors", "overlap", st({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                    "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12)))
write("safetensors", "metadata", st({"__metadata__": {"format": "pt", "x": "y"},
                                     "w": {"dtype": "F16", "shape": [2, 1], "data_offsets": [0, 4]}}, b"\x00\x3c\x00\xbc"))

# config.json
cfg = open(os.path.join(DATA, "config.json")).read()
write("gpt2-config", "tiny", cfg)
write("gpt2-config", "small", json.dumps({"model_type": "gpt2", "n_embd": 768, "n_head": 12, "n_layer": 12,
                                          "n_positions": 1024, "n_ctx": 1024, "vocab_size": 50257,
                                          "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}))
write("gpt2-config", "old", '{"n_embd":64,"n_head":4,"n_layer":2,"n_ctx":128,"vocab_size":300}')
write("gpt2-config", "bad", '{"n_embd":66,"n_head":4,"n_layer":-1,"n_positions":1e9,"vocab_size":"x"}')

# vocab.json NUL merges.txt
vocab = open(os.path.join(DATA, "tiny_vocab.json"), "rb").read()
merges = open(os.path.join(DATA, "tiny_merges.txt"), "rb").read()
write("vocab-merges", "tiny", vocab + b"\x00" + merges)
write("vocab-merges", "tiny-crlf", vocab + b"\x00" + merges.replace(b"\n", b"\r\n"))
write("vocab-merges", "no-merges", vocab)
write("vocab-merges", "bad-line", vocab + b"\x00#version: 0.2\na b c\n")

# command lines, NUL-separated
CLIS = {
    "default": [],
    "sliding": ["--text", "the cat sat", "--mask", "sliding", "--window", "2", "--causal"],
    "global": ["--mask=global-local", "--globals", "0,2", "--window", "1", "--pe", "alibi"],
    "block": ["--mask", "block-sparse", "--block", "3", "--no-scale", "--temperature", "0.05"],
    "random": ["--model", "random", "--seed", "7", "--d-model", "24", "--heads", "6", "--kv-heads", "2",
               "--layers", "2", "--pe", "rope", "--layer", "1"],
    "bad": ["--window", "0", "--heads", "5", "--temperature", "-1", "--unknown"],
    "extreme": ["--model", "random", "--d-model", "64", "--heads", "64", "--temperature", "0.01", "--text", "a a a a"],
}
for name, args in CLIS.items():
    write("cli-options", name, "\x00".join(args))

# settings files
SETTINGS = {
    "full": {"format": "attnviz-settings/1",
             "request": {"text": "The cat sat.", "model": "random", "seed": 3, "d_model": 32, "heads": 4,
                         "kv_heads": 2, "layers": 2, "positional": "rope", "scale": False, "temperature": 0.5,
                         "mask": {"pattern": "sliding", "causal": True, "window": 2, "globals": [0, 3], "block": 4}},
             "ui": {"chapter": 3, "selected_token": 1, "focused_head": 2, "layer": 1,
                    "chapter_state": {"2": "logits"}, "colormap": "magma", "font_size": 20, "presenter": True, "show_sidebar": False,
                    "show_controls": True, "show_values": False, "theme": "light"}},
    "bad-values": {"format": "attnviz-settings/1",
                   "request": {"d_model": 65, "heads": 0, "temperature": -1, "mask": {"window": 0}},
                   "ui": {"chapter": 99, "chapter_state": {"2": 7}}},
    "wrong-format": {"format": "other"},
}
for name, s in SETTINGS.items():
    write("settings", name, json.dumps(s, indent=1))
write("settings", "not-json", "{\"format\": \"attnviz-settings/1\",")
