def my_derivative(x):
    # chain rule: the outer exp keeps its value, times the inner derivative cos(x)
    return np.exp(np.sin(x)) * np.cos(x)
