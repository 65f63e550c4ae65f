"""Build time and memory of the 2→2 kernel engine for n_p = 64, 128, 256 (docs/physics/kernel_engine.md §7).

Usage: python scripts/kernel_benchmark.py [n_p ...]
Prints, per n_p and kernel: compile time, build time (second call, compiled), XLA temp memory of the
build (compiled.memory_analysis()) and the size of the stored matrices.
"""

import sys
import time

import jax
import jax.numpy as jnp

import jaxrelic  # noqa: F401
from jaxrelic.engines.kernel import annihilation_kernel, conversion_kernel, elastic_kernel, momentum_grid

T = 0.05


def msq(s, t):
    return 1.0 + 0.3 * s - 0.2 * t


def builders(n):
    g = momentum_grid(2.0, n)
    return {
        "conversion": lambda m: conversion_kernel(msq, g, T, m1=m, m2=1.1, g1=2, g2=2, m_b=0.1, check=False).S,
        "conversion(b′≠b)": lambda m: conversion_kernel(msq, g, T, m1=m, m2=1.1, g1=2, g2=2, m_b=0.1, m_b_out=0.3, check=False).S,
        "elastic": lambda m: elastic_kernel(msq, g, T, m=m, g=2, m_b=0.1, check=False).S,
        "annihilation(MB)": lambda m: annihilation_kernel(msq, g, T, m1=m, m2=m, g1=2, g2=2, m_b=0.0, check=False).W,
        "annihilation(FD)": lambda m: annihilation_kernel(msq, g, T, m1=m, m2=m, g1=2, g2=2, m_b=0.0, bath_stats="FD", check=False).W,
    }


def main(ns, only=None):
    print(f"device: {jax.devices()[0]}")
    for n in ns:
        for name, fn in builders(n).items():
            if only and name not in only:
                continue
            f = jax.jit(fn)
            t0 = time.perf_counter()
            comp = f.lower(1.0).compile()
            t1 = time.perf_counter()
            comp(1.0).block_until_ready()
            t2 = time.perf_counter()
            comp(1.0).block_until_ready()
            t3 = time.perf_counter()
            ma = comp.memory_analysis()
            temp = getattr(ma, "temp_size_in_bytes", float("nan")) / 2**20 if ma is not None else float("nan")
            print(
                f"n_p={n:4d} {name:18s} compile {t1 - t0:6.2f} s  first {t2 - t1:7.2f} s  build {t3 - t2:7.2f} s  "
                f"XLA temp {temp:8.1f} MiB  matrix {n * n * 8 / 2**20:6.2f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    args = sys.argv[1:]
    main([int(a) for a in args if a.isdigit()] or [64, 128, 256], [a for a in args if not a.isdigit()] or None)
