#!/usr/bin/env python3
"""Generates assets/lexicon/lexicon.tsv for the built-in model from WordNet 3.0.

Usage:  python3 assets/lexicon/make_lexicon.py [/usr/share/wordnet] > assets/lexicon/lexicon.tsv

Only the Python standard library and Debian's `wordnet-base` files are read:
  cntlist.rev   "sense_key sense_number tag_count": how often each sense was
                tagged in the SemCor corpora. A sense key is
                lemma%ss_type:lex_filenum:lex_id:head:head_id, so one line gives
                the word, its part of speech (ss_type) and its lexicographer
                class (lex_filenum) at once; no data.* lookups are needed.
  *.exc         irregular inflections (went -> go, mice -> mouse).
Common words are those whose senses were tagged at least MIN_TAG_COUNT times. Function words and
punctuation are not in WordNet; they come from the hand-written table below and
take precedence over WordNet (WordNet lists "a" as a noun, "can" as a noun...).

Output, one entry per line, tab-separated, '#' lines are comments:
  word  POS  CLASSES
    POS      space-separated tag=share, shares summing to 1, e.g. "noun=0.91 verb=0.09"
             tags: noun verb adj adv det pron adp conj aux part num punct
    CLASSES  space-separated class=share, WordNet lexicographer classes
             (noun.object, verb.motion, adj.all, ...) or the hand classes of
             function words (func.determiner, punct.end, ...)
  form  form-of  lemma [pos]
    an irregular inflection from WordNet's exception lists whose lemma is in the
    file; pos (noun, verb, adj or adv) names the list it came from, when only one did.
The output is deterministic (sorted; shares rounded to 2 decimals).
"""
import collections
import os
import sys

MIN_TAG_COUNT = 2  # content lemmas kept: tagged at least twice in SemCor (about 11,000)

LEX_FILES = [
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
    "noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
    "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person",
    "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
    "noun.quantity", "noun.relation", "noun.shape", "noun.state",
    "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition",
    "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
    "verb.creation", "verb.emotion", "verb.motion", "verb.perception",
    "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
]
SS_TYPE_TO_POS = {"1": "noun", "2": "verb", "3": "adj", "4": "adv", "5": "adj"}

# Function words: (class, pos, words). A word listed twice keeps both classes
# with equal shares ("that" is a determiner and a conjunction).
FUNCTION_WORDS = [
    ("func.determiner", "det",
     "the a an this that these those each every some any no all both either neither "
     "another such what whatever which whichever much many few several enough"),
    ("func.possessive", "det", "my your his her its our their whose"),
    ("func.pronoun", "pron",
     "i you he she it we they me him us them myself yourself himself herself itself "
     "ourselves yourselves themselves mine yours hers ours theirs one"),
    ("func.pronoun-indefinite", "pron",
     "someone somebody something anyone anybody anything everyone everybody everything "
     "nobody nothing none"),
    ("func.pronoun-wh", "pron", "who whom whoever"),
    ("func.preposition", "adp",
     "of in on at by with from to for about into onto over under above below between "
     "among through during before after across against along around behind beside "
     "beyond near toward towards upon within without throughout off via per than "
     "despite except like since until till up down out"),
    ("func.conjunction", "conj",
     "and or but nor so yet because although though while whereas if unless whether "
     "once when whenever where wherever that as then"),
    ("func.auxiliary", "aux",
     "be am is are was were been being have has had having do does did done will "
     "would shall should can could may might must ought 'll 've 're 'm 'd"),
    ("func.particle", "part", "not n't 's ' to"),
    ("func.number", "num",
     "zero one two three four five six seven eight nine ten eleven twelve twenty "
     "thirty forty fifty hundred thousand million billion first second third"),
    ("func.interjection", "intj", "oh yes no hello hi please okay ok wow"),
    ("punct.end", "punct", ". ! ?"),
    ("punct.pause", "punct", ", ; :"),
    ("punct.quote", "punct", "\" ` ' “ ” ‘ ’"),
    ("punct.bracket", "punct", "( ) [ ] { } < >"),
    ("punct.dash", "punct", "- – — / \\ _ …"),
    ("punct.symbol", "punct", "@ # $ % & * + = ^ | ~ €"),
]
# "intj" is folded into "part" in the model; keep the finer tag in the file.
POS_TAGS = {"noun", "verb", "adj", "adv", "det", "pron", "adp", "conj", "aux",
            "part", "num", "punct", "intj"}


def fmt_shares(counter):
    total = sum(counter.values())
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    parts, acc = [], 0.0
    for name, v in items:
        share = round(v / total, 2)
        if share < 0.01:
            continue
        parts.append(f"{name}={share:.2f}")
        acc += share
    return " ".join(parts)


def main():
    wn = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"
    pos_counts = collections.defaultdict(collections.Counter)    # word -> pos -> count
    class_counts = collections.defaultdict(collections.Counter)  # word -> class -> count
    total = collections.Counter()
    with open(os.path.join(wn, "cntlist.rev"), encoding="latin-1") as f:
        for line in f:
            key, _sense_number, count = line.split()
            lemma, rest = key.split("%", 1)
            fields = rest.split(":")
            ss_type, lex_filenum = fields[0], int(fields[1])
            if not lemma.isalpha() or not lemma.isascii():
                continue  # collocations (bank_account) and hyphenated forms never are one token
            lemma = lemma.lower()
            c = int(count)
            if c == 0:
                continue
            pos_counts[lemma][SS_TYPE_TO_POS[ss_type]] += c
            class_counts[lemma][LEX_FILES[lex_filenum]] += c
            total[lemma] += c

    function = {}  # word -> (pos Counter, class Counter)
    for cls, pos, words in FUNCTION_WORDS:
        assert pos in POS_TAGS, pos
        for w in words.split():
            p, c = function.setdefault(w, (collections.Counter(), collections.Counter()))
            p[pos] += 1
            c[cls] += 1

    content = sorted((w for w in total
                      if w not in function and len(w) > 1 and total[w] >= MIN_TAG_COUNT),
                     key=lambda w: (-total[w], w))

    entries = {}
    for w in content:
        entries[w] = (fmt_shares(pos_counts[w]), fmt_shares(class_counts[w]))
    for w, (p, c) in function.items():
        entries[w] = (fmt_shares(p), fmt_shares(c))

    forms = {}  # form -> (lemma, set of parts of speech the exception lists give it)
    for exc, pos in (("noun.exc", "noun"), ("verb.exc", "verb"), ("adj.exc", "adj"), ("adv.exc", "adv")):
        with open(os.path.join(wn, exc), encoding="latin-1") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2:
                    continue
                form, lemma = parts[0].lower(), parts[1].lower()
                if form in entries or lemma not in entries or not form.isalpha():
                    continue
                if form in forms:
                    if forms[form][0] == lemma:
                        forms[form][1].add(pos)
                    continue
                forms[form] = (lemma, {pos})

    out = sys.stdout
    out.write("# attnviz built-in model lexicon, generated by assets/lexicon/make_lexicon.py\n")
    out.write("# from WordNet 3.0 (cntlist.rev tag counts, *.exc) plus hand-listed function words.\n")
    out.write(f"# {len(entries)} words ({len(content)} from WordNet, tag count >= {MIN_TAG_COUNT}), {len(forms)} irregular forms.\n")
    out.write("# word<TAB>pos shares<TAB>class shares   |   form<TAB>form-of<TAB>lemma [pos]\n")
    for w in sorted(entries):
        p, c = entries[w]
        out.write(f"{w}\t{p}\t{c}\n")
    for form in sorted(forms):
        lemma, pos = forms[form]
        # The part of speech of the inflection, when the lists agree on one.
        suffix = f" {next(iter(pos))}" if len(pos) == 1 else ""
        out.write(f"{form}\tform-of\t{lemma}{suffix}\n")


if __name__ == "__main__":
    main()
