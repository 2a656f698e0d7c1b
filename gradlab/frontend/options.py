"""TF1 arguments that change nothing in gradlab are accepted; any other is refused.

TF1 functions take many arguments about devices, locking and bookkeeping
(``use_locking=``, ``collections=``, ``validate_shape=``). gradlab has one device and
no collections, so those change nothing here and are accepted. Every other argument
that gradlab does not implement raises an error naming it, so nothing a program
asks for is silently ignored.
"""

from __future__ import annotations

from typing import Any

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
