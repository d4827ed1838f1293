'use strict';
// Checks the editor grammars of editors/ on every shipped rule file.
//
//   node check.js textmate   the TextMate grammar, through vscode-textmate
//                            and vscode-oniguruma (found in $NODE_PREFIX)
//   node check.js vim        the Vim syntax file, through vim itself
//
// The rule files are rules/**/*.rules and the ```entitle blocks of
// rules/**/*.md (literate rule files) and of doc/language.md. Each line
// is cut into tokens here the way grammar/lexer.l cuts it (longest match
// first, then the earlier rule), with the reserved words read from
// grammar/lexer.l itself; every comment, quoted text, reserved word,
// date, amount, percentage, whole number, table bar and name must then
// have the scope (or Vim syntax group) of its kind. One line per check,
// then 'N passed, N failed'.

const fs = require('fs');
const path = require('path');
const os = require('os');
const { execFileSync } = require('child_process');

const srcdir = process.env.srcdir || '.';
const mode = process.argv[2];
let passed = 0;
let failed = 0;

function report(ok, what, problems) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${what}`);
  if (!ok)
    for (const p of problems.slice(0, 10)) console.log(`    ${p}`);
  if (!ok && problems.length > 10)
    console.log(`    ... and ${problems.length - 10} more`);
}

// ----- The reserved words of grammar/lexer.l

function reservedWords() {
  const lexer = fs.readFileSync(path.join(srcdir, 'grammar/lexer.l'), 'utf8');
  const rules = lexer.split('%%')[1];
  const words = new Set();
  for (const line of rules.split('\n')) {
    const m = /^("[a-z]+"[^{]*)\{/.exec(line);
    if (!m) continue;
    for (const w of m[1].matchAll(/"([a-z]+)"/g)) words.add(w[1]);
  }
  return words;
}
const RESERVED = reservedWords();

// ----- Tokens as grammar/lexer.l reads them, line by line

const RULES = [
  ['space', /[ \t\r]+/y],
  ['comment', /#[^\n]*/y],
  ['dbar', /\|\|/y],
  ['bar', /\|/y],
  ['notin', /not[ \t]+in(?![A-Za-z0-9_])/y],
  ['op', /!=|<=|>=|[=<>+\-*/(){}[\],:.]/y],
  ['date', /[0-9]{4}-[0-9]{2}-[0-9]{2}/y],
  ['percent', /[0-9]+(\.[0-9]+)?%/y],
  ['money', /£?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)\.[0-9]+/y],
  ['badmoney', /£([0-9]+|[0-9]{1,3}(,[0-9]{3})+)/y],
  ['int', /[0-9]+/y],
  ['word', /[A-Za-z_][A-Za-z0-9_]*/y],
  ['string', /"([^"\\\n]|\\.)*"/y],
  ['badstring', /"([^"\\\n]|\\.)*\\?/y],
  ['other', /[^]/uy],
];

function lexLine(line) {
  const out = [];
  let i = 0;
  while (i < line.length) {
    let best = null;
    for (const [kind, re] of RULES) {
      re.lastIndex = i;
      const m = re.exec(line);
      if (m && m[0].length > 0 && (!best || m[0].length > best.text.length))
        best = { kind, text: m[0] };
    }
    let { kind } = best;
    const text = best.text;
    if (kind === 'word') kind = RESERVED.has(text) ? 'keyword' : 'name';
    if (kind === 'notin') {
      out.push({ kind: 'keyword', start: i, end: i + 3, text: 'not' });
      out.push({ kind: 'keyword', start: i + text.length - 2,
                 end: i + text.length, text: 'in' });
    } else if (kind !== 'space') {
      out.push({ kind, start: i, end: i + text.length, text });
    }
    i += text.length;
  }
  // The name a declaration gives: rule NAME, table NAME, decision PATH...
  for (let k = 0; k + 1 < out.length; k++) {
    const t = out[k];
    if (t.kind !== 'keyword' || out[k + 1].kind !== 'name') continue;
    if (!/^(rule|table|decision|parameter|enum|record|document)$/.test(t.text))
      continue;
    out[k + 1].kind = 'declared';
    if (t.text === 'decision')
      for (let j = k + 2; j + 1 < out.length && out[j].text === '.' &&
           out[j + 1].kind === 'name'; j += 2)
        out[j + 1].kind = 'declared';
  }
  return out;
}

// ----- The rule files

function ruleFiles() {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(srcdir, dir),
                                   { withFileTypes: true }).sort(
                                     (a, b) => a.name.localeCompare(b.name))) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.rules'))
        files.push({ name: rel, text: fs.readFileSync(path.join(srcdir, rel), 'utf8') });
      else if (e.name.endsWith('.md')) blocks(rel); // a literate rule file
    }
  };
  // The ```entitle blocks of a Markdown file, each as a file.
  const blocks = (rel) => {
    const doc = fs.readFileSync(path.join(srcdir, rel), 'utf8').split('\n');
    for (let i = 0; i < doc.length; i++) {
      if (doc[i].trim() !== '```entitle') continue;
      const start = i + 1;
      let j = start;
      while (j < doc.length && doc[j].trim() !== '```') j++;
      files.push({ name: `${rel}:${start + 1}`, text: doc.slice(start, j).join('\n') + '\n' });
      i = j;
    }
  };
  walk('rules');
  blocks('doc/language.md');
  return files;
}

// ----- What each kind of token must be scoped as

// TextMate: a test on the scopes (outermost first) of one character.
const TM_EXPECT = {
  comment: ['a comment', (s) => s.includes('comment.line.number-sign.entitle')],
  string: ['a string', (s) => s.includes('string.quoted.double.entitle')],
  keyword: ['a keyword', (s, t) => t.text === 'true' || t.text === 'false'
    ? s.includes('constant.language.boolean.entitle')
    : s.some((x) => /^(keyword|storage)\.[a-z.]*entitle$/.test(x))],
  date: ['a date', (s) => s.includes('constant.numeric.date.entitle')],
  money: ['money', (s) => s.includes('constant.numeric.money.entitle')],
  percent: ['a percentage', (s) => s.includes('constant.numeric.percentage.entitle')],
  int: ['a whole number', (s) => s.includes('constant.numeric.integer.entitle')],
  bar: ['a table bar', (s) => s.includes('punctuation.separator.table.entitle')],
  dbar: ['a table bar', (s) => s.includes('punctuation.separator.table.result.entitle')],
  op: ['a sign', (s) => s.some((x) => /^(keyword\.operator|punctuation)\./.test(x))],
  name: ['a name', (s) => s.length === 2 && s[1] === 'variable.other.entitle' ||
    s.some((x) => x === 'support.function.entitle')],
  declared: ['a declared name', (s) => s.some((x) => /^entity\.name\./.test(x))],
};

// Vim: a test on the syntax group of one byte.
const VIM_EXPECT = {
  comment: (g) => g === 'entitleComment' || g === 'entitleTodo',
  string: (g) => /^entitle(String|Escape|TestName)$/.test(g),
  keyword: (g, t) => t.text === 'true' || t.text === 'false'
    ? g === 'entitleBoolean'
    : /^entitle(Declaration|Conditional|OperatorWord|Unit|Type|Keyword)$/.test(g),
  date: (g) => g === 'entitleDate',
  money: (g) => g === 'entitleMoney',
  percent: (g) => g === 'entitlePercentage',
  int: (g) => g === 'entitleInteger',
  bar: (g) => g === 'entitleTableBar',
  dbar: (g) => g === 'entitleTableBar',
  op: (g) => g === 'entitleOperator' || g === 'entitleDelimiter',
  name: (g) => g === '' || g === 'entitleFunction',
  declared: (g) => g === 'entitleDeclaredName',
};

const KINDS = [
  ['comment', ['comment']], ['string', ['string']], ['keyword', ['keyword']],
  ['date', ['date']], ['money', ['money']], ['percent', ['percent']],
  ['int', ['int']], ['table bar', ['bar', 'dbar']], ['sign', ['op']],
  ['name', ['name', 'declared']],
];

// Checks the tokens of every line of one file. scopeAt(line, index) gives
// what the editor gives the character at 'index' of line number 'line'.
function checkTokens(file, lines, scopeAt, expect, describe) {
  const problems = {};
  const counts = {};
  for (const [, kinds] of KINDS)
    for (const k of kinds) { problems[k] = []; counts[k] = 0; }
  lines.forEach((line, n) => {
    for (const t of lexLine(line)) {
      if (!(t.kind in expect)) continue;
      counts[t.kind]++;
      for (let i = t.start; i < t.end; i++) {
        if (/\s/.test(line[i])) continue;
        const s = scopeAt(n, i);
        if (!expect[t.kind](s, t)) {
          problems[t.kind].push(`line ${n + 1}, column ${i + 1}: '${t.text}' ` +
                                `is scoped ${describe(s)}`);
          break;
        }
      }
    }
  });
  for (const [label, kinds] of KINDS) {
    const count = kinds.reduce((a, k) => a + counts[k], 0);
    const probs = kinds.flatMap((k) => problems[k]);
    report(probs.length === 0, `${file}: ${count} ${label} token(s) scoped as such`, probs);
  }
}

// Short lines with one form each, whether or not the shipped files use it.
function samples() {
  const lines = [...RESERVED].sort();
  lines.push('parameter limit: money = £1,500.00', 'x = 1500.00 + £0.00',
             'y = 12.5% * 100% - 0.0125%', 'visit_by = 2026-05-11 + 28 days',
             'z = 2026-5-1', 'w1 = "a \\"quoted\\" word \\\\ # not a comment" # a comment',
             'test "one \\"two\\""', 'decision grant.payable: money',
             'rule r1 also cites hap "5.3"', '  | a || b |', 'when x not in tenants',
             'max(a, b) >= min(c, d)', '{a, b} [x] (y) !=');
  return { name: 'samples of every reserved word and literal', text: lines.join('\n') + '\n' };
}

// ----- TextMate

async function textmate() {
  const prefix = process.env.NODE_PREFIX;
  const req = (m) => require(path.join(prefix, 'node_modules', m));
  const vsctm = req('vscode-textmate');
  const onig = req('vscode-oniguruma');
  const wasm = fs.readFileSync(path.join(prefix, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammarPath = path.join(srcdir, 'editors/entitle.tmLanguage.json');
  const raw = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
  report(raw.scopeName === 'source.entitle' && JSON.stringify(raw.fileTypes) === '["rules"]',
         'the grammar is source.entitle, for *.rules files', [`scopeName ${raw.scopeName}, fileTypes ${raw.fileTypes}`]);
  report(RESERVED.size >= 60, `grammar/lexer.l has ${RESERVED.size} reserved words`, ['too few: is the lexer read right?']);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new onig.OnigScanner(p),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) => scope === 'source.entitle'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar('source.entitle');
  const files = ruleFiles();
  report(files.filter((f) => f.name.startsWith('doc/')).length > 0 &&
         files.filter((f) => f.name.startsWith('rules/')).length >= 10,
         `${files.length} rule files and examples found`, ['rules/ or doc/language.md not found']);
  for (const file of [samples(), ...files]) {
    const lines = file.text.replace(/\n$/, '').split('\n');
    const tokens = [];
    const problems = [];
    let stack = vsctm.INITIAL;
    lines.forEach((line, n) => {
      try {
        const r = grammar.tokenizeLine(line, stack, 10000);
        if (r.stoppedEarly) problems.push(`line ${n + 1}: stopped early`);
        let at = 0;
        for (const t of r.tokens) {
          if (t.startIndex !== at) problems.push(`line ${n + 1}: a gap at column ${at + 1}`);
          at = t.endIndex;
        }
        if (at < line.length) problems.push(`line ${n + 1}: tokens end at column ${at + 1}`);
        // Nothing the language has runs over a line end.
        if (!r.ruleStack.equals(vsctm.INITIAL) && r.ruleStack.depth !== 1)
          problems.push(`line ${n + 1}: a scope stays open at the end of the line`);
        tokens.push(r.tokens);
        stack = r.ruleStack;
      } catch (e) {
        problems.push(`line ${n + 1}: ${e.message}`);
        tokens.push([]);
      }
    });
    report(problems.length === 0, `${file.name}: ${lines.length} lines tokenised`, problems);
    const scopeAt = (n, i) => {
      const t = tokens[n].find((x) => x.startIndex <= i && i < x.endIndex);
      return t ? t.scopes : [];
    };
    checkTokens(file.name, lines, scopeAt, Object.fromEntries(
      Object.entries(TM_EXPECT).map(([k, [, f]]) => [k, f])),
      (s) => s.join(' ') || 'not at all');
  }
}

// ----- Vim

function vim() {
  const syntax = path.resolve(srcdir, 'editors/vim/syntax/entitle.vim');
  const ftdetect = path.resolve(srcdir, 'editors/vim/ftdetect/entitle.vim');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'entitle-vim-'));
  try {
    const script = path.join(tmp, 'dump.vim');
    fs.writeFileSync(script, [
      'let s:out = []',
      'for s:l in range(1, line("$"))',
      '  let s:names = []',
      '  for s:c in range(1, len(getline(s:l)))',
      '    call add(s:names, synIDattr(synID(s:l, s:c, 1), "name"))',
      '  endfor',
      '  call add(s:out, join(s:names, ","))',
      'endfor',
      'call writefile([&filetype] + s:out, $ENTITLE_DUMP)',
    ].join('\n') + '\n');
    const files = [samples(), ...ruleFiles()];
    files.forEach((file, k) => {
      const input = path.join(tmp, `f${k}.rules`);
      const dump = path.join(tmp, `f${k}.out`);
      fs.writeFileSync(input, file.text);
      execFileSync('vim', ['-u', 'NONE', '-i', 'NONE', '-N', '-n', '-e', '-s',
        '--cmd', `set runtimepath^=${path.dirname(path.dirname(syntax))}`,
        '-c', `source ${ftdetect}`, '-c', 'filetype on', '-c', 'syntax on',
        '-c', `edit ${input}`, '-c', `source ${script}`, '-c', 'qa!'],
        { env: { ...process.env, ENTITLE_DUMP: dump }, stdio: 'ignore', timeout: 60000 });
      const out = fs.readFileSync(dump, 'utf8').split('\n');
      if (k === 0) report(out[0] === 'entitle', 'a *.rules file has filetype entitle', [`filetype '${out[0]}'`]);
      const groups = out.slice(1).map((l) => l.split(','));
      const lines = file.text.replace(/\n$/, '').split('\n');
      // Vim counts bytes, JavaScript UTF-16 units: '£' is two bytes.
      const scopeAt = (n, i) => groups[n][Buffer.byteLength(lines[n].slice(0, i))] || '';
      checkTokens(`vim ${file.name}`, lines, scopeAt, VIM_EXPECT, (g) => g || 'no group');
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

(async () => {
  try {
    if (mode === 'textmate') await textmate();
    else if (mode === 'vim') vim();
    else throw new Error(`usage: check.js textmate|vim`);
  } catch (e) {
    report(false, `the check ran to the end`, [e.stack]);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
