# The lines that built the graph become an ordinary Python function. gl.grad calls it on a
# placeholder for us (a trace), builds the gradient and runs it, so there is no placeholder
# and no Session to write by hand, and my_df takes numpy arrays and returns numpy arrays.
def f(x):
    return gl.exp(-x ** 2 / 2) * gl.sin(3 * x)


my_df = gl.grad(f)
