# The bug: each local backward function ASSIGNS its contribution (self.grad = ...) instead of
# adding it (self.grad += ...). In a*b + c every Value is used once, so each grad receives
# exactly one contribution, and assigning it to a grad that is still 0 is the same as adding.
# In x * x the product sends two contributions to x (one per use); with = the second one
# overwrites the first, so x.grad is 3 instead of 3 + 3. Fan-in needs +=.
class FixedValue(Value):
    def __add__(self, other):
        other = other if isinstance(other, Value) else FixedValue(other)
        out = FixedValue(self.data + other.data, (self, other))
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else FixedValue(other)
        out = FixedValue(self.data * other.data, (self, other))
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n):
        out = FixedValue(self.data ** n, (self,))
        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    __radd__ = __add__
    __rmul__ = __mul__


my_fixed_class = FixedValue
