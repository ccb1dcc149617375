"""Numbers as the softmax view writes them (0.01234, 0.9999987, 3.2×10⁻⁷), read back for tests."""

from __future__ import annotations

import re

_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
NUMBER = r"[\d.]+(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
# "Cross-entropy loss if the true digit were k: −log pk = −log(p) = loss."
LOSS = re.compile(rf"Cross-entropy loss if the true digit were (\d): −log p\1 = −log\(({NUMBER})\) = ({NUMBER})\.")


def number(text: str) -> float:
    """'3.2×10⁻⁷' -> 3.2e-07; '0.25' -> 0.25."""
    if "×10" not in text:
        return float(text)
    mantissa, power = text.split("×10")
    return float(mantissa) * 10 ** int(power.translate(_DIGITS))
