#!/usr/bin/env python3
"""Renders `perf script` output as a flame graph (SVG): one box per frame, as wide as the
share of samples whose stack passes through it.

    perf record -F 999 -g -p PID -o perf.data -- sleep 5
    perf script -i perf.data | bench/flamegraph.py --title "allocate" > flame.svg
"""

import argparse
import html
import re
import sys
import zlib
from collections import defaultdict

FRAME_HEIGHT = 16
WIDTH = 1600
FONT_WIDTH = 6.2


def stacks(lines):
    """Yields each sample's stack, outermost frame first."""
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield list(reversed(frames))
            frames = []
        elif line.startswith(("\t", " ")):
            parts = line.strip().split(" ", 1)
            symbol = parts[1] if len(parts) > 1 else parts[0]
            symbol = re.sub(r"\+0x[0-9a-f]+ ", " ", symbol)
            symbol = re.sub(r" \(.*\)$", "", symbol)
            if symbol == "[unknown]":
                continue
            frames.append(shorten(symbol))
    if frames:
        yield list(reversed(frames))


def shorten(symbol):
    """Drops template arguments and parameter lists so that frames stay readable."""
    out, depth = [], 0
    for char in symbol:
        if char in "<(":
            if depth == 0:
                out.append("<>" if char == "<" else "()")
            depth += 1
        elif char in ">)" and depth:
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def build_tree(all_stacks):
    root = {"name": "all", "count": 0, "children": {}}
    for stack in all_stacks:
        node = root
        node["count"] += 1
        for frame in stack:
            node = node["children"].setdefault(frame, {"name": frame, "count": 0, "children": {}})
            node["count"] += 1
    return root


def color(name):
    hue = zlib.crc32(name.encode()) % 60
    return f"hsl({hue},80%,60%)"


def render(root, title):
    boxes = []
    depth_max = 0

    def walk(node, x, depth):
        nonlocal depth_max
        depth_max = max(depth_max, depth)
        width = WIDTH * node["count"] / root["count"]
        boxes.append((x, depth, width, node))
        child_x = x
        for child in sorted(node["children"].values(), key=lambda n: n["name"]):
            walk(child, child_x, depth + 1)
            child_x += WIDTH * child["count"] / root["count"]

    walk(root, 0, 0)
    height = (depth_max + 3) * FRAME_HEIGHT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="monospace" font-size="11">',
           f'<text x="{WIDTH / 2}" y="14" text-anchor="middle" font-size="14">{html.escape(title)}</text>']
    for x, depth, width, node in boxes:
        if width < 0.5:
            continue
        y = height - (depth + 1) * FRAME_HEIGHT
        share = 100 * node["count"] / root["count"]
        label = f'{node["name"]} ({share:.1f} %)'
        out.append(f'<g><title>{html.escape(label)}</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{FRAME_HEIGHT - 1}" '
                   f'fill="{color(node["name"])}"/>')
        characters = int(width / FONT_WIDTH)
        if characters > 3:
            text = label if len(label) <= characters else label[: characters - 2] + ".."
            out.append(f'<text x="{x + 2:.1f}" y="{y + 11}">{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", default="flame graph")
    args = parser.parse_args()
    tree = build_tree(stacks(sys.stdin))
    if tree["count"] == 0:
        sys.exit("no samples with stacks in the input")
    sys.stdout.write(render(tree, args.title))


if __name__ == "__main__":
    main()
