#!/usr/bin/python3
"""The matplotlib baseline for `attnviz export`: the same heatmap figure
(imshow of the attention weights, token labels on both axes, colorbar, title,
axis captions) saved as a 2000 x 1600 px PNG (10 x 8 in at 200 dpi).

Usage: matplotlib_heatmap.py WEIGHTS.json OUT.png
WEIGHTS.json is what `attnviz export --view heatmap --out W.json` writes
(format attnviz-matrix/1), so both programs draw the same matrix.
The whole process is timed, imports included, as a person would run it.
"""
import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src) as f:
        m = json.load(f)
    w = np.array([[np.nan if v is None else v for v in row] for row in m["values"]], dtype=np.float32)
    w = np.ma.masked_invalid(w)
    fig, ax = plt.subplots(figsize=(10, 8))
    im = ax.imshow(w, cmap="viridis", vmin=0.0, interpolation="nearest")
    n = w.shape[0]
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xticklabels(m["col_labels"], rotation=90, fontsize=8)
    ax.set_yticklabels(m["row_labels"], fontsize=8)
    ax.set_xlabel(m["col_caption"])
    ax.set_ylabel(m["row_caption"])
    ax.set_title(m["title"] + "\n" + m["subtitle"])
    fig.colorbar(im, ax=ax, label="attention weight")
    fig.savefig(out, dpi=200)


if __name__ == "__main__":
    main()
