// The Liverpool SEND policy as a GoRules ZEN decision graph (liverpool.json,
// a JSON Decision Model: an expression node, two decision tables run in
// loop mode over the provisions, an expression node for the amounts and a
// collect table for the grounds of appeal), evaluated with
// @gorules/zen-engine.
//
// Reads JSON Lines cases on standard input, writes one decision line per
// case in the form of entitle eval --jsonl --no-explain (constant policy
// digest). Cases are evaluated one after another (one core).
//
//   node liverpool.js < cases.jsonl > decisions.jsonl
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { ZenEngine } = require('@gorules/zen-engine');

const engine = new ZenEngine();
const decision = engine.createDecision(
  fs.readFileSync(path.join(__dirname, 'liverpool.json')));

const { render } = require('./render');

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out = [];
  let bytes = 0, n = 0, bad = 0;
  for await (const line of rl) {
    n++;
    if (!line) continue;
    let s;
    try {
      const c = JSON.parse(line);
      const r = await decision.evaluate(c);
      s = render(c, r.result);
    } catch (e) {
      bad++;
      s = JSON.stringify({ line: n, error: { message: String(e && e.message || e) } }) + '\n';
    }
    out.push(s);
    bytes += s.length;
    if (bytes > 1 << 16) {
      if (!process.stdout.write(out.join(''))) {
        await new Promise((res) => process.stdout.once('drain', res));
      }
      out.length = 0;
      bytes = 0;
    }
  }
  process.stdout.write(out.join(''));
  engine.dispose();
  if (bad) {
    process.stderr.write(`zen: ${bad} cases could not be decided\n`);
    process.exitCode = 2;
  }
}
main();
