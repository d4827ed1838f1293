#!/bin/sh
# rule-file families for `entitle check`
cd "$(dirname "$0")"
export LIMIT=30
for spec in "many_decisions 10000" "decision_chain 10000" "item_decisions 5000" "many_enum 20000" "many_enum_table 5000" \
  "and_chain 5000" "or_chain 5000" "and_chain_lines 5000" "plus_chain 5000" "nested_parens 1000" "nested_not 1000" "nested_if 1000" "nested_minus 1000" \
  "long_ident 1000000" "long_text 1000000" "table_cols 500" "table_bool_cols 8" "table_outputs 1000" "many_documents 5000" "many_cites_one_doc 10000" \
  "many_overrides_list 5000" "syntax_error_at_end 20000" "many_errors 20000" "many_syntax_errors 20000" "many_requires 10000" "many_params 10000" \
  "many_replace 5000" "many_records 5000" "many_facts 10000" "comments 500000" "whitespace 5000000"; do
  set -- $spec
  python3 run_rules.py check $1 $2
done
