def my_derivative(x):
    # chain rule: d/dx sin(x)^2 = 2 sin(x) * cos(x)
    return 2 * np.sin(x) * np.cos(x)
