# uᵀJ weights row i of J by u_i and adds the rows up: one entry per column (per input).
#   J = [[1, -2, 0],          u = (2, -1)
#        [3,  1, 4]]
#   uᵀJ = 2·(1, -2, 0) + (-1)·(3, 1, 4) = (2 - 3, -4 - 1, 0 - 4)
my_vjp = np.array([-1.0, -5.0, -4.0])
# Check with reverse mode: f(p) = J @ p has the Jacobian J at every p, so
# gl.vjp(lambda p: J @ p, np.zeros(3))[1](u) gives the same three numbers.
