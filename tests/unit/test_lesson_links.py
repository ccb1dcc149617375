"""Lesson links (cnn_core.lesson_links): every page's settings encoded and decoded, bad addresses survived."""

import math
import random
from urllib.parse import parse_qsl, urlsplit

import pytest

from cnn_core import kernels
from cnn_core import lesson_links as L
from cnn_core.arch_string import canonical
from cnn_core.architecture import LIMITS, PRESETS, SEED
from cnn_core.random_arch import random_architecture


def _random_value(rng: random.Random, f: L.Field):
    """A value the schema allows for field `f`."""
    if f.kind == L.INT:
        return rng.randint(int(f.lo), int(f.hi))
    if f.kind == L.FLOAT:
        return round(rng.uniform(f.lo, f.hi), f.digits)
    if f.kind in (L.CHOICE, L.NUMBER):
        return rng.choice(f.choices)
    if f.kind == L.BOOL:
        return rng.random() < 0.5
    if f.kind == L.SUBSET:
        return tuple(c for c in f.choices if rng.random() < 0.4)
    if f.kind == L.WORD:
        return rng.choice(["conv1", "pool2", "conv3", "dense_1"])
    if f.kind == L.GRID:
        n = rng.choice(L.GRID_SIZES)
        return tuple(tuple(float(rng.choice([-2, -1, 0, 0.5, 1, 2.25, 8])) for _ in range(n)) for _ in range(n))
    return canonical(random_architecture(rng))


def _same(f: L.Field, a, b) -> bool:
    if f.kind in (L.FLOAT, L.NUMBER):
        return math.isclose(a, b, rel_tol=1e-9)
    if f.kind == L.NET:
        return canonical(a) == canonical(b)
    return a == b


@pytest.mark.parametrize("page", L.PAGES)
def test_defaults_make_an_empty_address_and_an_empty_address_gives_the_defaults(page):
    assert L.encode(page, L.defaults(page)) == {}
    assert L.encode(page, {}) == {}
    d = L.decode(page, {})
    assert d.values == L.defaults(page) and d.notes == [] and d.locks == frozenset() and d.named == frozenset()
    assert L.link(page, {}) == page


@pytest.mark.parametrize("page", L.PAGES)
def test_random_settings_of_every_page_round_trip(page):
    rng = random.Random(page)
    for _ in range(200):
        values = {f.name: _random_value(rng, f) for f in L.SCHEMAS[page] if rng.random() < 0.7}
        locks = {n for n in L.LOCKABLE[page] if rng.random() < 0.2}
        params = L.encode(page, values, locks)
        assert "key" not in params and "class" not in params and "job" not in params
        assert all(isinstance(v, str) for v in params.values())
        back = L.decode(page, params)
        assert back.notes == [], (params, back.notes)
        assert back.locks == frozenset(locks)
        for f in L.SCHEMAS[page]:
            assert _same(f, back.values[f.name], values.get(f.name, f.default)), (f.name, params)
        # and through a whole link, as a teacher would paste it
        link = L.link(page, values, locks)
        page_back, again = L.parse_link(f"http://school:8501/{link}{'&' if '?' in link else '?'}key={'a' * 32}")
        assert page_back == page and again.values == back.values and again.locks == back.locks


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_the_architecture_page_carries_each_preset_and_only_non_seed_networks(name):
    params = L.encode("architecture", {"net": PRESETS[name]})
    assert (params == {}) == (name == "seed")
    assert L.decode("architecture", params).values["net"] == PRESETS[name]


def test_200_random_networks_round_trip_through_the_architecture_page():
    rng = random.Random(200)
    for _ in range(200):
        arch = random_architecture(rng)
        back = L.decode("architecture", L.encode("architecture", {"net": arch}))
        assert back.values["net"] == canonical(arch) and back.notes == []


def test_a_kernels_lesson_reads_as_a_teacher_would_write_it():
    link = L.link("kernels", {"kernel": "sobel-x", "stride": 2, "padding": "zero", "flip": True}, ["kernel", "stride"])
    assert link == "kernels?kernel=sobel-x&padding=zero&stride=2&flip=1&lock=kernel,stride"
    grid = ((1.0, 0.0, -1.0), (2.0, 0.0, -2.0), (1.0, 0.0, -1.0))
    assert L.encode("kernels", {"kernel": "custom", "grid": grid})["grid"] == "1,0,-1/2,0,-2/1,0,-1"
    assert set(L.KERNEL_SLUGS.values()) == set(kernels.NAMES)  # every library kernel has one address name
    assert L.link("architecture", {"net": PRESETS["small"]}) == "architecture?net=c8k3-p2,c16k3-p2/d32"


def test_out_of_range_values_are_clamped_or_replaced_with_a_note():
    d = L.decode("kernels", {"stride": "9", "image": "-5", "sigma": "77", "size": "6", "padding": "Mirror"})
    v = d.values
    assert (v["stride"], v["image"], v["sigma"], v["size"], v["padding"]) == (4, 0, 5.0, 7, "valid")
    text = " ".join(d.notes)
    assert "stride 9 is outside 1-4, so 4 is used" in text and "'Mirror'" in text and len(d.notes) == 5
    d = L.decode("train", {"lr": "0.002", "batch": "100", "epochs": "x", "optimizer": "ADAM"})
    assert (d.values["lr"], d.values["batch"], d.values["epochs"], d.values["optimizer"]) == (0.003, 128, 3, "adam")
    assert len(d.notes) == 3


def test_unknown_and_identity_keys_are_ignored_and_never_written():
    d = L.decode("data", {"key": "f" * 32, "class": "AB3K9X", "job": "abc", "colour": "red", "image": "12"})
    assert d.values == {"image": 12} and d.notes == [] and d.named == {"image"}
    page, d = L.parse_link("https://school.example/app/draw?class=AB3K9X&key=" + "0" * 32 + "&test=7&off=centre")
    assert page == "draw" and d.values["test"] == 7 and d.values["off"] == ("centre",)
    assert "key" not in L.link(page, d.values) and "class" not in L.link(page, d.values)


def test_a_broken_network_falls_back_to_the_seed_and_names_the_part():
    d = L.decode("architecture", {"net": "c32k3-p2,c64k3-wobble/d64"})
    assert d.values["net"] == SEED
    assert len(d.notes) == 1 and "block 2 'c64k3-wobble'" in d.notes[0] and "seed network" in d.notes[0]


def test_a_too_long_address_is_refused_as_a_whole():
    d = L.decode("kernels", {"stride": "2", "grid": "1," * 1500})
    assert d.values == L.defaults("kernels") and len(d.notes) == 1 and "too long" in d.notes[0]
    assert "2,000" in d.notes[0]


def test_locks_keep_only_the_page_s_lockable_names():
    d = L.decode("kernels", {"lock": "Kernel,stride,,secret,stride"})
    assert d.locks == {"kernel", "stride"} and "'secret'" in d.notes[0]
    assert L.decode("architecture", {"lock": "kernel"}).locks == {"kernel"}
    assert L.encode("draw", {}, ["layer", "input"]) == {"lock": "input"}  # 'layer' cannot be fixed on Draw


def test_a_bad_custom_kernel_is_explained_and_the_usual_one_used():
    d = L.decode("kernels", {"kernel": "custom", "grid": "1,2,3/4,x,6/7,8,9"})
    assert d.values["grid"] is None and "row 2, column 2" in d.notes[0]
    d = L.decode("kernels", {"grid": "1,2/3,4/5,6"})
    assert d.values["grid"] is None and "square" in d.notes[0]
    d = L.decode("kernels", {"grid": "1,2,3,4,5,6/" * 5 + "1,2,3,4,5,6"})
    assert d.values["grid"] is None and "2, 3, 4, 5" in d.notes[0]


def test_parse_link_refuses_what_is_not_a_lesson_link():
    for text in ("", "http://school/teacher?x=1", "http://school/", "nonsense", "x" * 5000):
        with pytest.raises(ValueError):
            L.parse_link(text)


JUNK = ["", " ", "-", "1e400", "nan", "inf", "0x10", "1_000", "１２", "٣", "\x00", "<b>x</b>", "[a](b)", "ä" * 50]


def _junk(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(JUNK)
    alphabet = "0123456789.,/-+eE abcxyz%&=;:\\\"'<>[]()\u00e9\u4e2d\U0001f600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))


@pytest.mark.parametrize("page", L.PAGES)
def test_fuzz_decode_never_raises_and_always_gives_allowed_values(page):
    rng = random.Random(f"fuzz-{page}")
    names = [f.name for f in L.SCHEMAS[page]] + ["lock", "key", "zzz"]
    for _ in range(1500):
        params = {rng.choice(names): (_junk(rng) if rng.random() < 0.9 else [_junk(rng), _junk(rng)]) for _ in range(5)}
        d = L.decode(page, params)
        for f in L.SCHEMAS[page]:
            v = d.values[f.name]
            if v is None or f.kind == L.NET and v == SEED:
                continue
            if f.kind in (L.INT, L.FLOAT):
                assert f.lo <= v <= f.hi
            elif f.kind in (L.CHOICE, L.NUMBER):
                assert v in f.choices
            elif f.kind == L.SUBSET:
                assert set(v) <= set(f.choices)
            elif f.kind == L.NET:
                assert LIMITS.allows(v)
            elif f.kind == L.GRID:
                assert len(v) in L.GRID_SIZES and all(len(r) == len(v) for r in v)
        assert d.locks <= set(L.LOCKABLE[page])
        L.encode(page, d.values, d.locks)  # what was read can always be written back
    for odd in (None, 5, ["x"], {"a": object()}, [("stride", "2")]):
        L.decode(page, odd if isinstance(odd, dict) else {"image": odd})


def test_a_copied_link_is_readable():
    link = L.link("architecture", {"net": PRESETS["improved"]}, ["kernel"])
    parts = urlsplit("http://x/" + link)
    assert "%" not in link and dict(parse_qsl(parts.query))["net"] == (
        "c32k5-same-p2-bn-drop25,c64k5-same-p2-bn-drop25,c64k3-same-p2-bn-drop25/d128-bn-drop50"
    )
