softsign = gl.register_op(
    "Softsign",
    lambda x: x / (1 + np.abs(x)),
    [lambda g, out, x: g / (1 + gl.abs(x)) ** 2],
)
