"""Run generated JavaScript functions under node, many calls through one node process.

Numbers cross the pipe as the hex of their float64 bytes, never as JSON numbers, so
nan, inf and -0 arrive exactly as they left. Each function is evaluated in a fresh
``vm`` context that holds only JavaScript's built-ins: a function that reached for
``require``, ``process`` or a global of the page would fail here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence

import numpy as np

_SERVER = r"""
const vm = require("vm");
const readline = require("readline");
const floats = (hex) => new Float64Array(Uint8Array.from(Buffer.from(hex, "hex")).buffer);
const hex = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let reply;
  try {
    const call = JSON.parse(line);
    const f = vm.runInNewContext(call.source, Object.create(null));
    const inputs = call.inputs.map(([kind, h]) => (kind === "number" ? floats(h)[0] : floats(h)));
    const copies = inputs.map((v) => (typeof v === "number" ? v : v.slice()));
    const outputs = f(inputs);
    const again = f(inputs);  // a pure function: the same answer twice, inputs untouched
    const same = outputs.every((o, j) => hex(o) === hex(again[j]))
      && inputs.every((v, k) => (typeof v === "number" ? Object.is(v, copies[k]) : hex(v) === hex(copies[k])));
    reply = { outputs: outputs.map((o) => [o.constructor.name, hex(o)]), pure: same };
  } catch (err) {
    reply = { error: String(err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
"""


class JavaScriptError(RuntimeError):
    """The JavaScript function threw (or did not compile); the message is node's."""


class Node:
    """One node process that evaluates ``(function (inputs) {...})`` sources on request."""

    def __init__(self) -> None:
        executable = shutil.which("node")
        if executable is None:
            raise RuntimeError("node is not installed, and the JavaScript agreement tests need it: "
                               "install Debian's nodejs package (apt-get install nodejs)")
        self.process = subprocess.Popen([executable, "-e", _SERVER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)

    def run(self, source: str, inputs: Sequence[float | np.ndarray]) -> list[np.ndarray]:
        """Call the function once; a Python float becomes a number, an array a Float64Array."""
        encoded = [["number", np.float64(v).tobytes().hex()] if np.ndim(v) == 0
                   else ["array", np.ascontiguousarray(v, dtype="<f8").tobytes().hex()]
                   for v in inputs]
        self.process.stdin.write(json.dumps({"source": source, "inputs": encoded}) + "\n")
        reply = json.loads(self.process.stdout.readline() or '{"error": "node exited"}')
        if "error" in reply:
            raise JavaScriptError(reply["error"])
        assert reply["pure"], "the function gave another answer the second time, or changed its inputs"
        assert all(kind == "Float64Array" for kind, _ in reply["outputs"]), reply["outputs"]
        return [np.frombuffer(bytes.fromhex(h), dtype="<f8") for _, h in reply["outputs"]]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)
