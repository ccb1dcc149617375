"""The network as a short string (cnn_core.arch_string): round trips, clamping, broken parts named, fuzzing."""

import random

import pytest

from cnn_core.arch_string import MAX_CHARS, BadArchString, canonical, parse, to_string
from cnn_core.architecture import LIMITS, PRESETS, SEED, Architecture, ConvBlock, DenseLayer
from cnn_core.formulas import layer_table
from cnn_core.random_arch import random_architecture


def test_the_seed_network_reads_as_in_the_issue():
    assert to_string(SEED) == "c32k3-p2,c64k3-p2,c64k3/d64,d32"
    assert parse("c32k3-p2,c64k3-p2,c64k3/d64,d32") == (SEED, [])


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips(name):
    arch = PRESETS[name]
    text = to_string(arch)
    assert parse(text) == (canonical(arch), [])
    assert canonical(arch) == arch  # presets carry no pool size without pooling


def test_200_random_buildable_networks_round_trip():
    rng, done = random.Random(15), 0
    while done < 200:
        arch = random_architecture(rng)
        if not layer_table(arch).valid:
            continue
        done += 1
        text = to_string(arch)
        back, notes = parse(text)
        assert back == canonical(arch) and notes == [], text
        assert len(text) <= 200 and " " not in text


def test_any_network_within_the_limits_round_trips_including_unbuildable_ones():
    rng = random.Random(16)
    for _ in range(300):
        arch = random_architecture(rng)
        assert parse(to_string(arch))[0] == canonical(arch)


def test_defaults_are_left_out_and_every_option_is_written():
    block = ConvBlock(32, 5, 2, "same", "tanh", "average", 3)
    arch = Architecture(conv_blocks=(block, ConvBlock(8, 1, pool="none")), dense_layers=(DenseLayer(10, "elu"),))
    assert to_string(arch) == "c32k5s2-same-tanh-a3,c8k1/d10-elu"
    assert parse("C32 K5 S2-SAME-tanh-a3 , c8k1 / d10-elu")[0] == arch  # case and spaces do not matter
    assert parse("c8")[0] == Architecture(conv_blocks=(ConvBlock(8, 3, pool="none"),), dense_layers=())
    assert parse("c8/")[0].dense_layers == ()


def test_batch_norm_and_dropout_are_written_and_read():
    block = ConvBlock(32, 3, padding="same", pool="max", batch_norm=True, dropout=0.25)
    arch = Architecture(conv_blocks=(block,), dense_layers=(DenseLayer(128, "tanh", batch_norm=True, dropout=0.5),))
    assert to_string(arch) == "c32k3-same-p2-bn-drop25/d128-tanh-bn-drop50"
    assert parse("c32k3-bn-same-drop25-p2/d128-drop50-bn-tanh")[0] == arch  # options in any order
    arch, notes = parse("c8-drop95/d8-drop0")
    assert arch.conv_blocks[0].dropout == LIMITS.dropout[1] and "dropout percentage 95" in notes[0]
    assert arch.dense_layers[0].dropout == 0.0 and len(notes) == 1


def test_numbers_outside_the_limits_are_clamped_with_a_note():
    arch, notes = parse("c999k9s0-p5/d5000")
    b = arch.conv_blocks[0]
    assert (b.filters, b.kernel_size, b.stride, b.pool_size) == (
        LIMITS.filters[1],
        LIMITS.kernel_size[1],
        LIMITS.stride[0],
        max(LIMITS.pool_sizes),
    )
    assert arch.dense_layers[0].units == LIMITS.units[1]
    assert len(notes) == 5 and all("is used" in n for n in notes)
    assert "block 1 'c999k9s0-p5'" in notes[0] and "999" in notes[0] and "256" in notes[0]


@pytest.mark.parametrize(
    "text, named",
    [
        ("c32k3-p2,c64x3", "block 2 'c64x3'"),
        ("c32k3-sparkle", "'sparkle'"),
        ("c32/d64-relu-tanh", "dense layer 1"),
        ("c32/q64", "dense layer 1 'q64'"),
        ("c32,c32,c32,c32,c32", "5 conv blocks"),
        ("c32/d1,d1,d1,d1", "4 hidden dense layers"),
        ("", "0 conv blocks"),
        ("c32/d8/d8", "more than one '/'"),
        ("c32," * 200, "characters long"),
    ],
)
def test_broken_strings_name_the_broken_part(text, named):
    with pytest.raises(BadArchString) as e:
        parse(text)
    assert named in str(e.value)
    assert len(str(e.value)) < 300  # a long broken part is shortened in the message


ALPHABET = "cksdpa0123456789-,/ameluvtnhigoxr\u00e9 \n%\\<>'\""


def _mutations(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(3)
        at = rng.randrange(len(chars) + 1)
        if op == 0:
            chars.insert(at, rng.choice(ALPHABET))
        elif op == 1 and chars:
            del chars[min(at, len(chars) - 1)]
        elif chars:
            chars[min(at, len(chars) - 1)] = rng.choice(ALPHABET)
    return "".join(chars)


def test_fuzz_malformed_strings_give_a_network_within_the_limits_or_a_bad_arch_string():
    rng = random.Random(2026)
    seeds = [to_string(p) for p in PRESETS.values()]
    for n in range(5000):
        if n % 3 == 0:
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))
        else:
            text = _mutations(rng, rng.choice(seeds))
        try:
            arch, notes = parse(text)
        except BadArchString as e:
            assert str(e)
            continue
        assert LIMITS.allows(arch), text
        assert isinstance(notes, list)
    assert len(to_string(random_architecture(random.Random(0)))) < MAX_CHARS
