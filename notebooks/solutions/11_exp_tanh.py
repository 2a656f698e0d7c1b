# Each new function is a step with one parent: compute the value now, and leave behind a
# _backward that multiplies the incoming out.grad by the local derivative and ADDS it (+=) to
# the parent's grad. Both derivatives can be read from the output itself: d/dx e^x = e^x is
# out.data, and d/dx tanh(x) = 1 - tanh(x)**2 = 1 - out.data**2.
def exp(self):
    out = Value(math.exp(self.data), (self,))
    def _backward():
        self.grad += out.data * out.grad
    out._backward = _backward
    return out


def tanh(self):
    out = Value(math.tanh(self.data), (self,))
    def _backward():
        self.grad += (1 - out.data ** 2) * out.grad
    out._backward = _backward
    return out


Value.exp = exp
Value.tanh = tanh
my_value_class = Value
