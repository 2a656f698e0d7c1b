# Forward, one step at a time, then multiply the local derivatives going back (the chain rule):
#   dL/dz  = sigmoid(z) - y     (the derivative of log(1 + e^z) is e^z / (1 + e^z) = sigmoid(z))
#   dz/du  = w2
#   du/da  = 1 - tanh(a)**2
#   da/db1 = 1                  (b1 is added, not multiplied by anything)
x, y, w1, b1, w2, b2 = 0.5, 1.0, 2.0, -0.5, 1.5, 0.25
a = w1 * x + b1
u = np.tanh(a)
z = w2 * u + b2
sigmoid_z = 1 / (1 + np.exp(-z))
my_gradient = (sigmoid_z - y) * w2 * (1 - u**2) * 1
