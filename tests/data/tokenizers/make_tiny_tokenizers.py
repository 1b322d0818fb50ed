#!/usr/bin/env python3
"""Writes the small hand-designed tokenizer.json files of tests/unit/test-hf-tokenizer.cpp.

Each file is a valid Hugging Face tokenizer.json (the tokenizers library loads
it: tests/tools/hf_tokenizer_expectations.js computed the expected ids in
expected/tiny_*.json with it), small enough to reason about by hand, and built
to reach one family's edge cases:

  tiny_byte_level.json     Llama 3 shape: Split(Llama 3 pattern) + ByteLevel,
                           ignore_merges, BOS template, added tokens that overlap
                           words ("ell"), lstrip/rstrip ("<mask>"), single_word ("dog")
  tiny_nfc.json            Qwen2 shape: NFC normalizer, Split(Qwen pattern) +
                           ByteLevel, no BOS
  tiny_digits.json         SmolLM2 shape: Digits(individual) + ByteLevel(use_regex)
  tiny_sentencepiece.json  Llama 2 shape: Prepend + Replace normalizer, byte
                           fallback <0xNN>, BOS template
  tiny_metaspace.json      Mistral v0.3 shape: Metaspace(prepend first), no byte
                           fallback: unknown characters fuse into one <unk>
  tiny_merges_array.json   merges as [left, right] pairs whose tokens hold spaces
  refused_*.json           the model kinds attnviz refuses, and a string merge
                           with two spaces (only the pair form can hold spaces)

Run from this directory: python3 make_tiny_tokenizers.py
"""
import json


def byte_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


B2U = byte_to_unicode()


def bl(s):
    """A string's byte-level form ("hé" -> "hÃ©")."""
    return "".join(B2U[b] for b in s.encode("utf-8"))


LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def added(id_, content, special=True, normalized=None, lstrip=False, rstrip=False, single_word=False):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": (not special) if normalized is None else normalized, "special": special}


def bos_template(name, id_):
    return {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": name, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": name, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": name, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {name: {"id": name, "ids": [id_], "tokens": [name]}}}


def byte_level_model(merge_words, ignore_merges, extra_vocab=()):
    """256 byte symbols (id = byte value), then each merge result in order."""
    vocab = {B2U[b]: b for b in range(256)}
    merges = []
    for left, right in merge_words:
        # Strings with a 'Ġ' are written in the byte-level alphabet already.
        l = left if "Ġ" in left else bl(left)
        r = right if "Ġ" in right else bl(right)
        merges.append(f"{l} {r}")
        vocab.setdefault(l + r, len(vocab))
    for w in extra_vocab:
        vocab.setdefault(bl(w), len(vocab))
    return {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": ignore_merges,
            "vocab": vocab, "merges": merges}


def write(name, obj):
    with open(name, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    # Llama 3 shape.
    merges = [("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"), ("l", "d"),
              ("Ġwor", "ld"), ("1", "2"), ("12", "3"), ("a", "b"), ("Ġ", "Ġ"), ("c", "a"), ("ca", "t"),
              ("Ġ", "c"), ("a", "t"), ("Ġc", "at")]
    m = byte_level_model(merges, True, extra_vocab=["abc"])
    # Added tokens take the ids after the model's vocabulary, in order (as the
    # library assigns them whatever the file says).
    v = len(m["vocab"])
    write("tiny_byte_level.json", {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(v, "<|begin_of_text|>"), added(v + 1, "<|eot_id|>"),
                         added(v + 2, "ell", special=False), added(v + 3, "<mask>", lstrip=True, rstrip=True),
                         added(v + 4, "dog", special=False, single_word=True)],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "Sequence", "processors": [
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            bos_template("<|begin_of_text|>", v)]},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": m})

    # Qwen2 shape: NFC. "é" (C3 A9) merges into one token; so does "caf" + "é".
    m = byte_level_model([("c", "a"), ("ca", "f"), ("Ġ", "caf")], False)
    e_acute = bl("é")
    m["merges"].append(f"{e_acute[0]} {e_acute[1]}")
    m["vocab"][e_acute] = len(m["vocab"])
    m["merges"].append(f"{bl('caf')} {e_acute}")
    m["vocab"][bl("caf") + e_acute] = len(m["vocab"])
    v = len(m["vocab"])
    write("tiny_nfc.json", {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(v, "<|endoftext|>"), added(v + 1, "<|im_start|>"), added(v + 2, "<|im_end|>")],
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "model": m})

    # SmolLM2 shape: every digit its own piece, then GPT-2's pattern.
    m = byte_level_model([("1", "2"), ("Ġ", "1"), ("h", "i"), ("Ġ", "hi")], False)
    v = len(m["vocab"])
    write("tiny_digits.json", {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(v, "<|endoftext|>"), added(v + 1, "<|im_start|>"), added(v + 2, "<|im_end|>")],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": m})

    # Llama 2 shape.
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for ch in ["▁", "t", "h", "e", "c", "a", "l", "o", "w", "r", "d", "é"]:
        vocab[ch] = len(vocab)
    sp_merges = [("▁", "t"), ("h", "e"), ("▁t", "he"), ("▁", "c"), ("a", "t"), ("▁c", "at"), ("▁", "▁"),
                 ("▁▁", "▁▁"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("▁", "hello")]
    for l, r in sp_merges:
        vocab.setdefault(l + r, len(vocab))
    write("tiny_sentencepiece.json", {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": None,
        "post_processor": bos_template("<s>", 1),
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
                  "vocab": vocab, "merges": [f"{l} {r}" for l, r in sp_merges]}})

    # Mistral v0.3 shape, without byte fallback.
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for ch in ["▁", "t", "h", "e", "c", "a"]:
        vocab[ch] = len(vocab)
    ms_merges = [("▁", "t"), ("h", "e"), ("▁t", "he"), ("▁", "c"), ("a", "t"), ("▁c", "at")]
    for l, r in ms_merges:
        vocab.setdefault(l + r, len(vocab))
    write("tiny_metaspace.json", {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")],
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
        "post_processor": bos_template("<s>", 1),
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": False,
                  "vocab": vocab, "merges": [f"{l} {r}" for l, r in ms_merges]}})

    # Merges whose tokens hold spaces: only the [left, right] form can say "a " + "b".
    vocab = {"a": 0, "b": 1, " ": 2, "a ": 3, "a b": 4, "x": 5, "y": 6, " y": 7, "x y": 8}
    plain = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab}
    write("tiny_merges_array.json", {
        "version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": None, "model": dict(plain, merges=[["a", " "], ["a ", "b"], [" ", "y"], ["x", " y"]])})
    # The string form must split at ' ' into exactly two parts: "a  b" cannot
    # say "a " + "b", and the library refuses the file (so does attnviz).
    write("refused_merges_string_spaces.json", {
        "version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": None, "model": dict(plain, merges=["a  b"])})

    write("refused_wordpiece.json", {
        "version": "1.0", "added_tokens": [], "normalizer": {"type": "BertNormalizer"},
        "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": None, "decoder": None,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}})
    write("refused_unigram.json", {
        "version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": None, "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["▁a", -1.5]]}})
    write("refused_wordlevel.json", {
        "version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": None, "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "hello": 1}, "unk_token": "[UNK]"}})


if __name__ == "__main__":
    main()
