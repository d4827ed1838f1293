/* suites.h: one Check suite per module, run by check_main.c. */
#ifndef ENT_SUITES_H
#define ENT_SUITES_H

#include <check.h>

Suite *value_suite(void);
Suite *front_suite(void);
Suite *vm_suite(void);
Suite *bytecode_suite(void);

#endif
