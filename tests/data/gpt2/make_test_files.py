#!/usr/bin/env python3
"""Writes the small hand-made GPT-2 files the unit tests read (committed; rerun
only to change them). Needs the third-party `regex` module, which GPT-2's own
encoder.py uses, for the reference pre-tokenizer (it is NOT needed to build or
run the tests: the outputs below are committed).

  tiny_vocab.json, tiny_merges.txt  a 256-byte alphabet + hand-picked merges
  bpe_reference.json                texts with the pieces and tokens the
                                    reference algorithm gives (see bpe() below,
                                    written from encoder.py's description: merge
                                    every occurrence of the lowest-ranked pair,
                                    left to right, until no pair has a rank)
  config.json                       a tiny valid GPT-2 config
  tiny.safetensors                  F32, F16 and BF16 tensors with known values
"""
import json
import os
import random
import struct

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


B2U = bytes_to_unicode()


def sym(s):
    return "".join(B2U[b] for b in s.encode("utf-8"))


# Merges, best first. Words of the tests, a doubled letter (overlap: "aaa"),
# space runs ("ĠĠ"), the bytes of "é" (C3 A9) and a pair ranked BEFORE the merge
# that creates its left half ("ab c" before "a b"), which only the
# pass-by-pass order of the reference handles right.
WORD_MERGES = [
    ("ab", "c"), ("a", "b"), ("a", "a"), ("aa", "a"), ("b", "b"),
    ("H", "e"), ("l", "l"), ("He", "ll"), ("Hell", "o"),
    ("Ġ", "w"), ("o", "r"), ("Ġw", "or"), ("l", "d"), ("Ġwor", "ld"),
    ("Ġ", "Ġ"), ("ĠĠ", "ĠĠ"), ("'", "s"), ("'", "t"), ("'", "re"), ("r", "e"),
    ("d", "o"), ("do", "n"), ("Ġ", "don"), ("Ã", "©"), ("c", "af"), ("a", "f"), ("caf", "Ã©"),
    ("Ġ", "caf"), ("Ġcaf", "Ã©"), ("1", "2"), ("12", "3"), ("Ġ", "1"), ("Ċ", "Ċ"),
    ("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "c"), ("Ġc", "at"), ("a", "t"),
]


def tiny_vocab():
    vocab = {}
    for b in range(256):
        vocab[B2U[b]] = len(vocab)
    merges = []
    for left, right in WORD_MERGES:
        merges.append((left, right))
        if left + right not in vocab:
            vocab[left + right] = len(vocab)
    # Parts must be in the vocabulary for a merge to fire; "ab" (made by
    # "a b") is, "at" too: add any half that is not a byte or a merge result.
    for left, right in WORD_MERGES:
        for part in (left, right):
            if part not in vocab:
                vocab[part] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab, merges


def bpe(word, ranks):
    word = list(word)
    while len(word) > 1:
        pairs = set(zip(word, word[1:]))
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        out = []
        i = 0
        while i < len(word):
            if i + 1 < len(word) and word[i] == best[0] and word[i + 1] == best[1]:
                out.append(best[0] + best[1])
                i += 2
            else:
                out.append(word[i])
                i += 1
        word = out
    return word


def reference(text, vocab, ranks):
    pieces, tokens = [], []
    pos = 0
    for piece in PAT.findall(text):
        raw = piece.encode("utf-8")
        pieces.append([pos, pos + len(raw)])
        start = pos
        for s in bpe([B2U[b] for b in raw], ranks):
            n = len(s)  # one symbol code point per byte
            tokens.append([start, start + n, vocab[s]])
            start += n
        pos += len(raw)
    assert pos == len(text.encode("utf-8"))
    return {"text": text, "pieces": pieces, "tokens": tokens}


# Characters assigned in Unicode 14 (the tables' version) whose class is the
# same in every later version, so the `regex` module (which may be newer) and
# the generated tables agree.
POOL = (list("abcHelowrd'stvmRE123 \t\n") + [" "] * 6 +
        ["é", "ß", "Ж", "中", "文", "ー", "٣", "Ⅻ", "½", "\u00a0", "\u2003", "\u3000", "\u0085", "\u001c",
         "\u0301", "😀", "👍", "\u200d", "!", "?", ".", ",", "-", "_", "\u00ad", "\x00", "\x7f", "€", "”"])

FIXED = [
    "Hello world", "Hello  world", "Hello   world", "Hello world  ", " Hello", "  Hello", "\n\nHello\n\n",
    "don't", "I'm", "we're", "they've", "she'll", "he'd", "it's", "IT'S", "'s", "''s", "x's's", "'", "' s",
    "caf\u00e9", " caf\u00e9", "na\u00efve", "aaa", "aaaa", "aaaaa", "abcab c", "abab", "abcabc",
    "123", " 123", "1,234.5", "\u0663\u0664", "Ⅻ½", "中文 中文", "😀👍", " 😀", "a\u0301", "x\u200dy",
    "tab\there", "a \tb", "a\t b", "end ", "end  ", "\u00a0x", " \u00a0x", "\u3000\u3000x", "a\u001cb",
    "a\u0085b", "NUL\x00byte", "!!!", " !!!", "? ?", "", " ", "  ", "\n", " \n ", "<|endoftext|>",
]


def main():
    vocab, merges = tiny_vocab()
    ranks = {m: i for i, m in enumerate(merges)}
    with open(os.path.join(HERE, "tiny_vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(HERE, "tiny_merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for left, right in merges:
            f.write(f"{left} {right}\n")
    rng = random.Random(20240601)
    texts = list(FIXED)
    for _ in range(400):
        texts.append("".join(rng.choice(POOL) for _ in range(rng.randint(1, 24))))
    with open(os.path.join(HERE, "bpe_reference.json"), "w", encoding="utf-8") as f:
        json.dump([reference(t, vocab, ranks) for t in texts], f, ensure_ascii=False, indent=0)

    with open(os.path.join(HERE, "config.json"), "w") as f:
        json.dump({"model_type": "gpt2", "n_embd": 8, "n_head": 2, "n_layer": 1, "n_positions": 16,
                   "n_ctx": 16, "vocab_size": len(vocab), "layer_norm_epsilon": 1e-5,
                   "activation_function": "gelu_new"}, f, indent=2)

    # tiny.safetensors: "a" F32 [2,3] = 0..5, "b" F16 [2] = [1.5, -2], "c" BF16 [] = 3.0
    data = struct.pack("<6f", 0, 1, 2, 3, 4, 5) + struct.pack("<2H", 0x3E00, 0xC000) + struct.pack("<H", 0x4040)
    header = {"__metadata__": {"format": "pt"},
              "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
              "b": {"dtype": "F16", "shape": [2], "data_offsets": [24, 28]},
              "c": {"dtype": "BF16", "shape": [], "data_offsets": [28, 30]}}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)  # the format pads the header to a multiple of 8 with spaces
    with open(os.path.join(HERE, "tiny.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


if __name__ == "__main__":
    main()
