// The Liverpool SEND policy with json-rules-engine: the rules are JSON
// (liverpool-rules.json) in three engines, run as the policy's decisions
// depend on each other:
//   case engine       N1 may_request                     (once per case)
//   provision engine  N1, N2, V1 exclusions; N3, N4, V2 direct-payment
//                     refusals                           (once per provision)
//   appeal engine     V3 grounds of appeal               (once per case)
// provision.included is true unless an exclusion fired (its default);
// direct_payment is included and no refusal fired (N5, N7). JavaScript adds
// up the amounts (in pence, exactly) and prints the result.
//
// Reads JSON Lines cases on standard input, writes one decision line per
// case in the form of entitle eval --jsonl --no-explain (constant digest).
//
//   node liverpool.js < cases.jsonl > decisions.jsonl
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { Engine } = require('json-rules-engine');

const rules = JSON.parse(fs.readFileSync(path.join(__dirname, 'liverpool-rules.json'), 'utf8'));
function engine(list) {
  const e = new Engine([], { allowUndefinedFacts: false });
  for (const r of list) e.addRule(r);
  return e;
}
const caseEngine = engine(rules.case);
const provisionEngine = engine(rules.provision);
const appealEngine = engine(rules.appeal);

const STREAMS = ['education', 'health', 'social_care', 'transport'];
const HEAD = ',"policy":{"name":"Liverpool City Council: A Guide to Personalisation ' +
  'and Personal Budgets","version":"Revised May 2018","digest":"sha256:jre"},"decisions":';

function pence(s) {
  const m = /^([0-9]{1,9})\.([0-9]{2})$/.exec(s);
  if (!m) throw new Error('annual_cost: bad amount');
  return Number(m[1]) * 100 + Number(m[2]);
}
const money = (p) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, '0')}`;
const has = (events, type) => events.some((e) => e.type === type);

async function decide(c) {
  const exceptional = c.exceptional_circumstances === true;
  const { events: ce } = await caseEngine.run({ ehc_stage: c.ehc_stage });
  const mayRequest = has(ce, 'may_request');
  const results = await Promise.all(c.provisions.map((p) => provisionEngine.run({
    may_request: mayRequest,
    universal: p.universal === true,
    block_contract: p.block_contract === true,
    affects_others: p.affects_others === true,
    school_placement: p.school_placement === true,
    employs_household_member: p.employs_household_member === true,
    exceptional_circumstances: exceptional,
  })));
  const provisions = {};
  const budget = [0, 0, 0, 0];
  let total = 0, dpTotal = 0, anyIncluded = false, anyNotOffered = false;
  c.provisions.forEach((p, i) => {
    const s = STREAMS.indexOf(p.stream);
    if (s < 0) throw new Error('stream: unknown value');
    const cost = pence(p.annual_cost);
    const included = !has(results[i].events, 'excluded');
    const dp = included && !has(results[i].events, 'no_direct_payment');
    provisions[p.id] = { included, direct_payment: dp };
    if (included) { budget[s] += cost; total += cost; anyIncluded = true; }
    if (dp) dpTotal += cost;
    if (p.in_request === true && !included) anyNotOffered = true;
  });
  const { events: ae } = await appealEngine.run({
    family_disputes_amount: c.family_disputes_amount === true,
    personal_budget_requested: c.personal_budget_requested === true,
    may_request: mayRequest,
    any_included: anyIncluded,
    any_not_offered: anyNotOffered,
  });
  const d = {
    may_request: mayRequest,
    provisions,
    budget: {
      education: money(budget[0]), health: money(budget[1]),
      social_care: money(budget[2]), transport: money(budget[3]), total: money(total),
    },
    direct_payment_total: money(dpTotal),
    appeal_grounds: ae.map((e) => e.params.ground).sort(),
  };
  return '{"case_id":' + JSON.stringify(c.case_id) + HEAD + JSON.stringify(d) + '}\n';
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out = [];
  let bytes = 0, n = 0, bad = 0;
  for await (const line of rl) {
    n++;
    if (!line) continue;
    let s;
    try {
      s = await decide(JSON.parse(line));
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
  if (bad) {
    process.stderr.write(`jre: ${bad} cases could not be decided\n`);
    process.exitCode = 2;
  }
}
main();
