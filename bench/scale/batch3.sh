#!/bin/sh
cd "$(dirname "$0")"
export LIMIT=30
python3 run_rules.py check document_at_end 5000
python3 run_rules.py test many_tests 2000
python3 run_rules.py test test_item_expects 500
python3 run_rules.py test test_item_edits 500
python3 run_rules.py test many_decisions_test 2000
python3 run_rules.py test test_big_list 500
