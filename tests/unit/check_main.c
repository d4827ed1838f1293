/*
** check_main.c: runs every unit suite, in fork mode so that a crash is a
** failure of one test rather than of the run.
*/
#include <gc.h>
#include <stdlib.h>

#include "suites.h"

int main(void) {
  GC_INIT();
  SRunner *sr = srunner_create(value_suite());
  srunner_add_suite(sr, front_suite());
  srunner_add_suite(sr, vm_suite());
  srunner_add_suite(sr, bytecode_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
