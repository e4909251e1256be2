"""A monotonic clock readable from compiled code (for the ``wall_time`` column).

``clock_ns()`` returns ``clock_gettime(CLOCK_MONOTONIC)`` in nanoseconds. It is an intrinsic
that calls the C library by symbol name, so functions using it stay cacheable
(``cache=True``); on platforms without ``clock_gettime`` it returns -1 and the engine reports
``wall_time`` as NaN.
"""
from __future__ import annotations

import struct
import time

import llvmlite.ir as ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["clock_ns", "HAVE_CLOCK"]

_CLOCK_ID = getattr(time, "CLOCK_MONOTONIC", None)
#: ``clock_gettime`` with a 64-bit ``struct timespec`` is available.
HAVE_CLOCK = _CLOCK_ID is not None and hasattr(time, "clock_gettime") and \
    struct.calcsize("P") == 8


@intrinsic
def clock_ns(typingctx):
    sig = types.int64()

    def codegen(context, builder, signature, args):
        i64 = ir.IntType(64)
        if not HAVE_CLOCK:
            return ir.Constant(i64, -1)
        i32 = ir.IntType(32)
        ts_t = ir.LiteralStructType([i64, i64])
        fnty = ir.FunctionType(i32, [i32, ts_t.as_pointer()])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "clock_gettime")
        ts = cgutils.alloca_once(builder, ts_t)
        builder.call(fn, [ir.Constant(i32, int(_CLOCK_ID)), ts])
        sec = builder.load(cgutils.gep_inbounds(builder, ts, 0, 0))
        nsec = builder.load(cgutils.gep_inbounds(builder, ts, 0, 1))
        return builder.add(builder.mul(sec, ir.Constant(i64, 1_000_000_000)), nsec)

    return sig, codegen
