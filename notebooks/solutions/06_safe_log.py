# the double-where trick: log only ever sees positive numbers
my_safe_log = gl.where(x > 0, gl.log(gl.where(x > 0, x, 1.0)), 0.0)
