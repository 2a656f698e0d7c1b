# y = x * x uses x twice. Each use sends back the other factor times the adjoint of y (1):
# 3 from the first use and 3 from the second. Fan-in adds them: dy/dx = 3 + 3 = 6 = 2x.
my_adjoint = 6.0
