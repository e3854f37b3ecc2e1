// Parses a Mermaid diagram from stdin with Mermaid's own parser (in a DOM from jsdom,
// which Mermaid's sanitizer needs): exit 0 and the diagram type, or exit 1 and the parse error.
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");

let text = "";
for await (const chunk of process.stdin) text += chunk;
try {
  const { diagramType } = await mermaid.parse(text);
  process.stdout.write(`${diagramType}\n`);
} catch (error) {
  process.stderr.write(`${error.message ?? error}\n`);
  process.exitCode = 1;
}
