# f is a quadratic, so the bowl Newton fits at any point is f itself, and one step lands
# exactly where the gradient is zero, whatever the start:
#   ∂f/∂x = 4x + y - 3 = 0
#   ∂f/∂y = x + 2y + 1 = 0   ->  y = 3 - 4x,  x + 6 - 8x + 1 = 0,  x = 1,  y = -1
my_point = np.array([1.0, -1.0])
# gl.newton(f, np.array([5.0, -7.0]), steps=1).path[1] agrees (the start does not matter).
