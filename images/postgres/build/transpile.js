// Compiles the agent for the image with the TypeScript that Debian ships: types
// are stripped, not checked (the repository's `npm run build` checks them).
// Usage: node transpile.js <source root> <output root> <file.ts>...
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const [sourceRoot, outputRoot, ...files] = process.argv.slice(2);
for (const file of files) {
  const source = fs.readFileSync(path.join(sourceRoot, file), "utf8");
  const { outputText, diagnostics } = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
  });
  if (diagnostics && diagnostics.length) {
    for (const d of diagnostics) console.error(`${file}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    process.exit(1);
  }
  const target = path.join(outputRoot, file.replace(/\.ts$/, ".js"));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, outputText);
}
