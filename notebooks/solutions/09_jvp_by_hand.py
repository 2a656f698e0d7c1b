# h(p) = (p0² p1, p1 + sin p2). Its Jacobian at p = (1, 2, 0), one row per output:
#   [[2 p0 p1, p0², 0     ],    [[4, 1, 0],
#    [0,       1,   cos p2]]  =  [0, 1, 1]]
# and J v for v = (3, -1, 2) is (4·3 + 1·(-1) + 0·2, 0·3 + 1·(-1) + 1·2).
my_jvp = np.array([11.0, 1.0])
# gl.jvp(lambda p: np.stack([p[0]**2 * p[1], p[1] + np.sin(p[2])]),
#        (np.array([1.0, 2.0, 0.0]),), (np.array([3.0, -1.0, 2.0]),))[1] agrees
