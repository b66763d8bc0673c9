"""`borrowed(array)`: an array view that numba does not reference-count, for hot kernel loops.

Numba increments and decrements an array's reference count (an atomic operation) each time the array
is handed to an inlined helper; inside a per-pixel loop that costs more than the helper's arithmetic.
The view returned here has no memory-info pointer, so those updates become a null check. It is valid
only while the caller holds the original array (e.g. a kernel's own argument), and must never be
returned to Python.
"""

from __future__ import annotations

from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np import arrayobj


@intrinsic
def borrowed(typingctx, array):
    """The same array data, shape and strides without reference counting (see the module doc)."""
    if not isinstance(array, types.Array):
        return None

    def codegen(context, builder, signature, args):
        source = arrayobj.make_array(signature.args[0])(context, builder, value=args[0])
        view = arrayobj.make_array(signature.return_type)(context, builder)
        for field in ("data", "shape", "strides", "itemsize", "nitems"):
            setattr(view, field, getattr(source, field))
        view.meminfo = cgutils.get_null_value(view.meminfo.type)
        view.parent = cgutils.get_null_value(view.parent.type)
        return view._getvalue()

    return array(array), codegen
