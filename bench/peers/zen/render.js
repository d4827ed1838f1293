// The rendering of a ZEN result as entitle eval --jsonl --no-explain
// writes it (constant policy digest), shared by liverpool.js (JSON Lines)
// and bench/serve/zen-server.js (HTTP).
'use strict';

const HEAD = ',"policy":{"name":"Liverpool City Council: A Guide to Personalisation ' +
  'and Personal Budgets","version":"Revised May 2018","digest":"sha256:zen"},"decisions":';

// ZEN computes exact decimals; they reach JavaScript as numbers, and every
// amount here is below 2^53 pence, so toFixed(2) prints them exactly.
const money = (x) => Number(x).toFixed(2);

function render(c, r) {
  const provisions = {};
  for (const p of r.items) {
    provisions[p.id] = { included: p.included, direct_payment: p.direct_payment };
  }
  const b = r.budget;
  const d = {
    may_request: r.may_request,
    provisions,
    budget: {
      education: money(b.education), health: money(b.health),
      social_care: money(b.social_care), transport: money(b.transport),
      total: money(b.total),
    },
    direct_payment_total: money(r.direct_payment_total),
    appeal_grounds: r.appeal_grounds.map((g) => g.ground),
  };
  return '{"case_id":' + JSON.stringify(c.case_id) + HEAD + JSON.stringify(d) + '}\n';
}

module.exports = { render };
