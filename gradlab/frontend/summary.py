"""``tf.summary``: scalars, histograms and the graph, written for TensorBoard.

As in TF1, a summary is an op. Running it gives a summary value; a ``FileWriter``
writes that to an event file, which ``tensorboard --logdir <dir>`` shows::

    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", W)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter("logs", sess.graph)
    for step in range(100):
        summary, _ = sess.run([merged, train_step], feed_dict=...)
        writer.add_summary(summary, step)
    writer.close()

The event files are TensorBoard's real format, made with the ``tensorboard`` package
(``pip install "gradlab[tensorboard]"``), which does not need TensorFlow. The graph
tab shows every node of the graph, gradient nodes included, named as gradlab names
them.
"""

from __future__ import annotations

import time
import weakref
from typing import Any, Sequence

import numpy as np

from ..core.graph import Graph, Tensor, get_default_graph
from ..core.opdef import OPS, defop
from ..core.ops import as_tensor


class SummaryValues:
    """What running a summary op gives: a list of ``(tag, kind, value)``."""

    def __init__(self, values: list[tuple[str, str, Any]]) -> None:
        self.values = values

    def __repr__(self) -> str:
        return f"<summary of {', '.join(tag for tag, _, _ in self.values)}>"


_OBJECT = np.dtype(object)
defop("ScalarSummary", lambda x, tag: SummaryValues([(tag, "scalar", float(np.asarray(x)))]),
      None, shape=lambda inputs, attrs: ((), ()), dtype=_OBJECT, foldable=False)
defop("HistogramSummary",
      lambda x, tag: SummaryValues([(tag, "histogram", np.array(x, dtype=np.float64).ravel())]),
      None, shape=lambda inputs, attrs: ((), ()), dtype=_OBJECT, foldable=False)
defop("MergeSummary",
      lambda *parts: SummaryValues([v for p in parts if p is not None for v in p.values]),
      None, shape=lambda inputs, attrs: ((), ()), dtype=_OBJECT, foldable=False)

_SUMMARIES: "weakref.WeakKeyDictionary[Graph, list[Tensor]]" = weakref.WeakKeyDictionary()


def _summary(op: str, name: str, tensor: Any) -> Tensor:
    graph = get_default_graph()
    tag = "/".join(graph.scopes + [name])
    node = Tensor(OPS[op], (as_tensor(tensor),), {"tag": tag}, _OBJECT, (), (), name)
    _SUMMARIES.setdefault(graph, []).append(node)
    return node


def scalar(name: str, tensor: Any, collections: Any = None, family: Any = None) -> Tensor:
    """A summary op recording the value of a scalar tensor (a loss, an accuracy)."""
    return _summary("ScalarSummary", name, tensor)


def histogram(name: str, values: Any, collections: Any = None, family: Any = None) -> Tensor:
    """A summary op recording the distribution of a tensor's values (weights, gradients)."""
    return _summary("HistogramSummary", name, values)


def merge(inputs: Sequence[Tensor], collections: Any = None, name: str | None = None) -> Tensor:
    """One summary op that runs all of ``inputs``."""
    return Tensor(OPS["MergeSummary"], tuple(inputs), {}, _OBJECT, (), (), name or "Merge")


def merge_all(key: Any = None, scope: Any = None, name: str | None = None) -> Tensor | None:
    """All summary ops of the default graph in one (None if there are none, as in TF1)."""
    made = _SUMMARIES.get(get_default_graph(), [])
    return merge(made, name=name) if made else None


def _tensorboard() -> Any:
    try:
        from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:  # pragma: no cover (the test environment has it)
        raise ImportError(
            "writing TensorBoard files needs the tensorboard package: "
            "pip install \"gradlab[tensorboard]\" (or pip install tensorboard)") from None
    return event_pb2, graph_pb2, summary_pb2, EventFileWriter


def _histogram(values: np.ndarray, summary_pb2: Any) -> Any:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return summary_pb2.HistogramProto()
    counts, edges = np.histogram(values, bins=30)
    return summary_pb2.HistogramProto(
        min=float(values.min()), max=float(values.max()), num=float(values.size),
        sum=float(values.sum()), sum_squares=float((values * values).sum()),
        bucket_limit=[float(e) for e in edges[1:]], bucket=[float(c) for c in counts])


class FileWriter:
    """Writes summaries (and the graph) to an event file in ``logdir`` for TensorBoard."""

    def __init__(self, logdir: str, graph: Graph | None = None, max_queue: int = 10,
                 flush_secs: int = 120, filename_suffix: str | None = None) -> None:
        self._pb = _tensorboard()
        self._writer = self._pb[3](str(logdir), max_queue_size=max_queue, flush_secs=flush_secs,
                                   filename_suffix=filename_suffix or "")
        if graph is not None:
            self.add_graph(graph)

    def get_logdir(self) -> str:
        return self._writer.get_logdir()

    def add_summary(self, summary: Any, global_step: Any = None) -> None:
        """Write what a summary op gave (``sess.run(merged)``) at step ``global_step``."""
        event_pb2, _, summary_pb2, _ = self._pb
        if isinstance(summary, (bytes, bytearray)):
            proto = summary_pb2.Summary.FromString(bytes(summary))
        elif isinstance(summary, SummaryValues):
            proto = summary_pb2.Summary()
            for tag, kind, value in summary.values:
                if kind == "scalar":
                    proto.value.add(tag=tag, simple_value=value)
                else:
                    proto.value.add(tag=tag, histo=_histogram(value, summary_pb2))
        else:
            raise TypeError(f"add_summary takes what a summary op gives when run, not "
                            f"{type(summary).__name__}: run the op first, sess.run(merged)")
        step = 0 if global_step is None else int(global_step)
        self._writer.add_event(event_pb2.Event(wall_time=time.time(), step=step, summary=proto))

    def add_graph(self, graph: Any, global_step: Any = None) -> None:
        """Write the graph's nodes, each with its op and inputs, for the graph tab."""
        event_pb2, graph_pb2, _, _ = self._pb
        graph = getattr(graph, "graph", graph)  # a Session's graph, or a graph
        definition = graph_pb2.GraphDef()
        for name, node in list(graph.nodes.items()):
            entry = definition.node.add(name=name, op=node.op.name)
            entry.input.extend(t.name for t in node.inputs)
        self._writer.add_event(event_pb2.Event(wall_time=time.time(),
                                               graph_def=definition.SerializeToString()))

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> "FileWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


SummaryWriter = FileWriter  # the pre-1.0 name (tf.train.SummaryWriter)
