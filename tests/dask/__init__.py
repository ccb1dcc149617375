"""Tests with real Dask processes (scheduler and workers on loopback): marker `dask`."""
