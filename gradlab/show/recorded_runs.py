"""What lesson 13's PyTorch, JAX and TensorFlow examples printed (written by
scripts/record_lesson13.py: do not edit by hand)."""

VERSIONS: dict[str, str] = {
    'python': '3.11.7',
    'numpy': '2.4.6',
    'torch': '2.13.0+cpu',
    'jax': '0.10.2',
    'jaxlib': '0.10.2',
    'tensorflow': '2.21.0',
}
"""The Python and library versions the recording was made with."""

OUTPUTS: dict[str, tuple[str, str]] = {
    'jax_if': ('jax', (
        'jax.grad:    0.540302 -2.000000\n'
        'under jax.jit it is refused: TracerBoolConversionError\n'
        'lax.cond:    0.540302 -2.000000\n'
    )),
    'jax_sin': ('jax', (
        'gradient of sin  1.000000  0.877583  0.540302  0.070737 -0.416147 -0.801144 -0.989992\n'
    )),
    'jax_step': ('jax', (
        'cost before 14.056505\n'
        'new W        2.268518   new b  3.636959\n'
    )),
    'jax_trace': ('jax', (
        'call with shape (3,)\n'
        '  f runs, on a tracer\n'
        'call with shape (3,)\n'
        'call with shape (5,)\n'
        '  f runs, on a tracer\n'
        'make_jaxpr(f)(1.0) traces f once more and prints the graph:\n'
        '  f runs, on a tracer\n'
        '{ lambda ; a:f64[]. let b:f64[] = sin a; c:f64[] = mul b a in (c,) }\n'
    )),
    'tf_if': ('tensorflow', (
        'tape:        0.540302 -2.000000\n'
        'tf.function  0.540302 -2.000000\n'
        'its graph holds an If op: True\n'
    )),
    'tf_sin': ('tensorflow', (
        'gradient of sin  1.000000  0.877583  0.540302  0.070737 -0.416147 -0.801144 -0.989992\n'
    )),
    'tf_step': ('tensorflow', (
        'cost before 14.056505\n'
        'new W        2.268518   new b  3.636959\n'
    )),
    'torch_calls': ('torch', (
        'call with shape (3,)\n'
        '  f runs, on a Tensor\n'
        'call with shape (3,)\n'
        '  f runs, on a Tensor\n'
        'call with shape (5,)\n'
        '  f runs, on a Tensor\n'
    )),
    'torch_if': ('torch', (
        'torch:       0.540302 -2.000000\n'
    )),
    'torch_sin': ('torch', (
        'gradient of sin  1.000000  0.877583  0.540302  0.070737 -0.416147 -0.801144 -0.989992\n'
    )),
    'torch_step': ('torch', (
        'cost before 14.056505\n'
        'new W        2.268518   new b  3.636959\n'
    )),
    'torch_tape': ('torch', (
        'AddBackward0 <- TanhBackward0 <- MulBackward0 <- torch::autograd::AccumulateGrad\n'
        'd out / d a =  1.940015\n'
    )),
}
"""Example name -> (library, what it printed)."""
