"""The engine: how gradlab finds derivatives. Read this package and nothing else to learn it.

Reading order, about an afternoon:

1. :mod:`.graph`     nodes (immutable ``Tensor``), graphs, shapes, topological order.
2. :mod:`.opdef`     what an op is (one row of the op table), constants and placeholders.
3. :mod:`.simplify`  building a node: identities, constant folding, shape inference.
4. :mod:`.ops`       the op table: each op's numpy function beside its gradient rules,
                     one blackboard line each (``sin: g * cos(x)``).
5. :mod:`.autodiff`  reverse mode: ``gradients(ys, xs)`` walks the graph backwards and
                     builds *new nodes*, so gradients of gradients need nothing new.
6. :mod:`.forward`   forward mode: ``forward_gradients(ys, xs, tangents)`` walks the graph
                     forwards with each op's tangent rule (dual numbers, as nodes).
7. :mod:`.evaluate`  the reference evaluator: runs a graph node by node with numpy.
8. :mod:`.control_flow` an ``if`` on a traced value, and the ``cond`` / ``while_loop`` ops.

The core imports numpy and nothing else; the layers above it (``compile``,
``frontend``, ``show``, ``widgets``) import it, never the other way round.
"""
