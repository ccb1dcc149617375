"""Digits drawn as a person would: polylines in a unit square, placed and scaled on the canvas."""

from __future__ import annotations

import math
import random

# Each digit is a list of strokes; each stroke a list of (x, y) in [0, 1] (y down).
DIGITS = {
    "1": [[(0.45, 0.12), (0.55, 0.05), (0.55, 0.95)]],
    "0": [
        [(0.5 + 0.3 * math.sin(t / 20 * 2 * math.pi), 0.5 - 0.42 * math.cos(t / 20 * 2 * math.pi)) for t in range(21)]
    ],
    "7": [[(0.15, 0.1), (0.85, 0.1), (0.6, 0.5), (0.42, 0.95)]],
    "4": [[(0.6, 0.05), (0.15, 0.65), (0.9, 0.65)], [(0.65, 0.35), (0.65, 0.95)]],
}


def place(digit: str, box: tuple[float, float, float, float], rng: random.Random | None = None):
    """The strokes of `digit` inside box = (left, top, width, height) in page pixels, slightly jittered."""
    rng = rng or random.Random(0)
    left, top, w, h = box
    out = []
    for stroke in DIGITS[digit]:
        out.append(
            [(left + (x + rng.uniform(-0.01, 0.01)) * w, top + (y + rng.uniform(-0.01, 0.01)) * h) for x, y in stroke]
        )
    return out


def draw_sync(page, strokes, steps: int = 4) -> None:
    """Draw with real mouse events (Playwright sync API)."""
    for stroke in strokes:
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(x, y, steps=steps)
        page.mouse.up()


async def draw_async(page, strokes, steps: int = 4) -> None:
    """Draw with real mouse events (Playwright async API)."""
    for stroke in strokes:
        await page.mouse.move(*stroke[0])
        await page.mouse.down()
        for x, y in stroke[1:]:
            await page.mouse.move(x, y, steps=steps)
        await page.mouse.up()
