"""Which number format training computes in: bfloat16 where the processor has it, float32 elsewhere.

bfloat16 keeps float32's 8 exponent bits (the same range, so no loss scaling is needed) but only
8 bits of precision instead of 24: half the bytes per number, and a processor with bfloat16
instructions (x86 `avx512_bf16` / `amx_bf16`, Arm `bf16`) does twice the multiply-adds per
instruction. Without them TensorFlow emulates bfloat16 and training gets slower, so `auto`
only picks it where the CPU flags say the hardware computes it.

Weights stay float32 either way ("mixed precision"); see cnn_core.nn.model.build_model.
No TensorFlow here: the flags come from /proc/cpuinfo. When they cannot be read, the choice is
left open (`Precision.confirmed is False`) and cnn_core.nn.precision times both formats once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PRECISION_ENV = "CNN_EXPLAINER_PRECISION"
SETTINGS = ("auto", "float32", "bfloat16")
BF16_FLAGS = ("avx512_bf16", "amx_bf16", "bf16")  # x86 AVX-512 / AMX, Arm v8.6 "Features: ... bf16"


@dataclass(frozen=True)
class Precision:
    """The compute format chosen for training and the sentence that says why."""

    name: str  # "float32" or "bfloat16"
    reason: str
    setting: str = "auto"
    confirmed: bool = True  # False: the CPU flags could not be read; time both formats to decide

    @property
    def keras_policy(self) -> str:
        """The Keras dtype policy of the hidden layers (the output layer always computes in float32)."""
        return "mixed_bfloat16" if self.name == "bfloat16" else "float32"


def cpu_flags(path: str | Path = "/proc/cpuinfo") -> set[str] | None:
    """The processor's feature flags (x86 `flags`, Arm `Features`), or None when they cannot be read."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return None
    flags: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features"):
            flags.update(value.split())
    return flags or None


def setting_from_env() -> str:
    """$CNN_EXPLAINER_PRECISION if it is one of SETTINGS (case-insensitive), else 'auto'."""
    value = os.environ.get(PRECISION_ENV, "").strip().lower()
    return value if value in SETTINGS else "auto"


def choose(setting: str | None = None, flags: set[str] | None | bool = False) -> Precision:
    """Decide the training precision.

    Parameters
    ----------
    setting : "auto", "float32" or "bfloat16"; None reads $CNN_EXPLAINER_PRECISION.
    flags : the CPU flags to decide from; False (default) reads them from /proc/cpuinfo,
        None means they could not be read.
    """
    setting = setting_from_env() if setting is None else setting.strip().lower()
    if setting not in SETTINGS:
        raise ValueError(f"Precision must be one of {', '.join(SETTINGS)}, not {setting!r}.")
    if setting == "float32":
        return Precision("float32", "float32 was chosen in the settings.", setting)
    if setting == "bfloat16":
        return Precision("bfloat16", "bfloat16 was chosen in the settings.", setting)
    if flags is False:
        flags = cpu_flags()
    if flags is None:
        return Precision(
            "float32",
            "the processor's feature list could not be read, so both formats are timed once to decide.",
            setting,
            confirmed=False,
        )
    found = [f for f in BF16_FLAGS if f in flags]
    if found:
        return Precision("bfloat16", f"this processor computes bfloat16 natively ({found[0]}).", setting)
    return Precision(
        "float32",
        "this processor has no bfloat16 instructions, and emulating them would make training slower.",
        setting,
    )
