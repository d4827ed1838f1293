"""Generators of large rule files, one function per family: f(n) -> text."""

HEAD = '''policy "Scale test"
  version "1"
  status "generated"

document gen "A generated policy text"

'''

FACTS = '''record item
  id: text
  cost: money
  b: bool (default false)
  n: integer (default 0)
end

facts
  case_id: text (identifier, optional)
  x: integer (default 0)
  flag: bool (default false)
  items: list of item keyed by id (optional)
end

'''


def rule(name, target, value, extra=""):
    return 'rule %s\n  "Rule %s"\n  cites gen "S"\n  %s = %s\n%s\n' % (name, name, target, value, extra)


def many_rules_one_decision(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n\n']
    for i in range(n):
        s.append(rule("r%d" % i, "d", "1", "  when x = %d\n" % i))
    return "".join(s)


def override_chain(n):
    # r_i overrides r_{i-1}: precedence closure of a chain
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n\n']
    for i in range(n):
        s.append(rule("r%d" % i, "d", str(i), "  when x > %d\n" % i +
                      ("  overrides r%d\n" % (i - 1) if i else "")))
    return "".join(s)


def many_decisions(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('decision d%d: bool (default false)\n  "d%d"\n' % (i, i))
        s.append(rule("r%d" % i, "d%d" % i, "true", "  when x = %d\n" % i))
    return "".join(s)


def decision_chain(n):
    # d_i reads d_{i-1}: a dependency chain n long
    s = [HEAD, FACTS, 'decision d0: integer (default 0)\n  "d0"\n']
    s.append(rule("r0", "d0", "x"))
    for i in range(1, n):
        s.append('decision d%d: integer\n  "d%d"\n' % (i, i))
        s.append(rule("r%d" % i, "d%d" % i, "d%d + 1" % (i - 1)))
    return "".join(s)


def item_decisions(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('decision item.e%d: bool (default false)\n  "e%d"\n' % (i, i))
        s.append(rule("r%d" % i, "item.e%d" % i, "true", "  when item.n = %d\n" % i))
    return "".join(s)


def many_enum(n):
    s = [HEAD, FACTS.replace("  x: integer (default 0)\n", "  x: integer (default 0)\n  e: big\n")]
    s.append("enum big: " + ", ".join("v%d" % i for i in range(n)) + "\n\n")
    s.append('decision d: big (default v0)\n  "d"\n')
    s.append(rule("r", "d", "e", "  when e != v%d\n" % (n - 1)))
    return "".join(s)


def many_enum_table(n):
    # a table with one enum column and n rows, one per value (checked for gaps)
    s = [HEAD, FACTS.replace("  x: integer (default 0)\n", "  x: integer (default 0)\n  e: big\n")]
    s.append("enum big: " + ", ".join("v%d" % i for i in range(n)) + "\n\n")
    s.append('decision d: integer\n  "d"\n')
    s.append('table t\n  "T"\n  cites gen "S"\n  | e || d |\n')
    for i in range(n):
        s.append("  | v%d || %d |\n" % (i, i))
    s.append("end\n")
    return "".join(s)


def and_chain(n, op="and"):
    s = [HEAD, FACTS, 'decision d: bool (default false)\n  "d"\n']
    cond = (" %s " % op).join("x != %d" % i if op == "and" else "x = %d" % i for i in range(n))
    s.append(rule("r", "d", "true", "  when " + cond + "\n"))
    return "".join(s)


def or_chain(n):
    return and_chain(n, "or")


def and_chain_lines(n):
    s = [HEAD, FACTS, 'decision d: bool (default false)\n  "d"\n']
    cond = "\n   and ".join("x != %d" % i for i in range(n))
    s.append(rule("r", "d", "true", "  when " + cond + "\n"))
    return "".join(s)


def plus_chain(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append(rule("r", "d", " + ".join("x" for i in range(n))))
    return "".join(s)


def nested_parens(n):
    s = [HEAD, FACTS, 'decision d: bool (default false)\n  "d"\n']
    s.append(rule("r", "d", "(" * n + "flag" + ")" * n))
    return "".join(s)


def nested_not(n):
    s = [HEAD, FACTS, 'decision d: bool (default false)\n  "d"\n']
    s.append(rule("r", "d", "not " * n + "flag"))
    return "".join(s)


def nested_if(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    e = "0"
    s.append(rule("r", "d", "".join("if x = %d then %d else " % (i, i) for i in range(n)) + "0"))
    return "".join(s)


def nested_minus(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append(rule("r", "d", "- " * n + "x"))
    return "".join(s)


def long_ident(n):
    name = "a" * n
    s = [HEAD, FACTS, 'decision %s: bool (default false)\n  "d"\n' % name]
    s.append(rule("r" + name, name, "true", "  when flag\n"))
    return "".join(s)


def long_text(n):
    s = [HEAD, FACTS, 'decision d: bool (default false)\n  "%s"\n' % ("é\\\"x" * (n // 4))]
    s.append('rule r\n  "%s"\n  cites gen "%s"\n  d = true\n  when flag\n' % ("t" * n, "s" * n))
    return "".join(s)


def table_rows(n, first=False):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append('table t%s\n  "T"\n  cites gen "S"\n  | x || d |\n' % (" first" if first else ""))
    for i in range(n):
        s.append("  | %d || %d |\n" % (i, i))
    s.append("end\n")
    return "".join(s)


def table_rows_first(n):
    return table_rows(n, True)


def table_cols(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append('table t\n  "T"\n  cites gen "S"\n  | ' + " | ".join("x" for i in range(n)) + " || d |\n")
    for r in range(3):
        s.append("  | " + " | ".join(">= %d" % r for i in range(n)) + " || %d |\n" % r)
    s.append("end\n")
    return "".join(s)


def table_bool_cols(n):
    # n bool decision inputs: the exhaustiveness check is capped at 65536 combos
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('decision b%d: bool (default false)\n  "b"\n' % i)
    s.append('decision d: integer\n  "d"\n')
    s.append('table t\n  "T"\n  cites gen "S"\n  | ' + " | ".join("b%d" % i for i in range(n)) + " || d |\n")
    for r in range(4):
        s.append("  | " + " | ".join("true" if (i + r) % 3 else "-" for i in range(n)) + " || %d |\n" % r)
    s.append("end\n")
    return "".join(s)


def table_outputs(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('decision o%d: integer (default 0)\n  "o"\n' % i)
    s.append('table t\n  "T"\n  cites gen "S"\n  | x || ' + " | ".join("o%d" % i for i in range(n)) + " |\n")
    for r in range(3):
        s.append("  | %d || " % r + " | ".join(str(r) for i in range(n)) + " |\n")
    s.append("end\n")
    return "".join(s)


def many_documents(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('document doc%d "Document number %d"\n' % (i, i))
    s.append('decision d: bool (default false)\n  "d"\n')
    s.append('rule r\n  "R"\n' + "".join('  cites doc%d "%d"\n' % (i, i) for i in range(n)) + "  d = true\n  when flag\n")
    return "".join(s)


def many_cites_one_doc(n):
    s = [HEAD, FACTS, 'decision d: bool (default false)\n  "d"\n']
    s.append('rule r\n  "R"\n' + "".join('  cites gen "%d"\n' % i for i in range(n)) + "  d = true\n  when flag\n")
    return "".join(s)


def many_overrides_list(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    for i in range(n):
        s.append(rule("r%d" % i, "d", "1", "  when x = %d\n" % i))
    s.append(rule("top", "d", "2", "  when flag\n  overrides " + ", ".join("r%d" % i for i in range(n)) + "\n"))
    return "".join(s)


def many_tests(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append(rule("r", "d", "x", "  when flag\n"))
    for i in range(n):
        s.append('test "t%d"\n  given\n    x = %d\n    flag = true\n  expect\n    d = %d by r\n\n' % (i, i, i))
    return "".join(s)


def like_chain(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append(rule("r", "d", "x", "  when flag\n"))
    s.append('test "t0"\n  given\n    x = 0\n    flag = true\n  expect\n    d = 0\n\n')
    for i in range(1, n):
        s.append('test "t%d" like "t%d"\n  given\n    x = %d\n  expect\n    d = %d by r\n\n' % (i, i - 1, i, i))
    return "".join(s)


def test_big_list(n):
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append(rule("r", "d", "count i in items where i.b", ""))
    s.append('test "t"\n  given\n    items = [\n' + ",\n".join('      {id: "k%d", cost: £1.00, b: true}' % i for i in range(n)) +
             '\n    ]\n  expect\n    d = %d by r\n' % n)
    return "".join(s)


def syntax_error_at_end(n):
    return many_decisions(n) + "rule oops\n  = = =\n"


def many_errors(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append(rule("r%d" % i, "nosuch%d" % i, "true"))
    return "".join(s)


def many_syntax_errors(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append("rule r%d = = \n" % i)
    return "".join(s)


def many_requires(n):
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('require x != %d "x is not %d"\n' % (-1 - i, -1 - i))
    return "".join(s)


def many_params(n):
    s = [HEAD, FACTS, 'parameter p0: integer = 1\n']
    for i in range(1, n):
        s.append('parameter p%d: integer = p%d\n' % (i, i - 1))
    s.append('decision d: integer (default 0)\n  "d"\n')
    s.append(rule("r", "d", "p%d" % (n - 1)))
    return "".join(s)


def many_replace(n):
    s = [HEAD, FACTS, 'parameter p: integer = 0\n']
    for i in range(1, n):
        s.append('replace parameter p = %d\n' % i)
    s.append('decision d: integer (default 0)\n  "d"\n')
    s.append(rule("r", "d", "p"))
    for i in range(n):
        s.append('replace rule r\n  "R"\n  cites gen "S"\n  d = %d\n' % i)
    return "".join(s)


def many_records(n):
    # a chain of nested records is limited to 16 deep; many sibling records
    s = [HEAD]
    for i in range(n):
        s.append("record rec%d\n  a: integer (default 0)\n  b: bool (default false)\nend\n" % i)
    s.append("facts\n" + "".join("  f%d: rec%d\n" % (i, i) for i in range(n)) + "end\n")
    s.append('decision d: bool (default false)\n  "d"\n')
    s.append(rule("r", "d", "true", "  when f%d.b\n" % (n - 1)))
    return "".join(s)


def many_facts(n):
    s = [HEAD]
    s.append("facts\n" + "".join("  f%d: integer (default 0)\n" % i for i in range(n)) + "end\n")
    s.append('decision d: integer (default 0)\n  "d"\n')
    s.append(rule("r", "d", "f%d" % (n - 1)))
    return "".join(s)


def comments(n):
    return HEAD + "# comment\n" * n + FACTS


def whitespace(n):
    return HEAD + " " * n + "\n" + FACTS


FAMILIES = {k: v for k, v in globals().items() if callable(v) and k not in ("rule",)}


def document_at_end(n):
    # n rules citing a document declared at the very end of the file
    s = [HEAD.replace('document gen "A generated policy text"\n', ''), FACTS]
    for i in range(n):
        s.append('decision d%d: bool (default false)\n  "d%d"\n' % (i, i))
        s.append(rule("r%d" % i, "d%d" % i, "true", "  when x = %d\n" % i))
    s.append('document gen "A generated policy text"\n')
    return "".join(s)


FAMILIES["document_at_end"] = document_at_end


def test_item_expects(n):
    # one test, n items, one expectation per item: find_decision is linear in items
    s = [HEAD, FACTS, 'decision item.ok: bool (default false)\n  "ok"\n']
    s.append(rule("r", "item.ok", "true", "  when item.b\n"))
    s.append('test "t"\n  given\n    items = [\n' + ",\n".join('      {id: "k%d", cost: £1.00, b: true}' % i for i in range(n)) +
             '\n    ]\n  expect\n' + "".join("    items.k%d.ok = true by r\n" % i for i in range(n)))
    return "".join(s)


def test_item_edits(n):
    # a base test with n items, and a 'like' test changing every item: LIST.KEY.field lookups
    s = [HEAD, FACTS, 'decision d: integer (default 0)\n  "d"\n']
    s.append(rule("r", "d", "count i in items where i.b", ""))
    s.append('test "base"\n  given\n    items = [\n' + ",\n".join('      {id: "k%d", cost: £1.00}' % i for i in range(n)) +
             '\n    ]\n  expect\n    d = 0\n\n')
    s.append('test "all" like "base"\n  given\n' + "".join("    items.k%d.b = true\n" % i for i in range(n)) +
             '  expect\n    d = %d by r\n' % n)
    return "".join(s)


def many_decisions_test(n):
    # n decisions and one test expecting each: find_decision is linear in decisions
    s = [HEAD, FACTS]
    for i in range(n):
        s.append('decision d%d: bool (default false)\n  "d%d"\n' % (i, i))
    s.append(rule("r", "d0", "true", "  when flag\n"))
    s.append('test "t"\n  given\n    flag = true\n  expect\n' + "".join("    d%d = %s\n" % (i, "true" if i == 0 else "false") for i in range(n)))
    return "".join(s)


FAMILIES.update(test_item_expects=test_item_expects, test_item_edits=test_item_edits, many_decisions_test=many_decisions_test)
