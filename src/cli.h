/*
** cli.h: the entitle command.
*/
#ifndef ENT_CLI_H
#define ENT_CLI_H

/* Exit statuses, one meaning each (doc/exit-status.md). */
enum {
  EXIT_OK = 0,
  EXIT_RULES = 1,     /* errors in a rule file or a program file */
  EXIT_CASE = 2,      /* a case is not valid for the policy */
  EXIT_TESTS = 3,     /* some tests in the language failed */
  EXIT_USAGE = 64,    /* wrong command line */
  EXIT_IO = 74,       /* a file could not be read or written */
  EXIT_INTERNAL = 70  /* a bug: please report it */
};

int cli_main(int argc, char **argv);
int testrun_main(int argc, char **argv);

#endif
