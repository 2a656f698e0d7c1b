// live_plot.js's render() in node, with just enough of a page around it to count what it
// draws: a canvas whose 2-D context counts drawImage calls, requestAnimationFrame run on
// demand, and createImageBitmap decodes that the test resolves (or fails) one by one.
//
//   node live_plot_page.mjs path/to/live_plot.js   < commands (one JSON per line)
//
// Commands: {"op": "render", "state": {...}}   the widget's state, as the kernel sends it
//           {"op": "set", "state": {...}}      a message: all keys set, then change:<key>
//           {"op": "decode", "ok": true}       the oldest decode still pending finishes
//           {"op": "frame"}                    one animation frame runs
//           {"op": "report"}                   prints what was drawn, as one JSON line
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const drawn = []; // one entry per background drawn: its bitmap's id
let nextBitmap = 0;
const bitmaps = [];
const decodes = []; // pending: { resolve, reject, bitmap }
let animation = [];

const context = new Proxy({}, {
  get(target, name) {
    if (name === "drawImage") return (image) => drawn.push(image.id);
    if (name === "measureText") return () => ({ width: 10 });
    return name in target ? target[name] : () => {};
  },
  set(target, name, value) { target[name] = value; return true; },
});
const canvas = { dataset: {}, style: {}, width: 0, height: 0, getContext: () => context };
globalThis.window = { devicePixelRatio: 1 };
globalThis.document = { createElement: () => canvas };
globalThis.requestAnimationFrame = (callback) => animation.push(callback);
globalThis.createImageBitmap = () => new Promise((resolve, reject) => {
  const bitmap = { id: nextBitmap++, closed: false, close() { this.closed = true; } };
  bitmaps.push(bitmap);
  decodes.push({ resolve: () => resolve(bitmap), reject: () => reject(new Error("undecodable")) });
});

const attributes = {};
const handlers = {};
const model = {
  get: (name) => attributes[name],
  on: (event, handler) => { (handlers[event] ||= []).push(handler); },
  off: (event, handler) => { handlers[event] = (handlers[event] || []).filter((h) => h !== handler); },
  send: () => {}, // no kernel answers "hello": the page decides after a few seconds
};
function set(state) { // as Backbone does: every value first, then one event per change
  const changed = Object.keys(state).filter((k) => attributes[k] !== state[k]);
  Object.assign(attributes, state);
  for (const name of changed) for (const handler of handlers[`change:${name}`] || []) handler();
}

const { default: widget } = await import(pathToFileURL(process.argv[2]).href);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0)); // promise callbacks run
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  if (command.op === "render") {
    Object.assign(attributes, command.state);
    widget.render({ model, el: { appendChild: () => {} } });
  } else if (command.op === "set") {
    set(command.state);
  } else if (command.op === "decode") {
    const decode = decodes.shift();
    if (command.ok) decode.resolve(); else decode.reject();
  } else if (command.op === "frame") {
    const run = animation;
    animation = [];
    for (const callback of run) callback(performance.now());
  } else if (command.op === "report") {
    const shown = canvas.dataset.drawn ? JSON.parse(canvas.dataset.drawn) : null;
    console.log(JSON.stringify({ drawn, shown, pending: decodes.length,
                                 closed: bitmaps.filter((b) => b.closed).map((b) => b.id) }));
  }
  await settle();
}
process.exit(0); // the page's "is there a kernel?" timer must not keep node alive
