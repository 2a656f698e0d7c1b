"""TF1 arguments that change nothing in gradlab are accepted; any other is refused.

TF1 functions take many arguments about devices, locking and bookkeeping
(``use_locking=``, ``collections=``, ``validate_shape=``). gradlab has one device and
no collections, so those change nothing here and are accepted. Every other argument
that gradlab does not implement raises an error naming it, so nothing a program
asks for is silently ignored.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from ..core.graph import Tensor
from ..core.ops import named

NO_EFFECT = {
    "use_locking", "collections", "caching_device", "validate_shape", "expected_shape",
    "use_resource", "import_scope", "validate_indices", "partition_strategy", "colocate_gradients_with_ops",
    "gate_gradients", "aggregation_method", "partitioner", "custom_getter", "auxiliary_name_scope",
    "sharded", "write_version", "pad_step_number", "save_relative_paths", "filename",
    "write_meta_graph", "write_state", "strip_default_attrs", "save_debug_info", "values",
    "keep_checkpoint_every_n_hours", "allow_empty", "defer_build", "builder", "reshape",
}


def accept(function: str, options: dict[str, Any]) -> None:
    """Refuse every argument in ``options`` that is not in :data:`NO_EFFECT`."""
    unknown = sorted(k for k, v in options.items() if k not in NO_EFFECT and v is not None)
    if unknown:
        raise TypeError(f"{function}() got argument(s) that gradlab does not support: "
                        f"{', '.join(unknown)}")


def name_results(namespace: dict) -> None:
    """Give every public function of a module TF1's ``name=``: the result is named so."""
    for key, function in list(namespace.items()):
        if (key.startswith("_") or not inspect.isfunction(function)
                or function.__module__ != namespace["__name__"]
                or "name" not in inspect.signature(function).parameters):
            continue
        namespace[key] = _naming(function)


def _naming(function: Any) -> Any:
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        name = signature.bind_partial(*args, **kwargs).arguments.get("name")
        return named(result, name) if isinstance(result, Tensor) and name else result

    return wrapper
