#!/bin/sh
# case families for `entitle eval` on tests/cli/data/grant.rules
cd "$(dirname "$0")"
export LIMIT=30
for mode in noexplain json text; do
  python3 run_cases.py $mode long_list 25000
done
for spec in "long_list_one_line 25000" "long_list_similar_keys 25000" "long_list_dup_at_end 25000" "long_list_error_at_end 25000" \
  "long_text 4000000" "long_text_escapes 4000000" "long_text_surrogates 4000000" "long_text_utf8 4000000" "long_protected 4000000" \
  "long_unknown_field_name 4000000" "many_unknown_fields 100000" "whitespace 2000000" "whitespace_lines_error 2000000" "trailing_garbage 2000000" \
  "long_number 4000000" "long_key_text 4000000" "deep_nesting 1000000" "deep_nesting_unknown 1000000"; do
  set -- $spec
  python3 run_cases.py noexplain $1 $2
done
python3 run_cases.py json long_text_escapes 4000000
python3 run_cases.py text long_text_escapes 4000000
python3 run_cases.py json many_items_urgent 25000
