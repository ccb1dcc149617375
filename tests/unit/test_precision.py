"""The training precision choice: from the settings, or from the processor's flags (no TensorFlow)."""

import pytest

from cnn_core import precision as P


def test_auto_picks_bfloat16_only_with_native_instructions():
    assert P.choose("auto", {"sse2", "avx512f", "avx512_bf16"}).name == "bfloat16"
    assert P.choose("auto", {"fp", "asimd", "bf16"}).name == "bfloat16"  # Arm v8.6
    chosen = P.choose("auto", {"sse2", "avx2", "avx512f"})
    assert chosen.name == "float32" and "no bfloat16 instructions" in chosen.reason


def test_unreadable_flags_leave_the_choice_to_a_measurement():
    chosen = P.choose("auto", None)
    assert chosen.name == "float32" and chosen.confirmed is False


def test_explicit_settings_win_over_the_flags(monkeypatch):
    assert P.choose("float32", {"avx512_bf16"}).name == "float32"
    assert P.choose("BFloat16", set()).name == "bfloat16"
    monkeypatch.setenv(P.PRECISION_ENV, "float32")
    assert P.choose(None, {"avx512_bf16"}).setting == "float32"
    monkeypatch.setenv(P.PRECISION_ENV, "fast please")  # unknown values fall back to auto
    assert P.choose(None, {"avx512_bf16"}).name == "bfloat16"
    with pytest.raises(ValueError, match="one of auto, float32, bfloat16"):
        P.choose("half")


def test_cpu_flags_are_read_from_both_x86_and_arm_files(tmp_path):
    x86 = tmp_path / "x86"
    x86.write_text(
        "processor\t: 0\nflags\t\t: fpu sse2 avx512_bf16\n\nprocessor\t: 1\nflags\t\t: fpu sse2 avx512_bf16\n"
    )
    arm = tmp_path / "arm"
    arm.write_text("processor\t: 0\nFeatures\t: fp asimd bf16 i8mm\n")
    assert P.cpu_flags(x86) == {"fpu", "sse2", "avx512_bf16"}
    assert "bf16" in P.cpu_flags(arm)
    assert P.cpu_flags(tmp_path / "missing") is None
    assert P.choose("auto", P.cpu_flags(tmp_path / "missing")).confirmed is False
