// GoRules ZEN behind Node's own HTTP server: the peer of entitle serve in
// bench/serve/run. The same decision graph as bench/peers/zen
// (liverpool.json), the same rendering of the decisions (the decisions
// only, as entitle serve answers with ?explain=false).
//
//   node zen-server.js PORT     POST /decide with one case as JSON
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { ZenEngine } = require('@gorules/zen-engine');

const engine = new ZenEngine();
const decision = engine.createDecision(
  fs.readFileSync(path.join(__dirname, '..', 'peers', 'zen', 'liverpool.json')));

const { render } = require('../peers/zen/render');

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/decide') {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const c = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const r = await decision.evaluate(c);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(render(c, r.result));
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(String(e && e.message || e) + '\n');
    }
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write('listening on http://127.0.0.1:' + server.address().port + '/\n');
});
process.on('SIGTERM', () => server.close(() => { engine.dispose(); process.exit(0); }));
