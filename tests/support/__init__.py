"""Code the tests and the benchmarks share: a real app server and browser, strokes, big pictures."""
