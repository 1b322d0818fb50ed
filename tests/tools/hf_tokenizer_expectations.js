// Expected token ids for tests/unit/test-hf-tokenizer.cpp, from Hugging Face's
// own tokenizers library (its Rust core through the official Node binding,
// npm package "tokenizers"), never from attnviz. Run by hand, not by the
// build or the tests (nothing is downloaded at build or test time):
//
//   d=$(mktemp -d) && (cd $d && npm install tokenizers@0.23.2)
//   NODE_PATH=$d/node_modules node tests/tools/hf_tokenizer_expectations.js \
//       tests/data/tokenizers/expected/texts.json OUT.json TOKENIZER.json
//
// writes {"generator", "tokenizer", "cases": [[text, [ids]], ...]}: each text
// of texts.json encoded with add_special_tokens = true (the library's default,
// what transformers gives too). A file the library refuses writes {"error"}.
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('tokenizers');

async function main() {
  const [textsPath, outPath, tokenizerPath] = process.argv.slice(2);
  if (!tokenizerPath) {
    console.error('usage: node hf_tokenizer_expectations.js texts.json out.json tokenizer.json');
    process.exit(2);
  }
  const version = require('tokenizers/package.json').version;
  const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
  const out = { generator: `Hugging Face tokenizers ${version} (npm "tokenizers", Rust core), encode(text, add_special_tokens=true)`,
                tokenizer: path.basename(tokenizerPath) };
  let tok;
  try {
    tok = Tokenizer.fromFile(tokenizerPath);
  } catch (e) {
    out.error = String(e);
    fs.writeFileSync(outPath, JSON.stringify(out) + '\n');
    return;
  }
  out.cases = [];
  for (const t of texts) {
    const e = await tok.encode(t, null, { addSpecialTokens: true });
    out.cases.push([t, e.getIds()]);
  }
  fs.writeFileSync(outPath, JSON.stringify(out, null, 0) + '\n');
}
main();
