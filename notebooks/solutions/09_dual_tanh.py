def my_tanh(x):
    # tanh'(a) = 1 - tanh(a)**2, so the rule can reuse the value it has just computed (as
    # gradlab's rules reuse `out`); times x.tangent, the speed coming in: the chain rule
    value = np.tanh(x.value)
    return Dual(value, (1 - value**2) * x.tangent)
