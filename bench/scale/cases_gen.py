"""Generators of large cases for tests/cli/data/grant.rules: f(n) -> text."""
import json

HEAD = '{"case_id": "G-1", "applied_on": "2026-03-01", "born_on": "1950-06-30", "tenure": "owner", '


def job(i, key=None):
    return '{"id": "%s", "kind": "ramp", "cost": "%d.00"}' % (key or "job-%d" % i, 100 + i % 1000)


def long_list(n):
    return HEAD + '"jobs": [\n' + ",\n".join(job(i) for i in range(n)) + "]}\n"


def long_list_one_line(n):
    return HEAD + '"jobs": [' + ",".join(job(i) for i in range(n)) + "]}\n"


def long_list_similar_keys(n):
    # keys sharing a long common prefix (hash quality / compare cost)
    return HEAD + '"jobs": [\n' + ",\n".join(job(i, "k" * 200 + str(i)) for i in range(n)) + "]}\n"


def long_list_dup_at_end(n):
    return HEAD + '"jobs": [\n' + ",\n".join(job(i) for i in range(n)) + ",\n" + job(0) + "]}\n"


def long_list_error_at_end(n):
    return HEAD + '"jobs": [\n' + ",\n".join(job(i) for i in range(n)) + ',\n{"id": "x", "kind": "ramp", "cost": 5}]}\n'


def long_text(n):
    return HEAD + '"jobs": [], "note": "' + "a" * n + '"}\n'


def long_text_escapes(n):
    return HEAD + '"jobs": [], "note": "' + "\\u00e9\\n\\\"" * (n // 14) + '"}\n'


def long_text_surrogates(n):
    return HEAD + '"jobs": [], "note": "' + "\\ud83d\\ude00" * (n // 12) + '"}\n'


def long_text_utf8(n):
    return HEAD + '"jobs": [], "note": "' + "é😀" * (n // 6) + '"}\n'


def long_protected(n):
    return HEAD + '"jobs": [], "religion": "' + "\\u00e9" * (n // 6) + '"}\n'


def long_unknown_field_name(n):
    return HEAD + '"jobs": [], "' + "z" * n + '": 1}\n'


def many_unknown_fields(n):
    return HEAD + '"jobs": [], ' + ", ".join('"u%d": %d' % (i, i) for i in range(n)) + "}\n"


def whitespace(n):
    return HEAD + '"jobs": [' + " " * n + "]" + "\n" * n + "}\n"


def whitespace_lines_error(n):
    # an error after n lines of white space: location computation
    return HEAD + "\n" * n + '"jobs": 5}\n'


def trailing_garbage(n):
    return HEAD + '"jobs": []}' + "\n" * n + "x"


def long_number(n):
    return HEAD + '"jobs": [{"id": "a", "kind": "ramp", "cost": "' + "9" * n + '.00"}]}\n'


def long_key_text(n):
    return HEAD + '"jobs": [{"id": "' + "k" * n + '", "kind": "ramp", "cost": "1.00"}]}\n'


def deep_nesting(n):
    # a deeply nested value where a text is expected
    return HEAD + '"jobs": [], "note": ' + "[" * n + "]" * n + "}\n"


def deep_nesting_unknown(n):
    return HEAD + '"jobs": [], "zz": ' + "[" * n + "]" * n + "}\n"


def many_items_urgent(n):
    return HEAD + '"jobs": [\n' + ",\n".join('{"id": "j%d", "kind": "extension", "cost": "40000.00", "urgent": %s}' % (i, "true" if i % 2 else "false") for i in range(n)) + "]}\n"


FAMILIES = {k: v for k, v in globals().items() if callable(v) and k not in ("job",)}
