"""An independent NumPy implementation of WDL's randn(seed=, std=) generator.

The recipe (docs/wdl.md, common/rng.h): SplitMix64 from `seed`, uniforms
(z >> 11) * 2^-53, Box-Muller with one value per pair of uniforms:
    u1 = 1 - U[2i], u2 = U[2i+1], n_i = sqrt(-2 ln u1) * cos(2 pi u2)
    value_i = float32(std * n_i), in C order.
"""
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def splitmix64(seed, n):
    with np.errstate(over="ignore"):
        i = np.arange(1, n + 1, dtype=np.uint64)
        z = np.uint64(seed) + i * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def randn(shape, seed, std, sparsity=0.0):
    """With sparsity > 0 each value takes three uniforms (u1, u2, u3) and is
    zero where u3 < sparsity."""
    n = int(np.prod(shape)) if len(shape) else 1
    k = 3 if sparsity > 0 else 2
    u = (splitmix64(seed, k * n) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    u1 = 1.0 - u[0::k]
    u2 = u[1::k]
    v = (std * (np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))).astype(np.float32)
    if sparsity > 0:
        v[u[2::k] < sparsity] = 0
    return v.reshape(shape)
