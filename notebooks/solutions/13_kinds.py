# A writes the whole graph down before any number exists, then runs it in a Session: a graph.
# B, D and F compute with real numbers at once, and each step is noted down so that
# backward() / tape.gradient can replay the notes in reverse: tapes.
# C and E call a Python function (jnp.sin, np.sin) on stand-ins, tracers or placeholders,
# to obtain its graph, which is then differentiated (and, under jax.jit, compiled): traces.
my_kinds = {"A": "graph", "B": "tape", "C": "trace", "D": "tape", "E": "trace", "F": "tape"}
