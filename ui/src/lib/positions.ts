/** Where in a JSON text a finding points: serde's "line L column C" for syntax errors, the
 *  key of the pointer's last property name otherwise, else the start. Returns [from, to). */
export function findingRange(text: string, message: string, pointer: string): [number, number] {
  const m = message.match(/line (\d+) column (\d+)/);
  if (m) {
    const lines = text.split("\n");
    const line = Math.min(Number(m[1]), lines.length);
    let pos = 0;
    for (let i = 0; i < line - 1; i++) pos += lines[i].length + 1;
    pos += Math.max(0, Number(m[2]) - 1);
    pos = Math.min(pos, text.length);
    return [Math.max(0, pos - 1), Math.min(text.length, pos + 1)];
  }
  const names = pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
    .filter((t) => !/^\d+$/.test(t));
  const last = names[names.length - 1];
  if (last !== undefined) {
    const at = text.indexOf(JSON.stringify(last));
    if (at >= 0) return [at, at + JSON.stringify(last).length];
  }
  return [0, Math.min(1, text.length)];
}
